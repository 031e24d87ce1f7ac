/**
 * One `tool_call` item whichever wire reported the call: exec's `mcp_tool_call` items of
 * codexkit's endpoint and app-server's `dynamicToolCall` items become the same item.
 */
import { describe, expect, it } from "vitest";
import type { ThreadEvent } from "../../../src/events.js";
import type { McpToolCallItem } from "../../../src/items.js";
import { toToolCallReport } from "../../../src/transport/app-server/items.js";
import { toolCallReports } from "../../../src/transport/exec/tool-reports.js";
import type { ToolCallReport, TransportEvent } from "../../../src/transport/index.js";
import { ToolCallItems } from "../../../src/turn/tool-call-item.js";

function mcp(extra: Partial<McpToolCallItem> = {}): McpToolCallItem {
  return { id: "item_1", type: "mcp_tool_call", server: "codexkit", tool: "add", arguments: { a: 1 }, status: "in_progress", ...extra };
}

const exec = toolCallReports("codexkit");

function report(event: ThreadEvent): ToolCallReport {
  const out: TransportEvent = exec(event);
  if (out.type !== "tool_call.report") throw new Error(`not a report: ${out.type}`);
  return out;
}

describe("exec: codexkit's MCP endpoint calls", () => {
  it("become reports; other servers' calls and other events pass through", () => {
    const other: ThreadEvent = { type: "item.completed", item: mcp({ server: "other", status: "completed" }) };
    expect(exec(other)).toBe(other);
    const message: ThreadEvent = { type: "item.completed", item: { id: "item_2", type: "agent_message", text: "hi" } };
    expect(exec(message)).toBe(message);
    const turn: ThreadEvent = { type: "turn.started" };
    expect(exec(turn)).toBe(turn);
    expect(report({ type: "item.started", item: mcp() })).toEqual({
      type: "tool_call.report",
      phase: "item.started",
      id: "item_1",
      tool: "add",
      arguments: { a: 1 },
      status: "in_progress",
    });
  });
});

describe("ToolCallItems", () => {
  it("gives the text of an all-text result, and measures what the wire does not time", () => {
    let now = 100;
    const items = new ToolCallItems(() => now);
    expect(items.toEvent(report({ type: "item.started", item: mcp() }))).toEqual({
      type: "item.started",
      item: { id: "item_1", type: "tool_call", tool: "add", arguments: { a: 1 }, status: "in_progress" },
    });
    now = 142;
    const done = items.toEvent(
      report({ type: "item.completed", item: mcp({ status: "completed", result: { content: [{ type: "text", text: "4" }, { type: "text", text: "2" }], structured_content: null } }) }),
    );
    expect(done).toEqual({ type: "item.completed", item: { id: "item_1", type: "tool_call", tool: "add", arguments: { a: 1 }, status: "completed", result: "42", duration_ms: 42 } });
  });

  it("gives content items when there is an image, as data URLs from MCP blocks", () => {
    const items = new ToolCallItems();
    const event = items.toEvent(
      report({
        type: "item.completed",
        item: mcp({ status: "completed", result: { content: [{ type: "text", text: "x" }, { type: "image", data: "AAAA", mimeType: "image/png" }], structured_content: null } }),
      }),
    );
    expect(event.type === "item.completed" && event.item.type === "tool_call" ? event.item.result : null).toEqual([
      { type: "text", text: "x" },
      { type: "image", imageUrl: "data:image/png;base64,AAAA" },
    ]);
  });

  it("takes a failed call's message from codex's error, else from the result's text", () => {
    const items = new ToolCallItems();
    const item = (event: ThreadEvent): unknown => (event.type === "item.completed" ? event.item : null);
    const failed = item(items.toEvent(report({ type: "item.completed", item: mcp({ status: "failed", result: { content: [{ type: "text", text: "boom" }], structured_content: null } }) })));
    expect(failed).toMatchObject({ status: "failed", error: { message: "boom" } });
    expect((failed as { result?: unknown }).result).toBeUndefined();
    const refused = item(items.toEvent(report({ type: "item.completed", item: mcp({ status: "failed", error: { message: "MCP tool call requires approval" } }) })));
    expect(refused).toMatchObject({ error: { message: "MCP tool call requires approval" } });
    expect(item(items.toEvent(report({ type: "item.completed", item: mcp({ status: "failed" }) })))).toMatchObject({ error: { message: "the tool call failed" } });
  });

  it("makes the same item from app-server's dynamicToolCall as from exec's mcp_tool_call", () => {
    const fromAppServer = new ToolCallItems().toEvent(
      toToolCallReport(
        { type: "dynamicToolCall", id: "item_1", tool: "add", arguments: { a: 1 }, status: "completed", success: true, durationMs: 7, contentItems: [{ type: "inputText", text: "42" }] },
        "item_1",
        "item.completed",
      ),
    );
    const fromExec = new ToolCallItems().toEvent({
      ...report({ type: "item.completed", item: mcp({ status: "completed", result: { content: [{ type: "text", text: "42" }], structured_content: null } }) }),
      durationMs: 7,
    });
    expect(fromAppServer).toEqual(fromExec);
    const failed = new ToolCallItems().toEvent(
      toToolCallReport({ type: "dynamicToolCall", id: "c", tool: "add", arguments: {}, status: "completed", success: false, contentItems: [{ type: "inputText", text: "bad" }] }, "c", "item.completed"),
    );
    expect(failed).toMatchObject({ item: { status: "failed", error: { message: "bad" } } });
  });
});
