/**
 * codex exec reports calls of our loopback MCP server as `mcp_tool_call` items; codexkit shows
 * them as `tool_call` items, the same shape the app-server transport produces for its tools.
 */
import type { ThreadEvent } from "../events.js";
import type { McpContentBlock, McpToolCallItem, ToolCallItem } from "../items.js";
import type { ToolContentItem } from "../tools/types.js";

/**
 * Rewrites the `mcp_tool_call` items of one MCP server (ours) into `tool_call` items; every other
 * event passes through untouched. Keeps each call's start time to report `duration_ms`.
 */
export class ToolCallItemMapper {
  private readonly startedAt = new Map<string, number>();

  constructor(
    private readonly serverName: string,
    private readonly now: () => number = () => performance.now(),
  ) {}

  map(event: ThreadEvent): ThreadEvent {
    if (event.type !== "item.started" && event.type !== "item.updated" && event.type !== "item.completed") return event;
    const item = event.item;
    if (item.type !== "mcp_tool_call" || item.server !== this.serverName) return event;
    let durationMs: number | undefined;
    if (event.type === "item.started") this.startedAt.set(item.id, this.now());
    if (event.type === "item.completed") {
      const start = this.startedAt.get(item.id);
      this.startedAt.delete(item.id);
      if (start !== undefined) durationMs = Math.max(0, Math.round(this.now() - start));
    }
    return { ...event, item: toToolCallItem(item, durationMs) };
  }
}

/** One `mcp_tool_call` item of our server as a codexkit `tool_call` item. */
export function toToolCallItem(item: McpToolCallItem, durationMs?: number): ToolCallItem {
  const out: ToolCallItem = { id: item.id, type: "tool_call", tool: item.tool, arguments: item.arguments ?? {}, status: item.status };
  const content = Array.isArray(item.result?.content) ? item.result.content : null;
  if (item.status === "completed" && content) out.result = toResult(content);
  if (item.status === "failed") {
    // A tool that failed comes back as an error result (its text is the message); a call codex
    // itself refused or could not deliver carries `error`.
    const message = item.error?.message ?? (content ? textOf(content) : "") ?? "";
    out.error = { message: message || "the tool call failed" };
  }
  if (durationMs !== undefined && item.status !== "in_progress") out.duration_ms = durationMs;
  return out;
}

/** The text when every block is text, else the blocks as codexkit content items. */
function toResult(content: McpContentBlock[]): string | Array<ToolContentItem | McpContentBlock> {
  const text = textOf(content);
  if (text !== null) return text;
  return content.map((block): ToolContentItem | McpContentBlock => {
    if (block.type === "text" && typeof block.text === "string") return { type: "text", text: block.text };
    if (block.type === "image" && typeof block.data === "string") {
      const mimeType = typeof block.mimeType === "string" ? block.mimeType : "application/octet-stream";
      return { type: "image", imageUrl: `data:${mimeType};base64,${block.data}` };
    }
    return block;
  });
}

/** The concatenated text when every block is text; null otherwise. */
function textOf(content: McpContentBlock[]): string | null {
  let text = "";
  for (const block of content) {
    if (block.type !== "text" || typeof block.text !== "string") return null;
    text += block.text;
  }
  return text;
}
