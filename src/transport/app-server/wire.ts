/**
 * The shapes of the app-server answers codexkit relies on, checked at run time (src/shape.ts). The generated
 * types say what codex 0.169.0 sends; these checks make a codex that sends something else fail
 * with a `ProtocolError` naming the method, instead of a `TypeError` somewhere later.
 */
import { ProtocolError } from "../../errors/index.js";
import type { McpServerStatus } from "../../mcp/types.js";
import { excerpt } from "../../process/index.js";
import { array, issueOf, nonEmptyString, nullish, object, record, string, unknown, type Infer, type Shape } from "../../shape.js";

/** The shape of one answer. */
export type WireSchema<T> = Shape<T>;

const withId = object({ id: nonEmptyString });

/** `thread/start`, `thread/resume`, `thread/fork`: `{ thread: { id } }`. */
export const ThreadResult = object({ thread: withId });
/** `turn/start`: `{ turn: { id } }`. */
export const TurnResult = object({ turn: withId });
/** `thread/list`: `{ data: [...], nextCursor }`. */
export const ThreadListResult = object({
  data: array(record(unknown)),
  nextCursor: nullish(string),
});
/** `config/read`: the effective config (only `projects` is read). */
export const ConfigReadResult = object({ config: object({ projects: unknown }) });

const McpStatusEntry = object({
  name: string,
  runtimeStatus: nullish(string),
  serverInfo: nullish(object({ name: string, version: string })),
  tools: nullish(record(unknown)),
  toolsError: nullish(string),
});

/** `mcpServerStatus/list`: `{ data: [...], nextCursor }`. */
export const McpStatusResult = object({ data: array(McpStatusEntry), nextCursor: nullish(string) });

/** One server of `mcpServerStatus/list` as codexkit reports it. */
export function toMcpServerStatus(entry: Infer<typeof McpStatusEntry>): McpServerStatus {
  return {
    name: entry.name,
    status: entry.runtimeStatus ?? null,
    serverInfo: entry.serverInfo ? { name: entry.serverInfo.name, version: entry.serverInfo.version } : null,
    tools: Object.keys(entry.tools ?? {}).sort(),
    toolsError: entry.toolsError ?? null,
  };
}

/** `value` as `schema` describes it, or a `ProtocolError` saying what `method`'s answer lacked. */
export function checkedResult<T>(schema: WireSchema<T>, value: unknown, method: string): T {
  const found = issueOf(schema, value);
  if (found === undefined) return value as T;
  let shown: string;
  try {
    shown = excerpt(JSON.stringify(value) ?? String(value));
  } catch {
    shown = typeof value;
  }
  throw new ProtocolError(`codex app-server answered ${method} with an unexpected shape (${found})`, shown);
}
