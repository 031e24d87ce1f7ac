/**
 * TurnEventMapper against recordings of the pinned codex binary: each scenario in
 * `test/fixtures/app-server/` was run once through `codex app-server` (`<name>.jsonl`, the
 * notifications) and once through `codex exec --json` (`<name>.exec.jsonl`), by
 * `scripts/record-app-server.ts`. The mapper's output for the first must equal what exec printed,
 * after this normalization (the documented differences between the two transports):
 *
 * - `thread.started` is dropped from exec (the app-server transport emits it, not the mapper);
 * - `item.delta` events are dropped from the mapper's output (exec has none) and checked apart;
 * - `turnId` (on turn.started/completed/failed) and `turn.failed.error.codexErrorInfo` are dropped:
 *   codexkit additions exec cannot know;
 * - `diff` is dropped from `file_change` changes (app-server reports it, exec 0.169.0 does not);
 * - item ids are renumbered `item_0, item_1, ...` per turn in order of first appearance (exec counts
 *   `item_N` per process, the mapper keeps app-server's ids);
 * - the temp working directories of the two runs (`codexkit-rec-work-XXXX`) become `<cwd>`;
 * - exec's usage is cumulative for the thread: it is made per-turn as codexkit's exec transport
 *   does (minus the previous turn's total), and must then equal the mapper's exactly.
 */
import { readFileSync, existsSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ThreadEvent, Usage } from "../../../../src/events.js";
import { ToolCallItems } from "../../../../src/turn/tool-call-item.js";
import { TurnEventMapper } from "../../../../src/transport/app-server/events.js";
import { emptyUsage, toUsage, usageSince } from "../../../../src/usage.js";
import { expectDeltasAddUp, normalizeEvents, type Event } from "../../../helpers/normalize.js";

const FIXTURES = new URL("../../../fixtures/app-server/", import.meta.url);

interface Notification {
  id?: unknown;
  method: string;
  params: unknown;
}


