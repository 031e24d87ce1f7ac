/**
 * Structured output: a JSON Schema object or any Standard Schema (zod, valibot, arktype, ...)
 * goes to codex as JSON Schema, and the final answer comes back parsed and validated (see
 * `src/schema/`), or as an `OutputSchemaError` that keeps the raw text.
 */
import { InvalidOptionsError, OutputSchemaError } from "./errors/index.js";
import type { OutputSchema } from "./options/index.js";
import { formatIssues, isStandardSchema, jsonSchemaOf, validatorFor, type SchemaResult } from "./schema/index.js";

/** The JSON Schema codex receives for `outputSchema`; throws `InvalidOptionsError` for anything else. */
export function outputJsonSchema(schema: OutputSchema): Record<string, unknown> {
  if (!isStandardSchema(schema) && (typeof schema !== "object" || schema === null || Array.isArray(schema))) {
    throw new InvalidOptionsError("outputSchema must be a plain JSON Schema object or a Standard Schema (zod, valibot, arktype, ...)");
  }
  const conversion = jsonSchemaOf(schema, "output");
  if (!conversion.ok) throw new InvalidOptionsError(`outputSchema ${conversion.message}`);
  return conversion.schema;
}

/**
 * The `structuredOutput` of a turn. With a Standard Schema the answer must parse and validate
 * (`OutputSchemaError` otherwise, the opt-in to strictness). With a plain JSON Schema, as in
 * `@openai/codex-sdk`, the answer never makes the turn fail: the parsed value when it is JSON
 * that validates, else undefined (`finalResponse` keeps the text).
 */
export async function structuredOutputOf(text: string, schema: OutputSchema): Promise<unknown> {
  if (isStandardSchema(schema)) return parseStructuredOutput(text, schema);
  try {
    return await parseStructuredOutput(text, schema);
  } catch (error) {
    if (error instanceof OutputSchemaError) return undefined;
    throw error;
  }
}

/** Parses and validates the agent's final text against `schema`; throws `OutputSchemaError`. */
export async function parseStructuredOutput(text: string, schema: OutputSchema): Promise<unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new OutputSchemaError(`the agent's final answer is not JSON: ${(error as Error).message}`, text, ["not valid JSON"]);
  }
  // A JSON Schema zod cannot express was still sent to codex; the answer is then only parsed.
  const validator = validatorFor(schema);
  if (!validator) return value;
  let result: SchemaResult;
  try {
    result = await validator(value);
  } catch (error) {
    // A refinement that throws: the answer is still kept, with what the schema said.
    const problem = error instanceof Error ? error.message : String(error);
    throw new OutputSchemaError(`the output schema failed while checking the agent's final answer: ${problem}`, text, [problem]);
  }
  if (result.success) return result.data;
  const issues = formatIssues(result.error.issues);
  throw new OutputSchemaError(`the agent's final answer does not match the output schema: ${issues.join("; ")}`, text, issues);
}
