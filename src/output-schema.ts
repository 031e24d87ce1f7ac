/**
 * Structured output: a JSON Schema object or any Standard Schema (zod, valibot, arktype, ...)
 * goes to codex as JSON Schema, and the final answer comes back parsed and validated (see
 * `src/schema/`), or as an `OutputSchemaError` that keeps the raw text.
 */
import { InvalidOptionsError, OutputSchemaError } from "./errors/index.js";
import type { OutputSchema } from "./options/index.js";
import { formatIssues, isStandardSchema, jsonSchemaOf, jsonSchemaProblems, validatorFor, type SchemaResult } from "./schema/index.js";

// The checked JSON Schema (or why there is none) per user schema: a turn asks again each time.
const checked = new WeakMap<object, { schema: Record<string, unknown> } | { problem: string }>();

/**
 * The JSON Schema codex receives for `outputSchema`, checked before codex is asked: it must be a
 * valid JSON Schema (draft 2020-12, or the older draft its `$schema` names) whose root is
 * `type: "object"` (the Responses API requires it).
 * Throws `InvalidOptionsError` naming the path inside the schema otherwise. Checked once per object.
 */
export function outputJsonSchema(schema: OutputSchema): Record<string, unknown> {
  if (!isStandardSchema(schema) && (typeof schema !== "object" || schema === null || Array.isArray(schema))) {
    throw new InvalidOptionsError("outputSchema must be a plain JSON Schema object or a Standard Schema (zod, valibot, arktype, ...)");
  }
  let result = checked.get(schema);
  if (result === undefined) {
    result = checkOutputSchema(schema);
    checked.set(schema, result);
  }
  // A fresh error each time, so its stack shows the call at fault.
  if ("problem" in result) throw new InvalidOptionsError(result.problem);
  return result.schema;
}

function checkOutputSchema(schema: OutputSchema): { schema: Record<string, unknown> } | { problem: string } {
  const conversion = jsonSchemaOf(schema, "output");
  if (!conversion.ok) return { problem: `outputSchema ${conversion.message}` };
  const json = conversion.schema;
  const problems = jsonSchemaProblems(json, "outputSchema");
  if (problems.length > 0) {
    return { problem: `outputSchema is not a valid JSON Schema: ${problems.join("; ")}` };
  }
  if (json.type !== "object") {
    const root = json.type === undefined ? "no type" : `type ${JSON.stringify(json.type)}`;
    const example = isStandardSchema(schema) ? "z.object({ value: z.string() })" : '{ type: "object", properties: { value: <your schema> }, required: ["value"] }';
    return {
      problem:
        `outputSchema must describe an object: its root has ${root}, and the Responses API needs type "object" at the root. ` +
        `Wrap it in an object, e.g. ${example}, and read structuredOutput.value`,
    };
  }
  return { schema: json };
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
  // A JSON Schema that is not valid never reaches codex (`outputJsonSchema`); should one come
  // here all the same, the answer is only parsed.
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
