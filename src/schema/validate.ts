/**
 * Validators for user schemas, cached per schema object: a Standard Schema validates itself; a
 * JSON Schema is compiled once by ajv (by its own draft), the validator that also checked it.
 */
import type { ErrorObject } from "ajv/dist/2020.js";
import { compileSchema } from "./ajv.js";
import { isStandardSchema, standardValidator } from "./standard.js";
import type { JsonSchema, SchemaIssue, StandardSchemaV1, Validator } from "./types.js";

const validators = new WeakMap<object, Validator | null>();

/**
 * A validator for `schema`. Null when the JSON Schema is not valid, so it cannot check anything
 * (callers refuse such a schema before codex is asked; what is left is theirs to decide).
 */
export function validatorFor(schema: StandardSchemaV1 | JsonSchema): Validator | null {
  if (validators.has(schema)) return validators.get(schema) ?? null;
  const validator = buildValidator(schema);
  validators.set(schema, validator);
  return validator;
}

function buildValidator(schema: StandardSchemaV1 | JsonSchema): Validator | null {
  if (isStandardSchema(schema)) return standardValidator(schema);
  const compiled = compileSchema(schema);
  if (!compiled.ok) return null;
  const validate = compiled.validate;
  return (value) => {
    // ajv fills in defaults where it validates: on a copy, so the caller's value stays as it was.
    const data = structuredClone(value);
    if (validate(data)) return Promise.resolve({ success: true, data });
    return Promise.resolve({ success: false, error: { issues: (validate.errors ?? []).filter(isReported).map(toIssue) } });
  };
}

// The sum-up of failed alternatives (or of a failed `then`) adds nothing to what each one said.
function isReported(error: ErrorObject): boolean {
  return error.keyword !== "anyOf" && error.keyword !== "oneOf" && error.keyword !== "if";
}

function toIssue(error: ErrorObject): SchemaIssue {
  const path: PropertyKey[] = error.instancePath === "" ? [] : error.instancePath.slice(1).split("/").map(unescapePointer);
  const params = error.params as { missingProperty?: string; additionalProperty?: string; allowedValues?: unknown[] };
  if (error.keyword === "required" && params.missingProperty !== undefined) {
    return { path: [...path, params.missingProperty], message: "is required but missing" };
  }
  if (error.keyword === "additionalProperties" && params.additionalProperty !== undefined) {
    return { path: [...path, params.additionalProperty], message: "is not allowed by the schema" };
  }
  if (error.keyword === "enum" && params.allowedValues) {
    return { path, message: `must be one of ${params.allowedValues.map((v) => JSON.stringify(v)).join(", ")}` };
  }
  return { path, message: error.message ?? "is not valid" };
}

function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, "/").replace(/~0/g, "~");
}

/** Issues as lines: `path: message` (`(root)` for the top). */
export function formatIssues(issues: ReadonlyArray<SchemaIssue>): string[] {
  return issues.map((issue) => `${issue.path.map(String).join(".") || "(root)"}: ${issue.message}`);
}
