/**
 * The shapes of the app-server answers codexkit relies on, checked at run time. The generated
 * types say what codex 0.169.0 sends; these checks make a codex that sends something else fail
 * with a `ProtocolError` naming the method, instead of a `TypeError` somewhere later.
 */
import { z } from "zod";
import { ProtocolError } from "../../errors/index.js";
import type { McpServerStatus } from "../../mcp/types.js";
import { excerpt } from "../../process/index.js";

/** A zod schema for one answer. */
export type WireSchema<T> = z.ZodType<T>;

const withId = z.object({ id: z.string().min(1) });

/** `thread/start`, `thread/resume`, `thread/fork`: `{ thread: { id } }`. */
export const ThreadResult = z.object({ thread: withId });
/** `turn/start`: `{ turn: { id } }`. */
export const TurnResult = z.object({ turn: withId });
/** `thread/list`: `{ data: [...], nextCursor }`. */
export const ThreadListResult = z.object({
  data: z.array(z.record(z.string(), z.unknown())),
  nextCursor: z.string().nullish(),
});
/** `config/read`: the effective config (only `projects` is read). */
export const ConfigReadResult = z.object({ config: z.object({ projects: z.unknown().optional() }) });

/** `mcpServerStatus/list`: `{ data: [...], nextCursor }`. */
export const McpStatusResult = z.object({
  data: z.array(
    z.object({
      name: z.string(),
      runtimeStatus: z.string().nullish(),
      serverInfo: z.object({ name: z.string(), version: z.string() }).nullish(),
      tools: z.record(z.string(), z.unknown()).nullish(),
      toolsError: z.string().nullish(),
    }),
  ),
  nextCursor: z.string().nullish(),
});

/** One server of `mcpServerStatus/list` as codexkit reports it. */
export function toMcpServerStatus(entry: z.infer<typeof McpStatusResult>["data"][number]): McpServerStatus {
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
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => `${issue.path.map(String).join(".") || "(root)"}: ${issue.message}`).join("; ");
  let shown: string;
  try {
    shown = excerpt(JSON.stringify(value) ?? String(value));
  } catch {
    shown = typeof value;
  }
  throw new ProtocolError(`codex app-server answered ${method} with an unexpected shape (${issues})`, shown);
}