function readJsonl<T>(name: string): T[] {
  return readFileSync(new URL(name, FIXTURES), "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as T);
}

function threadIdOf(notifications: Notification[]): string {
  for (const n of notifications) {
    const id = (n.params as { threadId?: unknown } | null)?.threadId;
    if (typeof id === "string") return id;
  }
  throw new Error("no threadId in fixture");
}

/**
 * Feeds a recorded app-server trace through one mapper per turn, as the transport does: a mapper
 * takes notifications until it is done, then the next turn's mapper takes the rest.
 */
function mapTurns(notifications: Notification[], turns: number): { events: ThreadEvent[][]; mappers: TurnEventMapper[] } {
  const threadId = threadIdOf(notifications);
  const events: ThreadEvent[][] = [];
  const mappers: TurnEventMapper[] = [];
  let index = 0;
  for (let t = 0; t < turns; t++) {
    const mapper = new TurnEventMapper({ threadId });
    // Tool call reports are shaped by the turn layer, as in a real turn.
    const items = new ToolCallItems();
    const out: ThreadEvent[] = [];
    while (index < notifications.length && !mapper.done) {
      const n = notifications[index++]!;
      // Server requests (with an id) are answered by the transport, not mapped.
      if (n.id === undefined) {
        for (const e of mapper.map(n.method, n.params)) if (e.type !== "codex_retry.report") out.push(e.type === "tool_call.report" ? items.toEvent(e) : e);
      }
    }
    expect(mapper.done).toBe(true);
    events.push(out);
    mappers.push(mapper);
  }
  return { events, mappers };
}

/** exec's events split per `codex exec` process (each starts with thread.started), usage made per-turn. */
function execTurns(events: Event[]): Event[][] {
  const turns: Event[][] = [];
  let previous: Usage = emptyUsage();
  for (const event of events) {
    if (event.type === "thread.started") {
      turns.push([]);
      continue;
    }
    if (event.type === "turn.completed") {
      const total = toUsage(event.usage);
      event.usage = usageSince(total, previous);
      previous = total;
    }
    turns.at(-1)!.push(event);
  }
  return turns;
}

function normalize(events: readonly object[]): Event[] {
  return normalizeEvents(events, [[/codexkit-rec-work-[A-Za-z0-9]+/g, "<cwd>"]], ["thread.started"]);
}

const PARITY_SCENARIOS: { name: string; turns: number }[] = [
  { name: "message", turns: 1 },
  { name: "command", turns: 1 },
  { name: "command-failed", turns: 1 },
  { name: "file-change", turns: 1 },
  { name: "reasoning", turns: 1 },
  { name: "unsupported-tool", turns: 1 },
  { name: "failed-stream", turns: 1 },
  { name: "failed-http", turns: 1 },
  { name: "two-turns", turns: 2 },
];

describe("TurnEventMapper on recorded app-server traces equals codex exec", () => {
  for (const { name, turns } of PARITY_SCENARIOS) {
    it(name, () => {
      expect(existsSync(new URL(`${name}.exec.jsonl`, FIXTURES))).toBe(true);
      const { events } = mapTurns(readJsonl<Notification>(`${name}.jsonl`), turns);
      const exec = execTurns(readJsonl<Event>(`${name}.exec.jsonl`));
      expect(exec).toHaveLength(turns);
      for (let t = 0; t < turns; t++) {
        const expected = normalize(exec[t]!);
        expect(expected.some((e) => e.type === "turn.completed" || e.type === "turn.failed")).toBe(true);
        expect(normalize(events[t]!)).toEqual(expected);
      }
    });
  }

  it("deltas of the recordings add up to the completed items", () => {
    for (const name of ["message", "reasoning", "command", "command-failed"]) {
      const [events] = mapTurns(readJsonl<Notification>(`${name}.jsonl`), 1).events;
      // Each delta's kind is consistent, deltas add up to the completed item and come before it.
      expect(Object.keys(expectDeltasAddUp(events!)).length).toBeGreaterThan(0);
    }
  });

  it("message: keeps app-server's item id and kinds on deltas", () => {
    const [events] = mapTurns(readJsonl<Notification>("message.jsonl"), 1).events;
    expect(events!.filter((e) => e.type !== "item.completed" || e.item.type !== "error")).toEqual([
      { type: "turn.started", turnId: expect.any(String) },
      { type: "item.delta", itemId: "msg_1", kind: "agent_message", delta: "hi t" },
      { type: "item.delta", itemId: "msg_1", kind: "agent_message", delta: "here" },
      { type: "item.delta", itemId: "msg_1", kind: "agent_message", delta: ", fr" },
      { type: "item.delta", itemId: "msg_1", kind: "agent_message", delta: "iend" },
      { type: "item.completed", item: { id: "msg_1", type: "agent_message", text: "hi there, friend" } },
      {
        type: "turn.completed",
        turnId: expect.any(String),
        usage: { input_tokens: 10, cached_input_tokens: 2, cache_write_input_tokens: 0, output_tokens: 5, reasoning_output_tokens: 1 },
      },
    ]);
  });

  it("command: usage counts both model requests of the turn, not just tokenUsage.last", () => {
    const { events, mappers } = mapTurns(readJsonl<Notification>("command.jsonl"), 1);
    const completed = events[0]!.find((e) => e.type === "turn.completed");
    expect(completed).toMatchObject({ usage: { input_tokens: 20, cached_input_tokens: 4, output_tokens: 10, reasoning_output_tokens: 2 } });
    expect(mappers[0]!.usage.input_tokens).toBe(20);
  });

  it("file-change: reports the diff exec leaves out", () => {
    const [events] = mapTurns(readJsonl<Notification>("file-change.jsonl"), 1).events;
    const item = events!.find((e) => e.type === "item.completed" && e.item.type === "file_change");
    expect(item).toMatchObject({ item: { type: "file_change", status: "completed", changes: [{ kind: "add", diff: "x\n" }] } });
  });

  it("failed turns carry codexErrorInfo and follow an error event", () => {
    for (const name of ["failed-stream", "failed-http"]) {
      const [events] = mapTurns(readJsonl<Notification>(`${name}.jsonl`), 1).events;
      const tail = events!.slice(-2);
      expect(tail[0]).toMatchObject({ type: "error" });
      expect(tail[1]).toMatchObject({ type: "turn.failed", turnId: expect.any(String), error: { codexErrorInfo: "other" } });
      expect((tail[1] as { error: { message: string } }).error.message).toBe((tail[0] as { message: string }).message);
    }
  });

  it("dynamic-tool (app-server only): a dynamicToolCall becomes a tool_call item", () => {
    const [events] = mapTurns(readJsonl<Notification>("dynamic-tool.jsonl"), 1).events;
    const calls = events!.filter((e) => (e.type === "item.started" || e.type === "item.completed") && e.item.type === "tool_call");
    expect(calls).toEqual([
      { type: "item.started", item: { id: "call_1", type: "tool_call", tool: "lookup", arguments: { key: "answer" }, status: "in_progress" } },
      {
        type: "item.completed",
        item: { id: "call_1", type: "tool_call", tool: "lookup", arguments: { key: "answer" }, status: "completed", result: "42", duration_ms: expect.any(Number) },
      },
    ]);
  });

  it("interrupted (app-server only): no terminal event, done and interrupted", () => {
    const { events, mappers } = mapTurns(readJsonl<Notification>("interrupted.jsonl"), 1);
    expect(events[0]!.map((e) => e.type)).toEqual(["item.completed", "turn.started"]);
    expect(mappers[0]!.done).toBe(true);
    expect(mappers[0]!.interrupted).toBe(true);
  });
});

// ---- Focused unit tests on hand-written notifications ----

const THREAD = "thread-1";
const TURN = "turn-1";

function turn(status: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id: TURN, items: [], status, error: null, ...extra };
}

