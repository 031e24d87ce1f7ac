/**
 * codex exec reports calls of codexkit's loopback MCP endpoint as `mcp_tool_call` items of that
 * server; they become `ToolCallReport`s, which the turn layer shapes into the same `tool_call`
 * items app-server turns show. Every other event passes through untouched.
 */
import type { McpContentBlock, McpToolCallItem } from "../../items.js";
import type { ThreadEvent } from "../../events.js";
import type { ToolContentItem } from "../../tools/index.js";
import type { TransportEvent } from "../types.js";

/** Rewrites the item events of `serverName`'s calls into reports. */
export function toolCallReports(serverName: string): (event: ThreadEvent) => TransportEvent {
  return (event) => {
    if (event.type !== "item.started" && event.type !== "item.updated" && event.type !== "item.completed") return event;
    const item = event.item;
    if (item.type !== "mcp_tool_call" || item.server !== serverName) return event;
    return report(item, event.type);
  };
}

function report(item: McpToolCallItem, phase: "item.started" | "item.updated" | "item.completed"): TransportEvent {
  const out: TransportEvent = { type: "tool_call.report", phase, id: item.id, tool: item.tool, arguments: item.arguments ?? {}, status: item.status };
  if (Array.isArray(item.result?.content)) out.content = item.result.content.map(toContentItem);
  // A tool that failed comes back as an error result (its text is the message); a call codex
  // itself refused or could not deliver carries `error`.
  if (item.error?.message) out.error = item.error.message;
  return out;
}

/** MCP content blocks as the content items a tool returns (data URLs for images); others as given. */
function toContentItem(block: McpContentBlock): ToolContentItem | Record<string, unknown> {
  if (block.type === "text" && typeof block.text === "string") return { type: "text", text: block.text };
  if (block.type === "image" && typeof block.data === "string") {
    const mimeType = typeof block.mimeType === "string" ? block.mimeType : "application/octet-stream";
    return { type: "image", imageUrl: `data:${mimeType};base64,${block.data}` };
  }
  return block;
}
