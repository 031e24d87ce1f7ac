/**
 * `withJsonSchema`: gives a Standard Schema that cannot describe itself (zod 3, a hand-written
 * validator) the JSON Schema the model needs, keeping its validation and its types.
 */
import { InvalidOptionsError } from "../errors/index.js";
import { isStandardSchema } from "./standard.js";
import type { JsonSchema, StandardJSONSchemaV1, StandardSchemaV1 } from "./types.js";

/** A Standard Schema that also gives its JSON Schema (Standard JSON Schema). */
export type StandardSchemaWithJson<Input = unknown, Output = Input> = StandardSchemaV1<Input, Output> & StandardJSONSchemaV1<Input, Output>;

/**
 * `schema` with `jsonSchema` as its JSON Schema (for both sides): validation stays `schema`'s own,
 * types are inferred from it. E.g. `withJsonSchema(z3schema, zodToJsonSchema(z3schema))`.
 * Throws `InvalidOptionsError` when either argument is not what it should be.
 */
export function withJsonSchema<S extends StandardSchemaV1>(
  schema: S,
  jsonSchema: JsonSchema,
): StandardSchemaWithJson<StandardSchemaV1.InferInput<S>, StandardSchemaV1.InferOutput<S>> {
  if (!isStandardSchema(schema)) throw new InvalidOptionsError("withJsonSchema: schema must be a Standard Schema (it has no ~standard.validate)");
  if (typeof jsonSchema !== "object" || jsonSchema === null || Array.isArray(jsonSchema)) {
    throw new InvalidOptionsError("withJsonSchema: jsonSchema must be a JSON Schema object");
  }
  const standard = schema["~standard"] as StandardSchemaV1.Props<StandardSchemaV1.InferInput<S>, StandardSchemaV1.InferOutput<S>>;
  // A private copy, so later edits to the caller's object cannot change what the model is told.
  let copy: JsonSchema;
  try {
    copy = JSON.parse(JSON.stringify(jsonSchema)) as JsonSchema;
  } catch (error) {
    throw new InvalidOptionsError(`withJsonSchema: jsonSchema must be JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const describe = (): JsonSchema => structuredClone(copy);
  return Object.freeze({
    "~standard": Object.freeze({
      version: 1 as const,
      vendor: standard.vendor,
      validate: (value: unknown, options?: StandardSchemaV1.Options) => standard.validate(value, options),
      ...(standard.types ? { types: standard.types } : {}),
      jsonSchema: Object.freeze({ input: describe, output: describe }),
    }),
  });
}
