/**
 * Validators for user schemas, cached per schema object: a Standard Schema validates itself; a
 * JSON Schema goes through zod's `z.fromJSONSchema`.
 */
import { z } from "zod";
import { isStandardSchema, standardValidator } from "./standard.js";
import type { JsonSchema, SchemaIssue, StandardSchemaV1, Validator } from "./types.js";

const validators = new WeakMap<object, Validator | null>();

/**
 * A validator for `schema`. Null when zod cannot express the JSON Schema (codex still gets the
 * schema; the caller decides what checking is left).
 */
export function validatorFor(schema: StandardSchemaV1 | JsonSchema): Validator | null {
  if (validators.has(schema)) return validators.get(schema) ?? null;
  const validator = buildValidator(schema);
  validators.set(schema, validator);
  return validator;
}

function buildValidator(schema: StandardSchemaV1 | JsonSchema): Validator | null {
  if (isStandardSchema(schema)) return standardValidator(schema);
  let parser: z.ZodType;
  try {
    parser = z.fromJSONSchema(schema);
  } catch {
    return null;
  }
  return standardValidator(parser);
}

/** Issues as lines: `path: message` (`(root)` for the top). */
export function formatIssues(issues: ReadonlyArray<SchemaIssue>): string[] {
  return issues.map((issue) => `${issue.path.map(String).join(".") || "(root)"}: ${issue.message}`);
}
