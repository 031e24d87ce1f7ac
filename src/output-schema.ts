/**
 * Structured output: a JSON Schema object or a zod schema goes to codex as JSON Schema, and the
 * final answer comes back parsed and validated (zod directly; JSON Schema through zod's
 * converter), or as an `OutputSchemaError` that keeps the raw text.
 */
import { z } from "zod";
import { InvalidOptionsError, OutputSchemaError } from "./errors/index.js";
import type { OutputSchema, ZodLike } from "./options.js";

/** True when `schema` is a zod schema (v4). */
export function isZodSchema(schema: unknown): schema is ZodLike<unknown> {
  return (
    typeof schema === "object" &&
    schema !== null &&
    "_zod" in schema &&
    typeof (schema as { safeParse?: unknown }).safeParse === "function"
  );
}

/** The JSON Schema codex receives for `schema`. */
export function toJsonSchema(schema: OutputSchema): Record<string, unknown> {
  if (isZodSchema(schema)) {
    let json: Record<string, unknown>;
    try {
      json = z.toJSONSchema(schema as unknown as z.ZodType) as Record<string, unknown>;
    } catch (error) {
      throw new InvalidOptionsError(`outputSchema cannot be expressed as JSON Schema: ${(error as Error).message}`);
    }
    delete json.$schema;
    return json;
  }
  if (typeof schema !== "object" || schema === null || Array.isArray(schema)) {
    throw new InvalidOptionsError("outputSchema must be a plain JSON Schema object or a zod schema");
  }
  return schema;
}

const converted = new WeakMap<object, ZodLike<unknown> | null>();

function validatorFor(schema: OutputSchema): ZodLike<unknown> | null {
  if (isZodSchema(schema)) return schema;
  if (converted.has(schema)) return converted.get(schema) ?? null;
  let validator: ZodLike<unknown> | null = null;
  try {
    validator = z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]) as unknown as ZodLike<unknown>;
  } catch {
    // A schema zod cannot express is still sent to codex; the answer is then only parsed.
    validator = null;
  }
  converted.set(schema, validator);
  return validator;
}

/**
 * The `structuredOutput` of a turn. With a zod schema the answer must parse and validate
 * (`OutputSchemaError` otherwise, the opt-in to strictness). With a plain JSON Schema, as in
 * `@openai/codex-sdk`, the answer never makes the turn fail: the parsed value when it is JSON
 * that validates, else undefined (`finalResponse` keeps the text).
 */
export function structuredOutputOf(text: string, schema: OutputSchema): unknown {
  if (isZodSchema(schema)) return parseStructuredOutput(text, schema);
  try {
    return parseStructuredOutput(text, schema);
  } catch (error) {
    if (error instanceof OutputSchemaError) return undefined;
    throw error;
  }
}

/** Parses and validates the agent's final text against `schema`; throws `OutputSchemaError`. */
export function parseStructuredOutput(text: string, schema: OutputSchema): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new OutputSchemaError(
      `the agent's final answer is not JSON: ${(error as Error).message}`,
      text,
      ["not valid JSON"],
    );
  }
  const validator = validatorFor(schema);
  if (!validator) return value;
  const result = validator.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => `${issue.path.map(String).join(".") || "(root)"}: ${issue.message}`);
  throw new OutputSchemaError(`the agent's final answer does not match the output schema: ${issues.join("; ")}`, text, issues);
}
