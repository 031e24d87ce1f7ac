import { describe, expect, it } from "vitest";
import type { ThreadEvent } from "../../../src/events.js";
import type { McpToolCallItem } from "../../../src/items.js";
import { ToolCallItemMapper, toToolCallItem } from "../../../src/mcp/index.js";

function mcp(extra: Partial<McpToolCallItem> = {}): McpToolCallItem {
  return { id: "item_1", type: "mcp_tool_call", server: "codexkit", tool: "add", arguments: { a: 1 }, status: "in_progress", ...extra };
}

describe("toToolCallItem", () => {
  it("maps a running call", () => {
    expect(toToolCallItem(mcp({ result: null as never, error: null as never }))).toEqual({
      id: "item_1",
      type: "tool_call",
      tool: "add",
      arguments: { a: 1 },
      status: "in_progress",
    });
  });

  it("gives the text of an all-text result", () => {
    const item = toToolCallItem(mcp({ status: "completed", result: { content: [{ type: "text", text: "4" }, { type: "text", text: "2" }], structured_content: null } }), 7);
    expect(item).toEqual({ id: "item_1", type: "tool_call", tool: "add", arguments: { a: 1 }, status: "completed", result: "42", duration_ms: 7 });
  });

  it("gives content items when there is an image", () => {
    const item = toToolCallItem(
      mcp({
        status: "completed",
        result: { content: [{ type: "text", text: "x" }, { type: "image", data: "AAAA", mimeType: "image/png" }], structured_content: null },
      }),
    );
    expect(item.result).toEqual([
      { type: "text", text: "x" },
      { type: "image", imageUrl: "data:image/png;base64,AAAA" },
    ]);
  });

  it("takes a failed call's message from the error result or codex's error", () => {
    const failed = toToolCallItem(mcp({ status: "failed", result: { content: [{ type: "text", text: "boom" }], structured_content: null } }));
    expect(failed).toMatchObject({ status: "failed", error: { message: "boom" } });
    expect(failed.result).toBeUndefined();
    const refused = toToolCallItem(mcp({ status: "failed", error: { message: "MCP tool call requires approval" } }));
    expect(refused.error).toEqual({ message: "MCP tool call requires approval" });
    expect(toToolCallItem(mcp({ status: "failed" })).error).toEqual({ message: "the tool call failed" });
  });
});

describe("ToolCallItemMapper", () => {
  it("rewrites our server's items, measures duration, and leaves everything else alone", () => {
    let now = 100;
    const mapper = new ToolCallItemMapper("codexkit", () => now);
    const started = mapper.map({ type: "item.started", item: mcp() });
    expect(started).toEqual({ type: "item.started", item: { id: "item_1", type: "tool_call", tool: "add", arguments: { a: 1 }, status: "in_progress" } });
    now = 142;
    const done = mapper.map({ type: "item.completed", item: mcp({ status: "completed", result: { content: [{ type: "text", text: "2" }], structured_content: null } }) });
    expect(done).toMatchObject({ type: "item.completed", item: { type: "tool_call", result: "2", status: "completed", duration_ms: 42 } });

    const other: ThreadEvent = { type: "item.completed", item: mcp({ server: "other", status: "completed" }) };
    expect(mapper.map(other)).toBe(other);
    const message: ThreadEvent = { type: "item.completed", item: { id: "item_2", type: "agent_message", text: "hi" } };
    expect(mapper.map(message)).toBe(message);
    const turn: ThreadEvent = { type: "turn.started" };
    expect(mapper.map(turn)).toBe(turn);
  });
});
