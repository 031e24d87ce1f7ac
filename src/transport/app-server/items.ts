/**
 * Conversions from app-server v2 values (camelCase `ThreadItem`s, token usage, plan steps) to
 * codexkit's event model, following the rules of codex exec's own JSONL processor (codex-rs
 * `exec/src/event_processor_with_jsonl_output.rs`), which builds exec's output from the very same
 * notifications. Everything here is pure and lenient: the wire is untrusted, so a field of the
 * wrong type becomes a default instead of an exception.
 */
import type { Usage } from "../../events.js";
import type {
  CommandExecutionStatus,
  FileUpdateChange,
  McpContentBlock,
  McpToolCallItem,
  PatchApplyStatus,
  PatchChangeKind,
  ThreadItem,
  TodoItem,
  ToolCallItem,
  ToolCallStatus,
} from "../../items.js";
import { emptyUsage } from "../../usage.js";

/** A JSON object from the wire, read field by field. */
export type Json = Record<string, unknown>;

/** `value` when it is a plain JSON object, else null. */
export function asObject(value: unknown): Json | null {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Json) : null;
}

/** `value` when it is a string, else `fallback`. */
export function asString(value: unknown, fallback = ""): string {
  return typeof value === "string" ? value : fallback;
}

function asNumber(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/** app-server's `inProgress` → codexkit's `in_progress`; other statuses are spelled alike. */
function snakeStatus(value: unknown): string {
  return value === "inProgress" ? "in_progress" : asString(value, "in_progress");
}

/** `message (details)` when details are present, as exec prints errors and warnings. */
export function withDetails(message: string, details: unknown): string {
  return typeof details === "string" && details !== "" ? `${message} (${details})` : message;
}

/**
 * A v2 `TokenUsageBreakdown` (`{inputTokens, cachedInputTokens, cacheWriteInputTokens, outputTokens,
 * reasoningOutputTokens, totalTokens}`) as codexkit `Usage`; missing counts are 0.
 */
export function toCodexkitUsage(breakdown: unknown): Usage {
  const b = asObject(breakdown) ?? {};
  const usage = emptyUsage();
  usage.input_tokens = asNumber(b.inputTokens) ?? 0;
  usage.cached_input_tokens = asNumber(b.cachedInputTokens) ?? 0;
  usage.cache_write_input_tokens = asNumber(b.cacheWriteInputTokens) ?? 0;
  usage.output_tokens = asNumber(b.outputTokens) ?? 0;
  usage.reasoning_output_tokens = asNumber(b.reasoningOutputTokens) ?? 0;
  return usage;
}

/** Plan steps of `turn/plan/updated` as to-do entries: done only when `completed`. */
export function toTodoItems(plan: unknown): TodoItem[] {
  if (!Array.isArray(plan)) return [];
  return plan.map((step) => {
    const s = asObject(step) ?? {};
    return { text: asString(s.step), completed: s.status === "completed" };
  });
}

/** The `type` of a v2 item, or null. */
export function itemType(item: unknown): string | null {
  const type = asObject(item)?.type;
  return typeof type === "string" ? type : null;
}

/** The raw `id` of a v2 item ("" when absent). */
export function itemId(item: unknown): string {
  return asString(asObject(item)?.id);
}

/** v2 item types that become codexkit items (everything else, `userMessage` included, is dropped). */
export const MAPPED_ITEM_TYPES: ReadonlySet<string> = new Set([
  "agentMessage",
  "reasoning",
  "commandExecution",
  "fileChange",
  "mcpToolCall",
  "dynamicToolCall",
  "webSearch",
]);

/**
 * One v2 `ThreadItem` as a codexkit item with id `id`, or null for items codexkit does not show:
 * user messages, hook prompts, plans, context compaction, sub-agent activity, images, ... and
 * reasoning with an empty summary (exec drops those too).
 */
export function toCodexkitItem(item: unknown, id: string): ThreadItem | null {
  const raw = asObject(item);
  if (!raw) return null;
  switch (raw.type) {
    case "agentMessage":
      return { id, type: "agent_message", text: asString(raw.text) };
    case "reasoning": {
      const text = reasoningText(raw);
      return text === null ? null : { id, type: "reasoning", text };
    }
    case "commandExecution":
      return {
        id,
        type: "command_execution",
        command: asString(raw.command),
        aggregated_output: asString(raw.aggregatedOutput),
        exit_code: asNumber(raw.exitCode),
        status: snakeStatus(raw.status) as CommandExecutionStatus,
      };
    case "fileChange":
      return {
        id,
        type: "file_change",
        changes: toFileChanges(raw.changes),
        // exec 0.169.0 reports a declined patch as "failed"; codexkit keeps "declined" (see events.ts).
        status: snakeStatus(raw.status) as PatchApplyStatus,
      };
    case "mcpToolCall":
      return toMcpToolCall(raw, id);
    case "dynamicToolCall":
      return toToolCall(raw, id);
    case "webSearch": {
      const search: ThreadItem & { action?: unknown } = { id, type: "web_search", query: asString(raw.query) };
      if (raw.action !== null && raw.action !== undefined) search.action = raw.action;
      return search;
    }
    default:
      return null;
  }
}

/** The summary parts joined by newlines, or null when there is nothing but whitespace. */
function reasoningText(raw: Json): string | null {
  const summary = Array.isArray(raw.summary) ? raw.summary.filter((part): part is string => typeof part === "string") : [];
  const text = summary.join("\n");
  return text.trim() === "" ? null : text;
}

function toFileChanges(changes: unknown): FileUpdateChange[] {
  if (!Array.isArray(changes)) return [];
  return changes.map((change) => {
    const c = asObject(change) ?? {};
    const kindTag = asObject(c.kind)?.type ?? c.kind;
    const kind: PatchChangeKind = kindTag === "add" || kindTag === "delete" ? kindTag : "update";
    const out: FileUpdateChange = { path: asString(c.path), kind };
    if (typeof c.diff === "string") out.diff = c.diff;
    return out;
  });
}

function toMcpToolCall(raw: Json, id: string): McpToolCallItem {
  const item: McpToolCallItem = {
    id,
    type: "mcp_tool_call",
    server: asString(raw.server),
    tool: asString(raw.tool),
    arguments: raw.arguments ?? null,
    status: snakeStatus(raw.status) as McpToolCallItem["status"],
  };
  const result = asObject(raw.result);
  if (result) {
    const content = Array.isArray(result.content) ? (result.content as McpContentBlock[]) : [];
    item.result = { content, structured_content: result.structuredContent ?? null };
    if (result._meta !== null && result._meta !== undefined) item.result._meta = result._meta;
  }
  const error = asObject(raw.error);
  if (error) item.error = { message: asString(error.message) };
  return item;
}

/**
 * A `dynamicToolCall` (a codexkit tool answered over `item/tool/call`) as a `tool_call` item.
 * `result` is what went back to the model: the text when every content item is `inputText`
 * (joined), else the content items as codex reports them. `success: false` fails the call, with
 * that text as the error message.
 */
function toToolCall(raw: Json, id: string): ToolCallItem {
  let status = snakeStatus(raw.status) as ToolCallStatus;
  if (raw.success === false) status = "failed";
  const item: ToolCallItem = { id, type: "tool_call", tool: asString(raw.tool), arguments: raw.arguments ?? {}, status };
  const output = Array.isArray(raw.contentItems) ? toolOutput(raw.contentItems) : undefined;
  if (status === "failed") item.error = { message: typeof output === "string" && output !== "" ? output : "tool call failed" };
  else if (output !== undefined) item.result = output;
  const duration = asNumber(raw.durationMs);
  if (duration !== null) item.duration_ms = duration;
  return item;
}

function toolOutput(contentItems: unknown[]): unknown {
  const texts = contentItems.map((entry) => {
    const e = asObject(entry);
    return e?.type === "inputText" && typeof e.text === "string" ? e.text : null;
  });
  if (texts.every((t) => t !== null)) return texts.join("");
  // The same content-item shape a tool returns (and exec reports), not app-server's wire names.
  return contentItems.map((entry) => {
    const e = asObject(entry);
    if (e?.type === "inputText" && typeof e.text === "string") return { type: "text", text: e.text };
    if (e?.type === "inputImage" && typeof e.imageUrl === "string") return { type: "image", imageUrl: e.imageUrl };
    return entry;
  });
}
