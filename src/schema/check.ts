/**
 * Checks a JSON Schema before codex is asked: a typo (`{type:"strin"}`, `requird`) would
 * otherwise reach the model as is and the answer come back as if the schema were fine. Problems
 * are told in plain words, each with its path inside the schema (`outputSchema.properties.name.type`).
 */
import type { ErrorObject } from "ajv/dist/2020.js";
import { compileSchema, type UnknownKeyword } from "./ajv.js";
import type { JsonSchema } from "./types.js";
import { closestKey } from "../did-you-mean.js";

/** The JSON Schema types, in the order people think of them. */
const TYPES = ["string", "number", "integer", "boolean", "object", "array", "null"];

/**
 * The keywords of every draft, the commonest first: an unknown keyword close to one of them is a
 * typo, refused with a hint; one close to none is an annotation of some tool's, let through.
 */
const KEYWORDS = [
  "type", "properties", "required", "additionalProperties", "items", "prefixItems", "enum", "const", "description", "title",
  "default", "examples", "format", "pattern", "minLength", "maxLength", "minimum", "maximum", "exclusiveMinimum",
  "exclusiveMaximum", "multipleOf", "minItems", "maxItems", "uniqueItems", "contains", "minContains", "maxContains",
  "minProperties", "maxProperties", "patternProperties", "propertyNames", "dependentRequired", "dependentSchemas",
  "anyOf", "oneOf", "allOf", "not", "if", "then", "else", "$ref", "$defs", "$id", "$anchor", "$comment", "deprecated",
  "readOnly", "writeOnly", "unevaluatedProperties", "unevaluatedItems", "contentEncoding", "contentMediaType",
  "contentSchema", "definitions", "dependencies", "additionalItems", "$schema", "$dynamicRef", "$dynamicAnchor",
  "$recursiveRef", "$recursiveAnchor", "$vocabulary",
]; // prettier-ignore

/**
 * Keywords other specs and tools put in JSON Schemas (OpenAPI's, draft-04's `id`, editors' and
 * ajv-keywords') that `@openai/codex-sdk` passes on as they are; allowed as annotations even
 * where one looks like a typo (`example`, `propertyOrder`).
 */
const ANNOTATIONS = new Set(["example", "nullable", "discriminator", "xml", "externalDocs", "id", "propertyOrder", "typeof"]);

/**
 * The problems of `schema` as a JSON Schema of its draft (2020-12 unless its `$schema` names an
 * earlier one), each a line that starts with `name` and the path inside the schema; empty when it
 * is valid. Compiles `schema` (once per object).
 */
export function jsonSchemaProblems(schema: JsonSchema, name: string): string[] {
  const compiled = compileSchema(schema);
  if (compiled.ok) return typoProblems(compiled.unknownKeywords, name);
  const problems = metaProblems(compiled.metaErrors, schema, name);
  if (compiled.other !== undefined) problems.push(`${name}: ${compiled.other}`);
  return [...new Set(problems)];
}

/** An unknown keyword that is a near-typo of a real one (`requird`), with what it likely meant. */
function typoProblems(unknownKeywords: UnknownKeyword[], name: string): string[] {
  const problems: string[] = [];
  for (const { path, keyword } of unknownKeywords) {
    // `x-...` names are the conventional place for annotations of one's own.
    if (keyword.startsWith("x-") || ANNOTATIONS.has(keyword)) continue;
    const guess = closestKey(keyword, KEYWORDS);
    if (guess === undefined || extendsByWord(keyword, guess)) continue;
    problems.push(`${at(name, path)}: "${keyword}" is not a JSON Schema keyword (did you mean "${guess}"?); a note of your own may be named "x-${keyword}"`);
  }
  return [...new Set(problems)];
}

/** A keyword that adds a word to a real one (`enumDescriptions`, `defaultSnippets`) names something else. */
function extendsByWord(keyword: string, known: string): boolean {
  return keyword.length >= known.length + 3 && keyword.toLowerCase().startsWith(known.toLowerCase());
}

function metaProblems(errors: ErrorObject[], schema: JsonSchema, name: string): string[] {
  const byPath = new Map<string, ErrorObject[]>();
  for (const error of errors) byPath.set(error.instancePath, [...(byPath.get(error.instancePath) ?? []), error]);
  const lines: string[] = [];
  for (const [pointer, group] of byPath) {
    const path = fromPointer(pointer);
    const value = valueAt(schema, path);
    // "must match a schema in anyOf" only sums up the alternatives; an enum says the most.
    const specific = group.filter((error) => error.keyword !== "anyOf" && error.keyword !== "oneOf");
    const chosen = specific.find((error) => error.keyword === "enum") ?? specific[0] ?? group[0];
    if (chosen) lines.push(`${at(name, path)}: ${describe(chosen, path, value)}`);
  }
  return lines;
}

function describe(error: ErrorObject, path: string[], value: unknown): string {
  const got = ` (it is ${show(value)})`;
  if (error.keyword === "enum") {
    const allowed = (error.params as { allowedValues?: unknown[] }).allowedValues ?? [];
    if (path[path.length - 1] === "type") {
      return `${show(value)} is not a JSON Schema type; use one of ${TYPES.map((type) => `"${type}"`).join(", ")}`;
    }
    return `must be one of ${allowed.map(show).join(", ")}${got}`;
  }
  if (error.keyword === "type") {
    const wanted = (error.params as { type?: string | string[] }).type ?? [];
    const types = (Array.isArray(wanted) ? wanted : wanted.split(",")).map(article);
    return `must be ${types.join(" or ")}${got}`;
  }
  return `${error.message ?? "is not valid"}${got}`;
}

function article(type: string): string {
  if (type === "null") return "null";
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function at(name: string, path: string[]): string {
  return [name, ...path].join(".");
}

function fromPointer(pointer: string): string[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((segment) => segment.replace(/~1/g, "/").replace(/~0/g, "~"));
}

function valueAt(schema: unknown, path: string[]): unknown {
  let node = schema;
  for (const key of path) {
    if (typeof node !== "object" || node === null) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function show(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
