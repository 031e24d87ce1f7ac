/**
 * Argument checking for one call: codex may send arguments as an object or as JSON text, and
 * nothing reaches `execute` before it has passed the tool's schema.
 */
import { z } from "zod";
import { isZodSchema } from "../output-schema.js";
import type { ZodLike } from "../options.js";
import { describeError } from "./describe-error.js";
import type { Tool } from "./types.js";

/** Validated arguments, or the reason they were refused (unredacted). */
export type ArgumentCheck = { ok: true; value: unknown } | { ok: false; message: string };

type Issues = ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>;
type SafeParse = (value: unknown) => Promise<{ success: true; data: unknown } | { success: false; error: { issues: Issues } }>;

const validators = new WeakMap<object, SafeParse>();

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
  let result: Awaited<ReturnType<SafeParse>>;
  try {
    result = await validatorFor(tool)(value);
  } catch (error) {
    // A refinement that throws is the tool's problem, but it is reported like any bad input.
    return { ok: false, message: `${prefix}: ${describeError(error)}` };
  }
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, message: `${prefix}: ${formatIssues(result.error.issues)}` };
}

function formatIssues(issues: Issues): string {
  if (issues.length === 0) return "rejected by the schema";
  return issues
    .map((issue) => {
      const path = issue.path.map(String).join(".") || "(root)";
      // zod prefixes every type error with this; the sentence already says the input is invalid.
      return `${path}: ${issue.message.replace(/^Invalid input: /, "")}`;
    })
    .join("; ");
}

function validatorFor(tool: Tool): SafeParse {
  const cached = validators.get(tool);
  if (cached) return cached;
  const validator = buildValidator(tool);
  validators.set(tool, validator);
  return validator;
}

function buildValidator(tool: Tool): SafeParse {
  let schema: ZodLike<unknown> | null = null;
  if (isZodSchema(tool.parameters)) {
    schema = tool.parameters;
  } else {
    try {
      schema = z.fromJSONSchema(tool.parameters as Parameters<typeof z.fromJSONSchema>[0]) as unknown as ZodLike<unknown>;
    } catch {
      // zod cannot express every JSON Schema; codex still gets the schema, and we at least make
      // sure `execute` receives an object.
      schema = null;
    }
  }
  if (schema === null) return async (value) => objectOnly(value);
  const parser = schema as ZodLike<unknown> & { safeParseAsync?: SafeParse };
  const parseAsync = parser.safeParseAsync;
  // The async parse lets async refinements work; ZodLike only promises the sync one.
  if (typeof parseAsync === "function") return (value) => parseAsync.call(parser, value);
  return async (value) => parser.safeParse(value);
}

function objectOnly(value: unknown): Awaited<ReturnType<SafeParse>> {
  if (typeof value === "object" && value !== null && !Array.isArray(value)) return { success: true, data: value };
  const got = Array.isArray(value) ? "array" : value === null ? "null" : typeof value;
  return { success: false, error: { issues: [{ path: [], message: `expected object, received ${got}` }] } };
}
