/**
 * One event model, two transports: every scenario here runs once on `exec` (one `codex exec
 * --json` per turn) and once on `app-server` (one warm `codex app-server`), against the real
 * pinned binary and the same scripted mock model, and the two event streams must be equal after
 * this normalization (the same documented differences as the recorded-trace test in
 * `test/unit/transport/app-server/events.test.ts`, nothing more):
 *
 * - `item.delta` events are dropped: only app-server streams deltas (exec prints finished items
 *   only; the test checks it has none). They are checked apart: on app-server the deltas of every
 *   item (agent_message, reasoning, command output) add up to what it completes with, and come
 *   before it completes.
 * - `turnId` (on turn.started/completed/failed) and `turn.failed.error.codexErrorInfo` are
 *   dropped: codexkit additions only app-server knows.
 * - `diff` is dropped from `file_change` changes: app-server reports it, exec 0.169.0 does not.
 * - item ids are renumbered `item_0, item_1, ...` per turn in order of first appearance: exec
 *   counts `item_N` per process, app-server keeps its own ids.
 * - the thread's id becomes `<thread>` (each run makes its own thread) and the run's temp working
 *   directory becomes `<cwd>` (each harness has its own).
 *
 * `turn.completed.usage` is compared exactly: both transports report per-turn usage, and the mock
 * reports the same fixed numbers for every request.
 */
import { realpathSync } from "node:fs";
import { z } from "zod";
import { describe, expect, it } from "vitest";
import type { ThreadEvent, ThreadOptions, TransportKind, TurnOptions } from "../../../src/index.js";
import { applyPatch, fail, runCommand, say, think, type MockModelServer } from "../../../src/testing/index.js";
import { collect, harness } from "../../helpers/harness.js";
import { expectDeltasAddUp, normalizeEvents, type Event, type Replacement } from "../../helpers/normalize.js";
import { unixOnly } from "../../helpers/platform.js";

const withShell = unixOnly("the mock model scripts POSIX shell commands; codex runs commands through PowerShell and its own sandbox on Windows");


interface Scenario {
  script(model: MockModelServer): void;
  /** The turns run one after another on one thread. */
  turns: { input: string; options?: TurnOptions }[];
  thread?: ThreadOptions;
}

/** What one transport yielded: the events of each turn, and the run's thread id and cwd. */
interface Run {
  turns: ThreadEvent[][];
  /** `text.format` of every request the model got (the output schema, when there is one). */
  formats: unknown[];
  threadId: string;
  /** The run's working directory, as given and resolved (codex may report either). */
  cwds: string[];
}

async function run(transport: TransportKind, scenario: Scenario): Promise<Run> {
  const h = await harness(transport);
  try {
    scenario.script(h.model);
    const thread = h.thread(scenario.thread);
    const turns: ThreadEvent[][] = [];
    for (const { input, options } of scenario.turns) {
      const { events } = await thread.runStreamed(input, options);
      turns.push(await collect(events));
    }
    expect(h.model.unexpectedRequests).toEqual([]);
    const formats = h.model.responseRequests().map((r) => (r.body as { text?: { format?: unknown } }).text?.format);
    return { turns, formats, threadId: thread.id!, cwds: [...new Set([realpathSync(h.cwd), h.cwd])] };
  } finally {
    await h.close();
  }
}

/** One turn's events, normalized as described at the top of this file. */
function normalizeTurn(events: readonly ThreadEvent[], { threadId, cwds }: Run): Event[] {
  return normalizeEvents(events, [[threadId, "<thread>"], ...cwds.map((dir): Replacement => [dir, "<cwd>"])]);
}

function normalize(result: Run): Event[][] {
  return result.turns.map((events) => normalizeTurn(events, result));
}

/**
 * Runs `scenario` on exec, then on app-server, and checks that the normalized streams are equal.
 * Returns exec's normalized turns, and the kinds of deltas app-server streamed (checked to add up).
 */
async function compare(scenario: Scenario): Promise<{ exec: Event[][]; deltas: Record<string, number>; formats: unknown[] }> {
  const execRun = await run("exec", scenario);
  const appServerRun = await run("app-server", scenario);
  // exec prints finished items only; a delta there would mean codex changed its JSONL.
  expect(execRun.turns.flat().filter((e) => e.type === "item.delta")).toEqual([]);
  const deltas: Record<string, number> = {};
  for (const turn of appServerRun.turns) {
    for (const [kind, n] of Object.entries(expectDeltasAddUp(turn))) deltas[kind] = (deltas[kind] ?? 0) + n;
  }
  const exec = normalize(execRun);
  expect(exec).toHaveLength(scenario.turns.length);
  expect(normalize(appServerRun)).toEqual(exec);
  // Both transports ask the model the same way (the same output schema, or none).
  expect(appServerRun.formats).toEqual(execRun.formats);
  return { exec, deltas, formats: execRun.formats };
}

function completedItems(turn: Event[]): Event[] {
  return turn.filter((e) => e.type === "item.completed").map((e) => e.item as Event);
}

