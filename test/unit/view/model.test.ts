/**
 * The viewer's model: events (with their times) folded into threads, turns and entries, and the
 * updates the live view pushes. Pure: no codex, no server.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ApprovalRequest, ThreadEvent, Usage } from "../../../src/index.js";
import { MAX_TEXT_CHARS, UNKNOWN_THREAD, ViewBuilder, type ViewEvent } from "../../../src/view/index.js";
import { CUT_MARKER, cut } from "../../../src/view/model.js";

const T0 = Date.parse("2025-01-01T00:00:00.000Z");
const USAGE: Usage = { input_tokens: 100, cached_input_tokens: 40, cache_write_input_tokens: 0, output_tokens: 20, reasoning_output_tokens: 5 };
const REQUEST: ApprovalRequest = { kind: "command", method: "item/commandExecution/requestApproval", itemId: "cmd1", command: "touch x", cwd: "/w", reason: "outside the sandbox", raw: { big: "wire params" } };

/** Events of one thread at T0 + the given offsets. */
function timed(threadId: string, events: [number, ThreadEvent, Partial<ViewEvent>?][]): ViewEvent[] {
  return events.map(([offset, event, extra]) => ({ event, at: T0 + offset, threadId, ...extra }));
}

function build(events: ViewEvent[]): ViewBuilder {
  const builder = new ViewBuilder();
  for (const event of events) builder.add(event);
  return builder;
}

/** A turn with a command (streamed output), an approval, a tool call, a message, and its usage. */
const SESSION = timed("t1", [
  [0, { type: "thread.started", thread_id: "t1" }],
  [0, { type: "turn.started", turnId: "turn-a" }, { prompt: "fix the build", transport: "app-server" }],
  [100, { type: "item.started", item: { id: "cmd1", type: "command_execution", command: "make", aggregated_output: "", status: "in_progress" } }],
  [150, { type: "approval.requested", request: REQUEST }],
  [400, { type: "approval.resolved", request: REQUEST, decision: "accept", source: "handler" }],
  [450, { type: "item.delta", itemId: "cmd1", kind: "command_output", delta: "building\n" }],
  [600, { type: "item.completed", item: { id: "cmd1", type: "command_execution", command: "make", aggregated_output: "building\ndone\n", exit_code: 0, status: "completed" } }],
  [700, { type: "item.completed", item: { id: "tc1", type: "tool_call", tool: "lookup", arguments: { q: "x" }, result: { found: true }, status: "completed", duration_ms: 50 } }],
  [800, { type: "item.completed", item: { id: "m1", type: "agent_message", text: "fixed" } }],
  [900, { type: "turn.completed", usage: USAGE, turnId: "turn-a" }],
]);