function breakdown(input: number, cached: number, output: number, reasoning: number, cacheWrite = 0): Record<string, number> {
  return {
    totalTokens: input + output,
    inputTokens: input,
    cachedInputTokens: cached,
    cacheWriteInputTokens: cacheWrite,
    outputTokens: output,
    reasoningOutputTokens: reasoning,
  };
}

function started(): TurnEventMapper {
  const mapper = new TurnEventMapper({ threadId: THREAD });
  expect(mapper.map("turn/started", { threadId: THREAD, turn: turn("inProgress") })).toEqual([{ type: "turn.started", turnId: TURN }]);
  return mapper;
}

function tokenUsage(total: Record<string, number>, last: Record<string, number>): Record<string, unknown> {
  return { threadId: THREAD, turnId: TURN, tokenUsage: { total, last, modelContextWindow: null } };
}

describe("TurnEventMapper", () => {
  it("converts tokenUsage to codexkit Usage and sums the turn's requests", () => {
    const mapper = started();
    mapper.map("thread/tokenUsage/updated", tokenUsage(breakdown(110, 12, 15, 3, 4), breakdown(10, 2, 5, 1, 4)));
    // A repeat with an unchanged total (e.g. a rate-limit refresh) adds nothing.
    mapper.map("thread/tokenUsage/updated", tokenUsage(breakdown(110, 12, 15, 3, 4), breakdown(10, 2, 5, 1, 4)));
    mapper.map("thread/tokenUsage/updated", tokenUsage(breakdown(130, 12, 22, 3, 4), breakdown(20, 0, 7, 0)));
    expect(mapper.map("turn/completed", { threadId: THREAD, turn: turn("completed") })).toEqual([
      {
        type: "turn.completed",
        turnId: TURN,
        usage: { input_tokens: 30, cached_input_tokens: 2, cache_write_input_tokens: 4, output_tokens: 12, reasoning_output_tokens: 1 },
      },
    ]);
    expect(mapper.done).toBe(true);
    expect(mapper.interrupted).toBe(false);
  });

  it("reports zero usage when no tokenUsage/updated arrived", () => {
    const mapper = started();
    expect(mapper.map("turn/completed", { threadId: THREAD, turn: turn("completed") })).toEqual([
      { type: "turn.completed", turnId: TURN, usage: emptyUsage() },
    ]);
  });

  it("maps a failed turn with codexErrorInfo and additional details", () => {
    const mapper = started();
    const info = { responseStreamDisconnected: { httpStatusCode: 502 } };
    const error = { message: "stream broke", codexErrorInfo: info, additionalDetails: "bad gateway", misalignment: null };
    expect(mapper.map("error", { threadId: THREAD, turnId: TURN, willRetry: false, error })).toEqual([
      { type: "error", message: "stream broke (bad gateway)" },
    ]);
    expect(mapper.map("turn/completed", { threadId: THREAD, turn: turn("failed", { error }) })).toEqual([
      { type: "turn.failed", turnId: TURN, error: { message: "stream broke (bad gateway)", codexErrorInfo: info } },
    ]);
    expect(mapper.done).toBe(true);
  });

  it("follows an error codex will retry itself with a codex_retry.report, and only such an error", () => {
    const mapper = started();
    const error = { message: "Reconnecting... 1/5 (stream disconnected before completion: boom)", codexErrorInfo: "other" };
    expect(mapper.map("error", { threadId: THREAD, turnId: TURN, willRetry: true, error })).toEqual([
      { type: "error", message: error.message },
      { type: "codex_retry.report" },
    ]);
    expect(mapper.map("error", { threadId: THREAD, turnId: TURN, willRetry: false, error: { message: "stream disconnected before completion: boom" } })).toEqual([
      { type: "error", message: "stream disconnected before completion: boom" },
    ]);
  });

  it("falls back to the last error notification, then to 'turn failed'", () => {
    const withError = started();
    withError.map("error", { threadId: THREAD, turnId: TURN, willRetry: false, error: { message: "boom", codexErrorInfo: "badRequest" } });
    expect(withError.map("turn/completed", { threadId: THREAD, turn: turn("failed") })).toEqual([
      { type: "turn.failed", turnId: TURN, error: { message: "boom", codexErrorInfo: "badRequest" } },
    ]);
    const bare = started();
    expect(bare.map("turn/completed", { threadId: THREAD, turn: turn("failed") })).toEqual([
      { type: "turn.failed", turnId: TURN, error: { message: "turn failed" } },
    ]);
  });

  it("ends an interrupted turn without an event", () => {
    const mapper = started();
    expect(mapper.map("turn/completed", { threadId: THREAD, turn: turn("interrupted") })).toEqual([]);
    expect(mapper.done).toBe(true);
    expect(mapper.interrupted).toBe(true);
  });

  it("ignores unknown notifications, other threads, other turns, and anything after the end", () => {
    const mapper = started();
    expect(mapper.map("thread/status/changed", { threadId: THREAD, status: { type: "idle" } })).toEqual([]);
    expect(mapper.map("some/future/notification", { threadId: THREAD, turnId: TURN })).toEqual([]);
    const delta = { threadId: THREAD, turnId: TURN, itemId: "msg_1", delta: "x" };
    expect(mapper.map("item/agentMessage/delta", { ...delta, threadId: "other" })).toEqual([]);
    expect(mapper.map("item/agentMessage/delta", { ...delta, turnId: "turn-2" })).toEqual([]);
    expect(mapper.map("turn/started", { threadId: THREAD, turn: { ...turn("inProgress"), id: "turn-2" } })).toEqual([]);
    expect(mapper.map("turn/completed", { threadId: THREAD, turn: { ...turn("completed"), id: "turn-2" } })).toEqual([]);
    expect(mapper.done).toBe(false);
    expect(mapper.map("turn/completed", { threadId: THREAD, turn: turn("completed") })).toHaveLength(1);
    expect(mapper.map("item/agentMessage/delta", delta)).toEqual([]);
    expect(mapper.map("turn/started", { threadId: THREAD, turn: turn("inProgress") })).toEqual([]);
  });

  it("follows only the given turnId", () => {
    const mapper = new TurnEventMapper({ threadId: THREAD, turnId: "turn-2" });
    expect(mapper.map("turn/started", { threadId: THREAD, turn: turn("inProgress") })).toEqual([]);
    expect(mapper.map("turn/started", { threadId: THREAD, turn: { ...turn("inProgress"), id: "turn-2" } })).toEqual([
      { type: "turn.started", turnId: "turn-2" },
    ]);
  });

  it("maps the three delta notifications to item.delta", () => {
    const mapper = started();
    const base = { threadId: THREAD, turnId: TURN };
    expect(mapper.map("item/agentMessage/delta", { ...base, itemId: "m", delta: "Hel" })).toEqual([
      { type: "item.delta", itemId: "m", kind: "agent_message", delta: "Hel" },
    ]);
    expect(mapper.map("item/reasoning/summaryTextDelta", { ...base, itemId: "r", delta: "hm", summaryIndex: 0 })).toEqual([
      { type: "item.delta", itemId: "r", kind: "reasoning", delta: "hm" },
    ]);
    expect(mapper.map("item/commandExecution/outputDelta", { ...base, itemId: "c", delta: "out\n" })).toEqual([
      { type: "item.delta", itemId: "c", kind: "command_output", delta: "out\n" },
    ]);
    expect(mapper.map("item/reasoning/textDelta", { ...base, itemId: "r", delta: "raw", contentIndex: 0 })).toEqual([]);
  });

  it("turns plan updates into one todo_list item, completed before the turn", () => {
    const mapper = started();
    const plan = (status: string) => ({ threadId: THREAD, turnId: TURN, explanation: null, plan: [{ step: "a", status }, { step: "b", status: "pending" }] });
    const [first] = mapper.map("turn/plan/updated", plan("inProgress"));
    expect(first).toMatchObject({ type: "item.started", item: { type: "todo_list", items: [{ text: "a", completed: false }, { text: "b", completed: false }] } });
    const id = (first as { item: { id: string } }).item.id;
    expect(mapper.map("turn/plan/updated", plan("completed"))).toEqual([
      { type: "item.updated", item: { id, type: "todo_list", items: [{ text: "a", completed: true }, { text: "b", completed: false }] } },
    ]);
    const end = mapper.map("turn/completed", { threadId: THREAD, turn: turn("completed") });
    expect(end.map((e) => e.type)).toEqual(["item.completed", "turn.completed"]);
    expect(end[0]).toEqual({ type: "item.completed", item: { id, type: "todo_list", items: [{ text: "a", completed: true }, { text: "b", completed: false }] } });
  });

  it("maps warnings to error items, and drops user messages", () => {
    const mapper = new TurnEventMapper({ threadId: THREAD });
    expect(mapper.map("warning", { threadId: null, message: "careful" })).toEqual([
      { type: "item.completed", item: { id: expect.any(String), type: "error", message: "careful" } },
    ]);
    expect(mapper.map("configWarning", { summary: "bad key", details: "line 3" })).toMatchObject([{ item: { message: "bad key (line 3)" } }]);
    expect(mapper.map("deprecationNotice", { summary: "old", details: null })).toMatchObject([{ item: { message: "old" } }]);
    const user = { type: "userMessage", id: "u", clientId: null, content: [] };
    expect(mapper.map("item/started", { threadId: THREAD, turnId: TURN, item: user })).toEqual([]);
    expect(mapper.map("item/completed", { threadId: THREAD, turnId: TURN, item: user })).toEqual([]);
  });

  it("maps command, file change, MCP and dynamic tool items like exec", () => {
    const mapper = started();
    const at = { threadId: THREAD, turnId: TURN };
    const cmd = { type: "commandExecution", id: "c1", command: "ls", cwd: "/w", status: "inProgress", aggregatedOutput: null, exitCode: null, durationMs: null };
    expect(mapper.map("item/started", { ...at, item: cmd })).toEqual([
      { type: "item.started", item: { id: "c1", type: "command_execution", command: "ls", aggregated_output: "", exit_code: null, status: "in_progress" } },
    ]);
    const change = { path: "/w/a", kind: { type: "update", move_path: null }, diff: "@@" };
    expect(mapper.map("item/fileChange/patchUpdated", { ...at, itemId: "f1", changes: [change] })).toEqual([
      { type: "item.updated", item: { id: "f1", type: "file_change", changes: [{ path: "/w/a", kind: "update", diff: "@@" }], status: "in_progress" } },
    ]);
    const file = { type: "fileChange", id: "f1", changes: [change], status: "inProgress" };
    expect(mapper.map("item/started", { ...at, item: file })).toMatchObject([{ type: "item.updated", item: { id: "f1" } }]);
    expect(mapper.map("item/completed", { ...at, item: { ...file, status: "declined" } })).toMatchObject([
      { type: "item.completed", item: { id: "f1", status: "declined" } },
    ]);
    const mcp = {
      type: "mcpToolCall",
      id: "m1",
      server: "calc",
      tool: "add",
      status: "completed",
      arguments: { a: 1 },
      result: { content: [{ type: "text", text: "2" }], structuredContent: { sum: 2 }, _meta: null },
      error: null,
      durationMs: 3,
    };
    expect(mapper.map("item/completed", { ...at, item: mcp })).toEqual([
      {
        type: "item.completed",
        item: {
          id: "m1",
          type: "mcp_tool_call",
          server: "calc",
          tool: "add",
          arguments: { a: 1 },
          status: "completed",
          result: { content: [{ type: "text", text: "2" }], structured_content: { sum: 2 } },
        },
      },
    ]);
    const tool = { type: "dynamicToolCall", id: "t1", namespace: null, tool: "lookup", arguments: {}, status: "failed", success: false, durationMs: 7 };
    // A codexkit tool call is reported to the turn layer, which shapes the tool_call item.
    expect(mapper.map("item/completed", { ...at, item: { ...tool, contentItems: [{ type: "inputText", text: "no such key" }] } })).toEqual([
      {
        type: "tool_call.report",
        phase: "item.completed",
        id: "t1",
        tool: "lookup",
        arguments: {},
        status: "failed",
        content: [{ type: "text", text: "no such key" }],
        durationMs: 7,
      },
    ]);
    // The command never completed, but the turn lists it: it is completed before turn.completed.
    const end = mapper.map("turn/completed", {
      threadId: THREAD,
      turn: turn("completed", { items: [{ ...cmd, status: "completed", aggregatedOutput: "a\n", exitCode: 0 }] }),
    });
    expect(end).toEqual([
      { type: "item.completed", item: { id: "c1", type: "command_execution", command: "ls", aggregated_output: "a\n", exit_code: 0, status: "completed" } },
      { type: "turn.completed", turnId: TURN, usage: emptyUsage() },
    ]);
  });

  it("drops reasoning with a blank summary and joins summary parts with newlines", () => {
    const mapper = started();
    const at = { threadId: THREAD, turnId: TURN };
    expect(mapper.map("item/completed", { ...at, item: { type: "reasoning", id: "r0", summary: [" "], content: [] } })).toEqual([]);
    expect(mapper.map("item/completed", { ...at, item: { type: "reasoning", id: "r1", summary: ["a", "b"], content: [] } })).toEqual([
      { type: "item.completed", item: { id: "r1", type: "reasoning", text: "a\nb" } },
    ]);
  });
});

