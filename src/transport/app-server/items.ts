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
  ThreadItem,
  TodoItem,
  ToolCallStatus,
} from "../../items.js";
import type { ToolContentItem } from "../../tools/index.js";
import { asJsonObject, type JsonObject } from "../../json.js";
import { emptyUsage } from "../../usage.js";
import type { ToolCallReport } from "../types.js";
import { toFileChanges } from "./approval-requests.js";

/** A JSON object from the wire, read field by field. */
export type Json = JsonObject;

/** `value` when it is a plain JSON object, else null. */
export const asObject = asJsonObject;

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

/** v2 item types that become codexkit items or tool call reports (everything else, `userMessage` included, is dropped). */
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
        changes: toFileChanges(raw.changes).map(({ path, kind, diff }): FileUpdateChange => (diff === undefined ? { path, kind } : { path, kind, diff })),
        // exec 0.169.0 reports a declined patch as "failed"; codexkit keeps "declined" (see events.ts).
        status: snakeStatus(raw.status) as PatchApplyStatus,
      };
    case "mcpToolCall":
      return toMcpToolCall(raw, id);
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
 * A `dynamicToolCall` item (a codexkit tool answered over `item/tool/call`) as a report for the
 * turn layer: what went back to the model as content items, `success: false` as a failed call.
 */
export function toToolCallReport(raw: unknown, id: string, phase: ToolCallReport["phase"]): ToolCallReport {
  const item = asObject(raw) ?? {};
  let status = snakeStatus(item.status) as ToolCallStatus;
  if (item.success === false) status = "failed";
  const report: ToolCallReport = { type: "tool_call.report", phase, id, tool: asString(item.tool), arguments: item.arguments ?? {}, status };
  if (Array.isArray(item.contentItems)) report.content = item.contentItems.map(toContentItem);
  const duration = asNumber(item.durationMs);
  if (duration !== null) report.durationMs = duration;
  return report;
}

/** app-server's `inputText` / `inputImage` as the content items a tool returns; others as given. */
function toContentItem(entry: unknown): ToolContentItem | Record<string, unknown> {
  const e = asObject(entry) ?? {};
  if (e.type === "inputText" && typeof e.text === "string") return { type: "text", text: e.text };
  if (e.type === "inputImage" && typeof e.imageUrl === "string") return { type: "image", imageUrl: e.imageUrl };
  return e;
}
