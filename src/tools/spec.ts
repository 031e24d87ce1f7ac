/**
 * Tool specs: the JSON Schema codex announces to the model for each tool, checked to be valid.
 * Conversion is cached per tool because a tool set is rebuilt for every turn.
 */
import { ToolError } from "../errors/index.js";
import { jsonSchemaOf, jsonSchemaProblems } from "../schema/index.js";
import type { JsonSchema, Tool, ToolParameters, ToolSpec } from "./types.js";

const specs = new WeakMap<object, ToolSpec>();
// The frozen copies made here: handed back in, they are already checked and need no new copy.
const copies = new WeakSet<object>();

/** The spec codex receives for `tool`: name, description and its arguments as JSON Schema. */
export function toToolSpec(tool: Tool): ToolSpec {
  const cached = specs.get(tool);
  if (cached) return cached;
  const spec: ToolSpec = Object.freeze({
    name: tool.name,
    description: tool.description,
    inputSchema: parametersToJsonSchema(tool.parameters, tool.name),
  });
  specs.set(tool, spec);
  return spec;
}

/**
 * Converts `parameters` to a frozen JSON Schema copy, so a spec handed to a transport can be
 * shared across turns without anyone mutating the cached value. The JSON Schema must be valid
 * (draft 2020-12 or the older draft its `$schema` names, checked by ajv and compiled once): a
 * `ToolError` names the path otherwise.
 */
export function parametersToJsonSchema(parameters: ToolParameters, toolName: string): JsonSchema {
  if (copies.has(parameters)) return parameters as JsonSchema;
  // The model writes the arguments, so a schema's *input* side is described: defaulted fields
  // are optional and transforms are allowed.
  const conversion = jsonSchemaOf(parameters, "input");
  if (!conversion.ok) throw new ToolError(`tool ${toolName}: parameters ${conversion.message}`, toolName);
  // A library's output is copied too: it must be JSON, and the caller's object stays its own.
  const copy = deepFreeze(copyJson(conversion.schema, toolName));
  const problems = jsonSchemaProblems(copy, "parameters");
  if (problems.length > 0) {
    throw new ToolError(`tool ${toolName}: parameters is not a valid JSON Schema: ${problems.join("; ")}`, toolName);
  }
  copies.add(copy);
  return copy;
}

/** A JSON copy of a JSON Schema; cycles, BigInts and the like are definition errors. */
function copyJson(schema: JsonSchema, toolName: string): JsonSchema {
  try {
    return JSON.parse(JSON.stringify(schema)) as JsonSchema;
  } catch (error) {
    throw new ToolError(`tool ${toolName}: parameters must be JSON (${errorText(error)})`, toolName);
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
