/**
 * The one ajv instance (JSON Schema draft 2020-12) that both checks a user's JSON Schema before
 * codex is asked and validates what comes back against it. Each schema object is compiled once
 * and the outcome cached, since a tool set and an output schema are reused turn after turn.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import type { JsonSchema } from "./types.js";

/** A compiled schema, or why it cannot be compiled. */
export type Compiled =
  | { ok: true; validate: ValidateFunction }
  | {
      ok: false;
      /** Problems the draft 2020-12 meta-schema found, paths pointing into the schema. */
      metaErrors: ErrorObject[];
      /** Keywords that are not JSON Schema, each with the path of the schema holding it. */
      unknownKeywords: Array<{ path: string[]; keyword: string }>;
      /** Any other reason ajv gave (an unresolvable `$ref`, say). */
      other?: string;
    };

/** The `$schema` ajv's 2020 build knows; any other is left out while checking (its drafts overlap). */
const DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema";

// What strict mode says while compiling; filled only inside `compileSchema`, which is synchronous.
let strictNotes: string[] | undefined;

const ajv = new Ajv2020({
  // Unknown keywords are noted rather than thrown, so that they can be reported with their path
  // and so that ajv's other strict notes (a `default` it would not apply) do not refuse a schema.
  strict: false,
  strictSchema: "log",
  strictNumbers: true,
  // Every problem in an answer, as the Standard Schema validators report them.
  allErrors: true,
  // Defaults are filled in, as zod's validators do (the data validated is always our own copy).
  useDefaults: true,
  // `format` is an annotation unless a format plugin is added; codexkit adds none.
  validateFormats: false,
  // Schemas with the same `$id` in different tools must not collide in one shared instance.
  addUsedSchema: false,
  logger: {
    log: () => undefined,
    warn: (...args: unknown[]) => strictNotes?.push(args.map(String).join(" ")),
    error: (...args: unknown[]) => strictNotes?.push(args.map(String).join(" ")),
  },
});

const compiled = new WeakMap<object, Compiled>();

/** `schema` compiled once (cached per object), or why it is not a valid draft 2020-12 JSON Schema. */
export function compileSchema(schema: JsonSchema): Compiled {
  const cached = compiled.get(schema);
  if (cached) return cached;
  const result = compileNow(schema);
  compiled.set(schema, result);
  return result;
}

function compileNow(schema: JsonSchema): Compiled {
  const target = typeof schema.$schema === "string" && schema.$schema.replace(/#$/, "") !== DRAFT_2020_12 ? withoutDraft(schema) : schema;
  if (!ajv.validateSchema(target)) {
    return { ok: false, metaErrors: [...(ajv.errors ?? [])], unknownKeywords: [] };
  }
  const notes: string[] = [];
  strictNotes = notes;
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(target);
  } catch (error) {
    return { ok: false, metaErrors: [], unknownKeywords: [], other: error instanceof Error ? error.message : String(error) };
  } finally {
    strictNotes = undefined;
    // ajv keeps every schema it compiled; the cache here is weak, and the function needs no entry.
    ajv.removeSchema(target);
  }
  const unknown = unknownKeywordsOf(notes);
  // `x-...` names are the conventional place for annotations of one's own.
  const keywords = unknown.filter((keyword) => !keyword.startsWith("x-"));
  if (keywords.length > 0) {
    const unknownKeywords = keywords.flatMap((keyword) => {
      const paths = keywordPaths(schema, keyword);
      return (paths.length > 0 ? paths : [[keyword]]).map((path) => ({ path, keyword }));
    });
    return { ok: false, metaErrors: [], unknownKeywords };
  }
  return { ok: true, validate };
}

function withoutDraft(schema: JsonSchema): JsonSchema {
  const { $schema: _draft, ...rest } = schema;
  return rest;
}

function unknownKeywordsOf(notes: string[]): string[] {
  const keywords = new Set<string>();
  for (const note of notes) {
    const match = /unknown keyword: "(.*)"/.exec(note);
    if (match?.[1] !== undefined) keywords.add(match[1]);
  }
  return [...keywords];
}

// Keywords whose value maps names to subschemas, holds subschemas in an array, or is one subschema.
const SCHEMA_MAPS = new Set(["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"]);
const SCHEMA_ARRAYS = new Set(["allOf", "anyOf", "oneOf", "prefixItems"]);
const SCHEMA_VALUES = new Set([
  "items",
  "additionalProperties",
  "not",
  "if",
  "then",
  "else",
  "contains",
  "propertyNames",
  "unevaluatedItems",
  "unevaluatedProperties",
  "additionalItems",
  "contentSchema",
]);

/** The paths (as keys from the root) at which `keyword` is used as a keyword, found by walking the subschemas. */
function keywordPaths(schema: unknown, keyword: string, path: string[] = []): string[][] {
  if (typeof schema !== "object" || schema === null || Array.isArray(schema)) return [];
  const found: string[][] = [];
  for (const [key, value] of Object.entries(schema as Record<string, unknown>)) {
    if (key === keyword) found.push([...path, key]);
    if (SCHEMA_VALUES.has(key)) {
      if (Array.isArray(value)) value.forEach((item, index) => found.push(...keywordPaths(item, keyword, [...path, key, String(index)])));
      else found.push(...keywordPaths(value, keyword, [...path, key]));
    } else if (SCHEMA_ARRAYS.has(key) && Array.isArray(value)) {
      value.forEach((item, index) => found.push(...keywordPaths(item, keyword, [...path, key, String(index)])));
    } else if (SCHEMA_MAPS.has(key) && typeof value === "object" && value !== null) {
      for (const [name, child] of Object.entries(value as Record<string, unknown>)) found.push(...keywordPaths(child, keyword, [...path, key, name]));
    }
  }
  return found;
}
