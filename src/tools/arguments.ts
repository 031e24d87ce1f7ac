/**
 * Argument checking for one call: codex may send arguments as an object or as JSON text, and
 * nothing reaches `execute` before it has passed the tool's schema.
 */
import { isJsonObject } from "../json.js";
import { validatorFor, type SchemaIssue, type SchemaResult } from "../schema/index.js";
import { describeError } from "./describe-error.js";
import type { Tool } from "./types.js";

/** Validated arguments, or the reason they were refused (unredacted). */
export type ArgumentCheck = { ok: true; value: unknown } | { ok: false; message: string };

/** Parses (when JSON text) and validates `args` against `tool`'s schema. */
export async function checkArguments(tool: Tool, args: unknown): Promise<ArgumentCheck> {
  const prefix = `invalid arguments for ${tool.name}`;
  let value: unknown = args;
  if (typeof args === "string") {
    try {
      value = args.trim() === "" ? {} : JSON.parse(args);
    } catch (error) {
      return { ok: false, message: `${prefix}: not valid JSON (${describeError(error)})` };
    }
  }
  // A call of a tool without parameters may come with no arguments at all.
  if (value === undefined || value === null) value = {};
  // Parameters are checked when the tool is defined, so a validator is missing only for a schema
  // ajv could not compile after all: `execute` then at least receives an object.
  const validator = validatorFor(tool.parameters);
  let result: SchemaResult;
  try {
    result = validator ? await validator(value) : objectOnly(value);
  } catch (error) {
    // A refinement that throws is the tool's problem, but it is reported like any bad input.
    return { ok: false, message: `${prefix}: ${describeError(error)}` };
  }
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, message: `${prefix}: ${formatIssues(result.error.issues)}` };
}

function formatIssues(issues: ReadonlyArray<SchemaIssue>): string {
  if (issues.length === 0) return "rejected by the schema";
  return issues
    .map((issue) => {
      const path = issue.path.map(String).join(".") || "(root)";
      // zod prefixes every type error with this; the sentence already says the input is invalid.
      return `${path}: ${issue.message.replace(/^Invalid input: /, "")}`;
    })
    .join("; ");
}

function objectOnly(value: unknown): SchemaResult {
  if (isJsonObject(value)) return { success: true, data: value };
  const got = Array.isArray(value) ? "array" : value === null ? "null" : typeof value;
  return { success: false, error: { issues: [{ path: [], message: `expected object, received ${got}` }] } };
}
