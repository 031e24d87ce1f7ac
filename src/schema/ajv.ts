/**
 * The ajv instances that both check a user's JSON Schema before codex is asked and validate what
 * comes back against it: one for draft 2020-12, and one for the drafts before it (04 to 2019-09,
 * whose tuples are `items: [...]`, as zod-to-json-schema writes them). Each schema object is
 * compiled once and the outcome cached, since a tool set and an output schema are reused turn after turn.
 */
import { createRequire } from "node:module";
import type { Ajv2019 } from "ajv/dist/2019.js";
import type { Ajv2020, ErrorObject, ValidateFunction } from "ajv/dist/2020.js";
import type { JsonSchema } from "./types.js";

/** A keyword ajv does not know, with the path (keys from the root) of each place it is used. */
export type UnknownKeyword = { path: string[]; keyword: string };

/** A compiled schema, or why it cannot be compiled. */
export type Compiled =
  | {
      ok: true;
      validate: ValidateFunction;
      /** Keywords that are not JSON Schema (ajv ignores them); whether one is a typo is for the caller to judge. */
      unknownKeywords: UnknownKeyword[];
    }
  | {
      ok: false;
      /** Problems the draft's meta-schema found, paths pointing into the schema. */
      metaErrors: ErrorObject[];
      /** Any other reason ajv gave (an unresolvable `$ref`, say). */
      other?: string;
    };

/** The drafts before 2020-12, checked by the 2019-09 rules (which keep draft-07's, tuples and all). */
const OLDER_DRAFT = /^https?:\/\/json-schema\.org\/(draft-0[4-7]\/schema|draft\/2019-09\/schema)#?$/;

// What strict mode says while compiling; filled only inside `compileNow`, which is synchronous.
let strictNotes: string[] | undefined;

const options = {
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
  logger: {
    log: () => undefined,
    warn: (...args: unknown[]) => strictNotes?.push(args.map(String).join(" ")),
    error: (...args: unknown[]) => strictNotes?.push(args.map(String).join(" ")),
  },
} as const;

// ajv (a CommonJS package) is loaded, and its meta-schemas compiled, at the first schema checked:
// a program that never gives a JSON Schema does not pay for it at import.
const require = createRequire(import.meta.url);
let instances: { current: Ajv2020; older: Ajv2019 } | undefined;

function ajvs(): { current: Ajv2020; older: Ajv2019 } {
  if (!instances) {
    const { Ajv2020: Current } = require("ajv/dist/2020.js") as typeof import("ajv/dist/2020.js");
    const { Ajv2019: Older } = require("ajv/dist/2019.js") as typeof import("ajv/dist/2019.js");
    instances = { current: new Current(options), older: new Older(options) };
  }
  return instances;
}

const compiled = new WeakMap<object, Compiled>();

/** `schema` compiled once (cached per object), or why it is not a valid JSON Schema of its draft. */
export function compileSchema(schema: JsonSchema): Compiled {
  const cached = compiled.get(schema);
  if (cached) return cached;
  const result = compileNow(schema);
  compiled.set(schema, result);
  return result;
}

function compileNow(schema: JsonSchema): Compiled {
  const { current, older } = ajvs();
  const ajv = isOlderDraft(schema) ? older : current;
  // Each instance checks against its own draft's meta-schema; `$schema` has chosen the instance.
  const target = withoutDraft(schema);
  if (!ajv.validateSchema(target)) return { ok: false, metaErrors: [...(ajv.errors ?? [])] };
  const notes: string[] = [];
  strictNotes = notes;
  // The schema is added while compiled, so that a `$ref` to its root (`"#"`, a recursive schema)
  // resolves; it and any `$id` inside it are removed after, so the same `$id` in another schema is no clash.
  const refsBefore = new Set(Object.keys(ajv.refs));
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(target);
  } catch (error) {
    return { ok: false, metaErrors: [], other: error instanceof Error ? error.message : String(error) };
  } finally {
    strictNotes = undefined;
    // ajv keeps every schema it compiled; the cache here is weak, and the function needs no entry.
    ajv.removeSchema(target);
    for (const ref of Object.keys(ajv.refs)) if (!refsBefore.has(ref)) delete (ajv.refs as Record<string, unknown>)[ref];
  }
  const unknownKeywords = unknownKeywordsOf(notes).flatMap((keyword) => {
    const paths = keywordPaths(schema, keyword);
    return (paths.length > 0 ? paths : [[keyword]]).map((path) => ({ path, keyword }));
  });
  return { ok: true, validate, unknownKeywords };
}

/**
 * Whether `schema` is one of the drafts before 2020-12: its `$schema` says so, or, without one, it
 * writes a tuple as `items: [...]` (a converter's output whose `$schema` was dropped), which
 * 2020-12 has no reading for but the older drafts all read alike.
 */
function isOlderDraft(schema: JsonSchema): boolean {
  if (typeof schema.$schema === "string") return OLDER_DRAFT.test(schema.$schema);
  return keywordPaths(schema, "items").some((path) => Array.isArray(valueAt(schema, path)));
}

function withoutDraft(schema: JsonSchema): JsonSchema {
  if (typeof schema.$schema !== "string") return schema;
  const { $schema: _draft, ...rest } = schema;
  return rest;
}

function valueAt(schema: unknown, path: string[]): unknown {
  let node = schema;
  for (const key of path) node = typeof node === "object" && node !== null ? (node as Record<string, unknown>)[key] : undefined;
  return node;
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