describe("TurnEventMapper properties", () => {
  const KNOWN = [
    "turn/started",
    "turn/completed",
    "item/started",
    "item/completed",
    "item/agentMessage/delta",
    "item/reasoning/summaryTextDelta",
    "item/commandExecution/outputDelta",
    "item/fileChange/patchUpdated",
    "turn/plan/updated",
    "thread/tokenUsage/updated",
    "error",
    "warning",
    "configWarning",
    "deprecationNotice",
    "model/rerouted",
  ];

  it("never emits anything for unknown methods, whatever the params", () => {
    fc.assert(
      fc.property(
        fc.string().filter((m) => !KNOWN.includes(m)),
        fc.anything(),
        (method, params) => {
          const mapper = new TurnEventMapper({ threadId: THREAD });
          expect(mapper.map(method, params)).toEqual([]);
          expect(mapper.done).toBe(false);
        },
      ),
    );
  });

  it("never throws on any sequence of known methods with arbitrary params", () => {
    const params = fc.oneof(
      fc.anything(),
      fc.record({ threadId: fc.constantFrom(THREAD, "other", null), turnId: fc.constantFrom(TURN, "x"), item: fc.anything(), turn: fc.anything() }, { requiredKeys: [] }),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...KNOWN), params), { maxLength: 20 }), (sequence) => {
        const mapper = new TurnEventMapper({ threadId: THREAD });
        for (const [method, p] of sequence) {
          const events = mapper.map(method, p);
          expect(Array.isArray(events)).toBe(true);
        }
      }),
    );
  });

  it("emits one item.completed per item/completed of a shown item type", () => {
    const item = fc.oneof(
      fc.record({ type: fc.constant("agentMessage"), id: fc.string({ minLength: 1 }), text: fc.string() }),
      fc.record({ type: fc.constant("commandExecution"), id: fc.string({ minLength: 1 }), command: fc.string(), status: fc.constantFrom("completed", "failed") }),
      fc.record({ type: fc.constant("dynamicToolCall"), id: fc.string({ minLength: 1 }), tool: fc.string(), status: fc.constant("completed") }),
      fc.record({ type: fc.constant("userMessage"), id: fc.string({ minLength: 1 }) }),
    );
    fc.assert(
      fc.property(fc.array(item, { maxLength: 15 }), (items) => {
        const mapper = new TurnEventMapper({ threadId: THREAD });
        let completed = 0;
        for (const i of items) {
          completed += mapper
            .map("item/completed", { threadId: THREAD, turnId: TURN, item: i })
            .filter((e) => e.type === "item.completed" || (e.type === "tool_call.report" && e.phase === "item.completed")).length;
        }
        expect(completed).toBe(items.filter((i) => i.type !== "userMessage").length);
      }),
    );
  });
});

describe("usage after a resume", () => {
  it("does not count the restored total reported before turn/started", () => {
    const mapper = new TurnEventMapper({ threadId: "t" });
    const breakdown = (n: number) => ({ totalTokens: n, inputTokens: n, cachedInputTokens: 0, cacheWriteInputTokens: 0, outputTokens: 0, reasoningOutputTokens: 0 });
    mapper.map("thread/tokenUsage/updated", { threadId: "t", turnId: "old", tokenUsage: { total: breakdown(10), last: breakdown(10) } });
    mapper.map("turn/started", { threadId: "t", turn: { id: "new" } });
    mapper.map("thread/tokenUsage/updated", { threadId: "t", turnId: "new", tokenUsage: { total: breakdown(17), last: breakdown(7) } });
    const [completed] = mapper.map("turn/completed", { threadId: "t", turn: { id: "new", status: "completed", error: null } });
    expect(completed).toMatchObject({ type: "turn.completed", usage: { input_tokens: 7 } });
  });
});
