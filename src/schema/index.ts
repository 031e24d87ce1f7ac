/**
 * Schemas, in one place for tools and structured output alike: a user's schema is any Standard
 * Schema (zod 3.24+, zod 4, valibot, arktype, ...) or a JSON Schema object. Here it is recognized
 * by shape, turned into the JSON Schema codex sends to the model, checked (a JSON Schema must be
 * valid for its draft, 2020-12 unless it names an earlier one, by ajv) and validated, with validators
 * compiled once and cached.
 */
export type {
  JsonSchema,
  SchemaIssue,
  SchemaResult,
  StandardJSONSchemaV1,
  StandardSchemaV1,
  Validator,
  ZodLike,
} from "./types.js";
export { isStandardSchema } from "./standard.js";
export { jsonSchemaOf, type JsonSchemaConversion, type SchemaSide } from "./json-schema.js";
export { jsonSchemaProblems } from "./check.js";
export { formatIssues, validatorFor } from "./validate.js";
export { withJsonSchema, type StandardSchemaWithJson } from "./with-json-schema.js";