describe("ViewBuilder", () => {
  it("folds a turn into its prompt, timeline, answer, duration and usage", () => {
    const thread = build(SESSION).thread("t1")!;
    expect(thread).toMatchObject({ id: "t1", title: "fix the build", transport: "app-server", startedAt: T0, updatedAt: T0 + 900, usage: USAGE });
    expect(thread.turns).toHaveLength(1);
    const [turn] = thread.turns;
    expect(turn).toMatchObject({ index: 1, turnId: "turn-a", prompt: "fix the build", answer: "fixed", status: "completed", startedAt: T0, endedAt: T0 + 900, durationMs: 900, usage: USAGE, error: null });
    expect(turn!.entries.map((e) => [e.kind, e.status, e.durationMs])).toEqual([
      ["command_execution", "completed", 500],
      ["approval", "accept", 250],
      ["tool_call", "completed", 50],
      ["agent_message", "completed", null],
    ]);
    const [command, approval, toolCall, message] = turn!.entries;
    expect(command!.item).toMatchObject({ aggregated_output: "building\ndone\n", exit_code: 0 });
    expect(approval!.approval).toEqual({ request: { kind: "command", method: REQUEST.method, itemId: "cmd1", command: "touch x", cwd: "/w", reason: "outside the sandbox" }, decision: "accept", source: "handler", waitMs: 250 });
    // A call known only by its completion starts its duration before it.
    expect([toolCall!.startedAt, toolCall!.endedAt]).toEqual([T0 + 650, T0 + 700]);
    // A message seen only complete sits at its end, without a duration.
    expect([message!.startedAt, message!.endedAt]).toEqual([T0 + 800, T0 + 800]);
  });

  it("gives a failed turn its error with the code run() throws, and keeps retries on the same turn", () => {
    const thread = build(
      timed("t1", [
        [0, { type: "turn.started" }, { prompt: "go" }],
        [10, { type: "turn.retrying", attempt: 1, maxAttempts: 3, delayMs: 500, error: { message: "rate limited", code: "rate_limited" } }],
        [520, { type: "turn.started", turnId: "second" }],
        [600, { type: "error", message: "Reconnecting... 1/5" }],
        [700, { type: "turn.failed", error: { message: "unexpected status 401 Unauthorized" }, turnId: "second" }],
      ]),
    ).thread("t1")!;
    expect(thread.turns).toHaveLength(1);
    const [turn] = thread.turns;
    expect(turn).toMatchObject({ status: "failed", turnId: "second", durationMs: 700, error: { message: "unexpected status 401 Unauthorized", code: "auth_failed" } });
    expect(turn!.retries).toEqual([{ attempt: 1, maxAttempts: 3, delayMs: 500, error: { message: "rate limited", code: "rate_limited" } }]);
    expect(turn!.entries.map((e) => [e.kind, e.message])).toEqual([["stream_error", "Reconnecting... 1/5"]]);
  });

  it("streams an answer from its deltas before the message completes, then takes the completed text", () => {
    const builder = build(
      timed("t1", [
        [0, { type: "turn.started" }],
        [10, { type: "item.delta", itemId: "m1", kind: "agent_message", delta: "hel" }],
        [20, { type: "item.delta", itemId: "m1", kind: "agent_message", delta: "lo" }],
      ]),
    );
    expect(builder.thread("t1")!.turns[0]).toMatchObject({ answer: "hello", status: "running" });
    builder.add({ event: { type: "item.completed", item: { id: "m1", type: "agent_message", text: "hello!" } }, at: T0 + 30, threadId: "t1" });
    const turn = builder.thread("t1")!.turns[0]!;
    expect(turn.answer).toBe("hello!");
    expect(turn.entries).toHaveLength(1);
    expect(turn.entries[0]).toMatchObject({ startedAt: T0 + 10, endedAt: T0 + 30, durationMs: 20 });
  });

  it("ends a turn that never said so as interrupted when the next starts, and a record's last as unfinished", () => {
    const builder = build(
      timed("t1", [
        [0, { type: "turn.started" }, { prompt: "one" }],
        [5, { type: "item.started", item: { id: "c", type: "command_execution", command: "sleep 9", aggregated_output: "", status: "in_progress" } }],
        [50, { type: "turn.started" }, { prompt: "two" }],
      ]),
    );
    builder.finish();
    expect(builder.thread("t1")!.turns.map((t) => [t.prompt, t.status])).toEqual([
      ["one", "interrupted"],
      ["two", "unfinished"],
    ]);
    // A stored turn's end says how it ended, and how long it took as codex measured it.
    builder.add({ event: { type: "turn.ended", status: "interrupted", durationMs: 42 }, at: T0 + 90, threadId: "t1" });
    expect(builder.thread("t1")!.turns[1]).toMatchObject({ status: "interrupted", durationMs: 42 });
  });

  it("puts events that name no thread in the thread of the last thread.started, or in an unknown one", () => {
    const builder = build([
      { event: { type: "item.completed", item: { id: "m0", type: "agent_message", text: "orphan" } } },
      { event: { type: "thread.started", thread_id: "a" } },
      { event: { type: "turn.started" } },
      { event: { type: "item.completed", item: { id: "m1", type: "agent_message", text: "in a" } } },
      { event: { type: "turn.completed", usage: USAGE } },
    ]);
    expect(builder.threads().map((t) => t.id).sort()).toEqual([UNKNOWN_THREAD, "a"].sort());
    expect(builder.thread("a")!.turns[0]).toMatchObject({ answer: "in a", status: "completed", startedAt: null, durationMs: null });
    expect(builder.thread(UNKNOWN_THREAD)!.turns[0]!.answer).toBe("orphan");
  });

  it("drains what changed since the last drain, thread before turns before entries, each with a newer version", () => {
    const builder = build(SESSION.slice(0, 3));
    const first = builder.drain();
    expect(first.map((u) => u.type)).toEqual(["thread", "turn", "entry"]);
    const before = first.find((u) => u.type === "entry")!;
    const versionBefore = before.type === "entry" ? before.entry.v : 0;
    expect(builder.drain()).toEqual([]);
    builder.add({ event: { type: "item.delta", itemId: "cmd1", kind: "command_output", delta: "more\n" }, at: T0 + 120, threadId: "t1" });
    const [update] = builder.drain();
    expect(update).toMatchObject({ type: "entry", threadId: "t1", turnRef: "1", entry: { ref: "1/item:cmd1", item: { aggregated_output: "more\n" } } });
    expect(update!.type === "entry" && update!.entry.v).toBeGreaterThan(versionBefore);
  });

  it("keeps output streamed so far when an update of the item has none yet", () => {
    const builder = build(
      timed("t1", [
        [0, { type: "turn.started" }],
        [1, { type: "item.delta", itemId: "c", kind: "command_output", delta: "early\n" }],
        [2, { type: "item.started", item: { id: "c", type: "command_execution", command: "ls", aggregated_output: "", status: "in_progress" } }],
      ]),
    );
    expect(builder.thread("t1")!.turns[0]!.entries[0]!.item).toMatchObject({ command: "ls", aggregated_output: "early\n" });
  });

  it("cuts the middle of text longer than the limit, also as it streams", () => {
    expect(cut("short")).toBe("short");
    const long = "a".repeat(MAX_TEXT_CHARS) + "b".repeat(10_000);
    const once = cut(long);
    expect(once.length).toBe(MAX_TEXT_CHARS + CUT_MARKER.length);
    expect(once.startsWith("a")).toBe(true);
    expect(once.endsWith("b".repeat(10_000))).toBe(true);
    const again = cut(`${once}c`);
    expect(again.length).toBe(once.length);
    expect(again.split(CUT_MARKER)).toHaveLength(2);
    expect(again.endsWith("bc")).toBe(true);
  });

  it("builds a thread of 1,000 items, one entry each", () => {
    const events: ViewEvent[] = [{ event: { type: "turn.started" }, at: T0, threadId: "big" }];
    for (let i = 0; i < 1_000; i++) {
      const item = { id: `c${i}`, type: "command_execution" as const, command: `echo ${i}`, aggregated_output: `${i}\n`, exit_code: 0, status: "completed" as const };
      events.push({ event: { type: "item.started", item: { ...item, status: "in_progress" } }, at: T0 + i, threadId: "big" }, { event: { type: "item.completed", item }, at: T0 + i + 1, threadId: "big" });
    }
    const thread = build(events).thread("big")!;
    expect(thread.turns[0]!.entries).toHaveLength(1_000);
    expect(new Set(thread.turns[0]!.entries.map((e) => e.ref)).size).toBe(1_000);
  });

  it("never throws on events of any shape, and skips what is not an event", () => {
    const anyEvent = fc.record({
      type: fc.constantFrom("thread.started", "turn.started", "turn.completed", "turn.failed", "turn.retrying", "item.started", "item.updated", "item.completed", "item.delta", "approval.requested", "approval.resolved", "error", "other"),
      thread_id: fc.option(fc.string(), { nil: undefined }),
      item: fc.option(fc.anything(), { nil: undefined }),
      itemId: fc.option(fc.string(), { nil: undefined }),
      kind: fc.option(fc.string(), { nil: undefined }),
      delta: fc.option(fc.anything(), { nil: undefined }),
      error: fc.option(fc.anything(), { nil: undefined }),
      request: fc.option(fc.anything(), { nil: undefined }),
      usage: fc.option(fc.anything(), { nil: undefined }),
      message: fc.option(fc.anything(), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(fc.oneof(anyEvent, fc.anything()), { maxLength: 30 }), (events) => {
        const builder = new ViewBuilder();
        for (const event of events) builder.add({ event: event as ThreadEvent, at: T0 });
        builder.finish();
        builder.drain();
        JSON.stringify(builder.threads());
      }),
    );
  });
});
