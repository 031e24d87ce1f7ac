/** A turn as codex stores it (`thread/read`, app-server v2 shapes) made into view events, and the thread they build. */
import { describe, expect, it } from "vitest";
import { ViewBuilder } from "../../../src/view/index.js";
import { storedItem, storedTurnEvents } from "../../../src/view/stored-items.js";

const STARTED = 1_735_689_600; // unix seconds

/** A stored turn with a command, a patch, a codexkit tool call, a message, and a user message. */
const TURN = {
  id: "turn-1",
  status: "failed",
  startedAt: STARTED,
  completedAt: STARTED + 2,
  durationMs: 1_800,
  error: { message: "unexpected status 401 Unauthorized", codexErrorInfo: "unauthorized" },
  items: [
    { type: "userMessage", id: "u", content: [{ type: "text", text: "fix it" }, { type: "localImage", path: "/x.png" }] },
    { type: "commandExecution", id: "c", command: "make", aggregatedOutput: "ok\n", exitCode: 2, status: "failed", startedAtMs: STARTED * 1000 + 100, completedAtMs: STARTED * 1000 + 400 },
    { type: "fileChange", id: "p", changes: [{ path: "a.txt", kind: { type: "update", move_path: null }, diff: "@@ -1 +1 @@\n-a\n+b\n" }], status: "completed", startedAtMs: STARTED * 1000 + 500, completedAtMs: STARTED * 1000 + 520 },
    { type: "dynamicToolCall", id: "d", tool: "lookup", arguments: { q: 1 }, status: "completed", success: false, contentItems: [{ type: "inputText", text: "no" }], durationMs: 7 },
    { type: "agentMessage", id: "m", text: "could not", completedAtMs: STARTED * 1000 + 900 },
    { type: "plan", id: "skip", text: "not shown" },
  ],
};

describe("stored turns", () => {
  it("become the events the turn yielded, with the times codex recorded", () => {
    const builder = new ViewBuilder();
    builder.add({ event: { type: "thread.started", thread_id: "t" }, threadId: "t" });
    for (const event of storedTurnEvents("t", TURN)) builder.add(event);
    const thread = builder.thread("t")!;
    expect(thread.transport).toBe("app-server");
    const [turn] = thread.turns;
    expect(turn).toMatchObject({
      turnId: "turn-1",
      prompt: "fix it",
      answer: "could not",
      status: "failed",
      startedAt: STARTED * 1000,
      endedAt: (STARTED + 2) * 1000,
      durationMs: 1_800,
      usage: null,
      error: { message: "unexpected status 401 Unauthorized", code: "auth_failed" },
    });
    expect(turn!.entries.map((e) => [e.kind, e.status, e.durationMs])).toEqual([
      ["command_execution", "failed", 300],
      ["file_change", "completed", 20],
      ["tool_call", "failed", 7],
      ["agent_message", "completed", null],
    ]);
    expect(turn!.entries[0]!.item).toEqual({ id: "c", type: "command_execution", command: "make", aggregated_output: "ok\n", exit_code: 2, status: "failed" });
    expect(turn!.entries[1]!.item).toEqual({ id: "p", type: "file_change", changes: [{ path: "a.txt", kind: "update", diff: "@@ -1 +1 @@\n-a\n+b\n" }], status: "completed" });
    expect(turn!.entries[2]!.item).toMatchObject({ tool: "lookup", arguments: { q: 1 }, result: [{ type: "text", text: "no" }], duration_ms: 7 });
  });

  it("skips what is not a turn or an item it shows, and reads a turn still running as running", () => {
    expect(storedTurnEvents("t", null)).toEqual([]);
    expect(storedItem({ type: "reasoning", id: "r", summary: ["  "] })).toBeNull();
    expect(storedItem({ type: "commandExecution" })).toBeNull();
    const events = storedTurnEvents("t", { id: "x", status: "inProgress", items: [{ type: "webSearch", id: "w", query: "q" }] });
    expect(events.map((e) => e.event.type)).toEqual(["turn.started", "item.completed"]);
  });
});
