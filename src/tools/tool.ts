/**
 * `tool()`: defines a tool and rejects a bad definition at once, so a typo surfaces where the
 * tool is written rather than as a model-facing failure in the middle of a turn.
 */
import { ToolError } from "../errors/index.js";
import { isStandardSchema, jsonSchemaOf } from "../schema/index.js";
import { parametersToJsonSchema, toToolSpec } from "./spec.js";
import type { Tool, ToolArguments, ToolContext, ToolParameters, ToolResult } from "./types.js";

/** The names the OpenAI Responses API accepts for functions. */
export const TOOL_NAME_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;

/** What `tool()` takes: a `Tool` before validation. */
export interface ToolDefinition<P extends ToolParameters> {
  /** The name the model calls; must match `TOOL_NAME_PATTERN`. */
  name: string;
  /** What the tool does, for the model. */
  description: string;
  /** An object schema of any Standard Schema library (arguments typed from it) or a JSON Schema with `type: "object"`. */
  parameters: P;
  /** Runs one call with validated arguments; returns a `ToolResult` or a promise of one. */
  execute(args: ToolArguments<P>, ctx: ToolContext): ToolResult;
  /** Milliseconds a call may run (default 60000; 0 = no limit). */
  timeoutMs?: number;
}

// Objects `tool()` produced; anything else handed to a registry is validated again.
const defined = new WeakSet<object>();

/** Defines a tool; throws `ToolError` when the definition is unusable. */
export function tool<P extends ToolParameters>(definition: ToolDefinition<P>): Tool<P> {
  if (typeof definition !== "object" || definition === null) {
    throw new ToolError("a tool definition must be an object", "");
  }
  const { name, description, parameters, timeoutMs } = definition;
  if (typeof name !== "string" || !TOOL_NAME_PATTERN.test(name)) {
    throw new ToolError(
      `tool name ${describeName(name)} is invalid: it must match ${TOOL_NAME_PATTERN.source} ` +
        "(1 to 64 letters, digits, underscores or hyphens)",
      typeof name === "string" ? name : "",
    );
  }
  if (typeof description !== "string") {
    throw new ToolError(`tool ${name}: description must be a string`, name);
  }
  if (typeof definition.execute !== "function") {
    throw new ToolError(`tool ${name}: execute must be a function`, name);
  }
  if (timeoutMs !== undefined && (typeof timeoutMs !== "number" || !Number.isFinite(timeoutMs) || timeoutMs < 0)) {
    throw new ToolError(`tool ${name}: timeoutMs must be a finite number >= 0`, name);
  }
  const params = checkParameters(parameters, name);
  const result: Tool<P> = Object.freeze({
    name,
    description,
    parameters: params,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    // Bound: a definition that is a class instance (or uses `this`) keeps its own `this` in the copy.
    execute: definition.execute.bind(definition),
  });
  // Converting now both proves the schema is expressible and warms the per-turn spec cache.
  if (toToolSpec(result).inputSchema.type !== "object") {
    throw new ToolError(`tool ${name}: parameters must describe an object (an object schema)`, name);
  }
  defined.add(result);
  return result;
}

/** Returns `value` when `tool()` made it, else validates it as a definition and returns a tool. */
export function ensureTool(value: unknown): Tool {
  if (typeof value === "object" && value !== null && defined.has(value)) return value as Tool;
  return tool(value as ToolDefinition<ToolParameters>);
}

function checkParameters<P extends ToolParameters>(parameters: P, name: string): P {
  if (isStandardSchema(parameters)) return parameters;
  // A schema refused by name (zod before Standard Schema) rather than taken for a JSON Schema.
  const conversion = jsonSchemaOf(parameters, "input");
  if (!conversion.ok) throw new ToolError(`tool ${name}: parameters ${conversion.message}`, name);
  if (
    typeof parameters !== "object" ||
    parameters === null ||
    Array.isArray(parameters) ||
    (parameters as Record<string, unknown>).type !== "object"
  ) {
    throw new ToolError(
      `tool ${name}: parameters must be an object schema (zod, valibot, arktype or any Standard Schema) or a JSON Schema object with type "object"`,
      name,
    );
  }
  // A private frozen copy: later edits to the caller's object cannot desync schema and validator.
  return parametersToJsonSchema(parameters, name) as P;
}

function describeName(name: unknown): string {
  if (typeof name !== "string") return `of type ${name === null ? "null" : typeof name}`;
  return JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}...` : name);
}