const USAGE_ONE_REQUEST = { input_tokens: 10, cached_input_tokens: 2, cache_write_input_tokens: 0, output_tokens: 5, reasoning_output_tokens: 1 };
const USAGE_TWO_REQUESTS = { input_tokens: 20, cached_input_tokens: 4, cache_write_input_tokens: 0, output_tokens: 10, reasoning_output_tokens: 2 };

describe("exec and app-server yield the same event stream", () => {
  it("a plain message", async () => {
    const { exec, deltas } = await compare({ script: (m) => m.reply(say("hello from the mock", { deltas: 3 })), turns: [{ input: "hi" }] });
    // app-server streamed the message (and the deltas added up to its text: see compare).
    expect(deltas).toEqual({ agent_message: 1 });
    const [turn] = exec;
    expect(turn![0]).toEqual({ type: "thread.started", thread_id: "<thread>" });
    expect(completedItems(turn!).filter((i) => i.type !== "error")).toEqual([{ id: expect.any(String), type: "agent_message", text: "hello from the mock" }]);
    expect(turn!.at(-1)).toEqual({ type: "turn.completed", usage: USAGE_ONE_REQUEST });
  });

  withShell("a command with output", async () => {
    const { exec, deltas } = await compare({
      // codex streams as deltas only the output that comes after the command was announced;
      // output printed at once arrives with the completed item. The pause makes the delta certain.
      script: (m) => m.reply(runCommand("sleep 0.2; echo same-stream")).reply(say("ran it")),
      turns: [{ input: "run" }],
    });
    const command = completedItems(exec[0]!).find((i) => i.type === "command_execution");
    expect(command).toMatchObject({ status: "completed", exit_code: 0 });
    expect(command!.aggregated_output).toContain("same-stream");
    expect(deltas).toEqual({ command_output: 1 });
    expect(exec[0]!.at(-1)).toEqual({ type: "turn.completed", usage: USAGE_TWO_REQUESTS });
  });

  withShell("a failing command", async () => {
    const { exec } = await compare({
      script: (m) => m.reply(runCommand("echo oops >&2; exit 3")).reply(say("it failed")),
      turns: [{ input: "run" }],
    });
    const command = completedItems(exec[0]!).find((i) => i.type === "command_execution");
    expect(command).toMatchObject({ status: "failed", exit_code: 3 });
    expect(command!.aggregated_output).toContain("oops");
  });

  withShell("a file change via apply_patch", async () => {
    const { exec } = await compare({
      script: (m) => m.reply(applyPatch({ path: "a.txt", content: "x\n" })).reply(say("patched")),
      turns: [{ input: "patch" }],
      thread: { sandboxMode: "workspace-write" },
    });
    const change = completedItems(exec[0]!).find((i) => i.type === "file_change");
    expect(change).toMatchObject({ status: "completed", changes: [{ path: "<cwd>/a.txt", kind: "add" }] });
  });

  it("reasoning and a message", async () => {
    const { exec, deltas } = await compare({
      script: (m) => m.reply(think("weighing the options", { deltas: 2 }), say("decided", { deltas: 2 })),
      turns: [{ input: "think" }],
    });
    expect(completedItems(exec[0]!).filter((i) => i.type !== "error")).toEqual([
      { id: expect.any(String), type: "reasoning", text: "weighing the options" },
      { id: expect.any(String), type: "agent_message", text: "decided" },
    ]);
    expect(deltas).toEqual({ reasoning: 1, agent_message: 1 });
  });

  withShell("two turns on one thread", async () => {
    const { exec } = await compare({
      script: (m) => m.reply(say("one")).reply(runCommand("echo two")).reply(say("two")),
      turns: [{ input: "first" }, { input: "second" }],
    });
    expect(exec[0]![0]).toEqual({ type: "thread.started", thread_id: "<thread>" });
    expect(exec[1]![0]).toEqual({ type: "thread.started", thread_id: "<thread>" });
    // Per-turn usage: the second turn counts its own two requests, not the thread's running total.
    expect(exec[0]!.at(-1)).toEqual({ type: "turn.completed", usage: USAGE_ONE_REQUEST });
    expect(exec[1]!.at(-1)).toEqual({ type: "turn.completed", usage: USAGE_TWO_REQUESTS });
  });

  it("structured output", async () => {
    const schema = z.object({ ok: z.boolean(), count: z.number() });
    const { exec, formats } = await compare({
      script: (m) => m.reply(say('{"ok":true,"count":3}')),
      turns: [{ input: "json", options: { outputSchema: schema } }],
    });
    expect(formats).toEqual([expect.objectContaining({ type: "json_schema" })]);
    const message = completedItems(exec[0]!).find((i) => i.type === "agent_message");
    expect(message!.text).toBe('{"ok":true,"count":3}');
  });

  it("a failed turn ends the stream with turn.failed", async () => {
    // Not retried (app-server would retry a broken stream; exec cannot): the stream shows the failure.
    const { exec } = await compare({ script: (m) => m.enqueue(fail("boom")), turns: [{ input: "go", options: { retry: false } }] });
    const message = "stream disconnected before completion: boom";
    expect(exec[0]!.slice(-2)).toEqual([
      { type: "error", message },
      { type: "turn.failed", error: { message } },
    ]);
    expect(exec[0]!.filter((e) => e.type === "turn.completed")).toEqual([]);
  });
});
