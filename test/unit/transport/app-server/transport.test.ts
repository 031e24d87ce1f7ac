/**
 * The app-server transport over an in-memory JSON-RPC pair with a scripted fake app-server: the
 * races and failures a real codex rarely produces on demand (an interrupt before or while the
 * turn starts, a codex that ignores interrupts, a crash mid-turn, answers of the wrong shape).
 */
import { readdirSync } from "node:fs";
import os from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import { AbortError, CodexExitError, ProtocolError, ThreadStateError } from "../../../../src/errors/index.js";
import { normalizeInput } from "../../../../src/input.js";
import type { ThreadOptions } from "../../../../src/options/index.js";
import type { AppServerTransport } from "../../../../src/transport/app-server/transport.js";
import type { TransportEvent, TurnRequest } from "../../../../src/transport/index.js";
import { flush } from "../../jsonrpc/helpers.js";
import { fakeTransport, recordingHost, type FakeAppServer } from "./fake-server.js";

const THREAD: ThreadOptions = { skipGitRepoCheck: true, workingDirectory: "/work" };

let transports: AppServerTransport[] = [];
afterEach(async () => {
  await Promise.all(transports.map((t) => t.close()));
  transports = [];
});

function setup(...args: Parameters<typeof fakeTransport>): { transport: AppServerTransport; servers: FakeAppServer[] } {
  const made = fakeTransport(...args);
  transports.push(made.transport);
  return made;
}

function request(extra: Partial<TurnRequest> = {}): TurnRequest {
  return { threadId: null, input: normalizeInput("hi"), thread: THREAD, tools: [], ...extra };
}

/** Runs a turn to its end in the background; the events seen so far are in `events`. */
function consume(generator: AsyncGenerator<TransportEvent>): { events: TransportEvent[]; done: Promise<unknown> } {
  const events: TransportEvent[] = [];
  const done = (async () => {
    for await (const event of generator) events.push(event);
  })().then(
    () => null,
    (error: unknown) => error,
  );
  return { events, done };
}

/** Resolves once `check` holds, polling the event loop. */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await flush();
  expect(check()).toBe(true);
}

describe("AppServerTransport over an in-memory pair", () => {
  it("runs a turn: thread/start, turn/start, the mapped events, with exec's defaults sent", async () => {
    const { transport, servers } = setup();
    const turn = consume(transport.runTurn(request(), recordingHost()));
    await until(() => servers[0]?.paramsOf("turn/start").length === 1);
    servers[0]!.answer("thread-1", "turn-1", "hello");
    expect(await turn.done).toBeNull();
    expect(turn.events.map((e) => e.type)).toEqual(["thread.started", "turn.started", "item.completed", "turn.completed"]);
    expect(servers[0]!.paramsOf("thread/start")[0]).toMatchObject({ cwd: "/work", sandbox: "read-only", approvalPolicy: "never" });
  });

  it("refuses a second turn on a running thread with ThreadStateError", async () => {
    const { transport, servers } = setup();
    const first = consume(transport.runTurn(request({ threadId: "thread-1" }), recordingHost()));
    await until(() => servers[0]?.paramsOf("turn/start").length === 1);
    await expect(consume(transport.runTurn(request({ threadId: "thread-1" }), recordingHost())).done).resolves.toBeInstanceOf(ThreadStateError);
    await expect(transport.steer("other-thread", normalizeInput("x"))).rejects.toBeInstanceOf(ThreadStateError);
    servers[0]!.answer("thread-1", "turn-1", "done");
    expect(await first.done).toBeNull();
  });

  describe("interrupt races", () => {
    it("before turn/start is sent: nothing is sent, interrupt() settles, the turn ends with AbortError", async () => {
      const { transport, servers } = setup();
      const generator = transport.runTurn(request(), recordingHost());
      const first = await generator.next();
      expect(first.value).toEqual({ type: "thread.started", thread_id: "thread-1" });
      await transport.interrupt("thread-1");
      await expect(generator.next()).rejects.toBeInstanceOf(AbortError);
      expect(servers[0]!.paramsOf("turn/start")).toEqual([]);
      expect(servers[0]!.paramsOf("turn/interrupt")).toEqual([]);
    });

    it("while turn/start is unanswered: the interrupt follows the answer, and settles", async () => {
      let answer: (value: unknown) => void = () => {};
      const { transport, servers } = setup({ "turn/start": () => new Promise((resolve) => (answer = resolve)) });
      const turn = consume(transport.runTurn(request(), recordingHost()));
      await until(() => servers[0]?.paramsOf("turn/start").length === 1);
      const interrupted = transport.interrupt("thread-1");
      await flush();
      expect(servers[0]!.paramsOf("turn/interrupt")).toEqual([]);
      answer({ turn: { id: "turn-7" } });
      await interrupted;
      expect(servers[0]!.paramsOf("turn/interrupt")).toEqual([{ threadId: "thread-1", turnId: "turn-7" }]);
      expect(await turn.done).toBeInstanceOf(AbortError);
    });

    it("after the turn completed: the completed turn stands", async () => {
      const { transport, servers } = setup();
      const generator = transport.runTurn(request(), recordingHost());
      await generator.next();
      const rest = consume(generator);
      await until(() => servers[0]!.paramsOf("turn/start").length === 1);
      servers[0]!.answer("thread-1", "turn-1", "done");
      await until(() => rest.events.some((e) => e.type === "turn.completed"));
      await transport.interrupt("thread-1");
      expect(await rest.done).toBeNull();
      expect(servers[0]!.paramsOf("turn/interrupt")).toEqual([]);
    });

    it("a codex that ignores turn/interrupt: the turn's commands are killed and it is asked again, without killing the process", async () => {
      const { transport, servers } = setup(
        {
          "turn/interrupt": (p, server) => {
            // Only the second request, after the terminals were cleaned, is honoured.
            if (server.paramsOf("turn/interrupt").length === 2) queueMicrotask(() => server.endTurn(String(p.threadId), String(p.turnId), "interrupted"));
            return {};
          },
        },
        { interruptTimeoutMs: 50 },
      );
      const stuck = consume(transport.runTurn(request(), recordingHost()));
      await until(() => servers[0]?.paramsOf("turn/start").length === 1);
      await transport.interrupt("thread-1");
      expect(await stuck.done).toBeInstanceOf(AbortError);
      expect(servers[0]!.calls.map((c) => c.method).filter((m) => m !== "initialize")).toEqual([
        "thread/start",
        "turn/start",
        "turn/interrupt",
        "thread/backgroundTerminals/clean",
        "turn/interrupt",
      ]);
      expect(servers).toHaveLength(1);
      expect(servers[0]!.rpc.isClosed).toBe(false);
    });

    it("a codex that never stops the turn: the process goes last, and the other turns' errors say why", async () => {
      let thread = 0;
      const { transport, servers } = setup(
        { "turn/interrupt": () => ({}), "thread/start": () => ({ thread: { id: `thread-${++thread}` } }) },
        { interruptTimeoutMs: 30 },
      );
      const stuck = consume(transport.runTurn(request(), recordingHost()));
      const other = consume(transport.runTurn(request(), recordingHost()));
      await until(() => servers[0]?.paramsOf("turn/start").length === 2);
      await transport.interrupt("thread-1");
      expect(await stuck.done).toBeInstanceOf(AbortError);
      const error = await other.done;
      expect(error).toBeInstanceOf(CodexExitError);
      expect((error as Error).message).toMatch(/killed: it did not stop the turn of thread thread-1 after turn\/interrupt/);
    });
  });

  it("a crash mid-turn fails the turn with the process's error; the next turn starts a fresh process and resumes the thread", async () => {
    const { transport, servers } = setup();
    const turn = consume(transport.runTurn(request(), recordingHost()));
    await until(() => servers[0]?.paramsOf("turn/start").length === 1);
    await servers[0]!.die(new CodexExitError("codex app-server exited (codex signal SIGSEGV)", { exitCode: null, signal: "SIGSEGV", stderrTail: "" }));
    const error = await turn.done;
    expect(error).toBeInstanceOf(CodexExitError);
    expect((error as Error).message).toContain("SIGSEGV");
    const next = consume(transport.runTurn(request({ threadId: "thread-1" }), recordingHost()));
    await until(() => servers[1]?.paramsOf("turn/start").length === 1);
    expect(servers[1]!.paramsOf("thread/resume")).toMatchObject([{ threadId: "thread-1" }]);
    servers[1]!.answer("thread-1", "turn-1", "back");
    expect(await next.done).toBeNull();
  });

  it.each([
    ["thread/start", { "thread/start": () => ({ thread: {} }) }, /thread\/start with an unexpected shape \(thread\.id: /],
    ["turn/start", { "turn/start": () => ({ turn: null }) }, /turn\/start with an unexpected shape \(turn: /],
  ])("an answer of the wrong shape to %s is a ProtocolError, not a TypeError", async (_method, handlers, message) => {
    const { transport } = setup(handlers);
    const error = await consume(transport.runTurn(request(), recordingHost())).done;
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as Error).message).toMatch(message);
  });

  it("hands tool calls and approvals to the turn's host, and puts approval events in the stream in order", async () => {
    const host = recordingHost({ result: "42", decision: "accept" });
    const { transport, servers } = setup();
    const turn = consume(transport.runTurn(request(), host));
    await until(() => servers[0]?.paramsOf("turn/start").length === 1);
    const fake = servers[0]!;
    fake.notify("item/started", { threadId: "thread-1", turnId: "turn-1", item: { type: "commandExecution", id: "cmd-1", command: "ls", status: "inProgress" } });
    const tool = await fake.ask("item/tool/call", { threadId: "thread-1", turnId: "turn-1", callId: "c1", tool: "answer", arguments: { q: 1 } });
    expect(tool).toEqual({ contentItems: [{ type: "inputText", text: "42" }], success: true });
    expect(host.tools[0]).toMatchObject({ tool: "answer", arguments: { q: 1 }, callId: "c1", threadId: "thread-1", turnId: "turn-1" });
    const approval = await fake.ask("item/commandExecution/requestApproval", { threadId: "thread-1", turnId: "turn-1", itemId: "cmd-1", command: "ls" });
    expect(approval).toEqual({ decision: "accept" });
    fake.answer("thread-1", "turn-1", "done");
    expect(await turn.done).toBeNull();
    const types = turn.events.map((e: TransportEvent) => e.type);
    expect(types.indexOf("approval.requested")).toBeGreaterThan(types.indexOf("item.started"));
    expect(types.indexOf("approval.resolved")).toBeGreaterThan(types.indexOf("approval.requested"));
    expect(types.indexOf("approval.resolved")).toBeLessThan(types.indexOf("turn.completed"));
  });

  it("answers a request for a thread with no running turn: decline, and a failed tool call", async () => {
    const { transport, servers } = setup();
    const turn = consume(transport.runTurn(request(), recordingHost()));
    await until(() => servers[0]?.paramsOf("turn/start").length === 1);
    const fake = servers[0]!;
    expect(await fake.ask("item/commandExecution/requestApproval", { threadId: "nobody", turnId: "t", itemId: "i", command: "rm -rf /" })).toEqual({ decision: "decline" });
    expect(await fake.ask("item/tool/call", { threadId: "nobody", callId: "c", tool: "x", arguments: {} })).toMatchObject({ success: false });
    fake.answer("thread-1", "turn-1", "done");
    await turn.done;
  });

  it("close() frees a suspended turn's spilled events", async () => {
    const spillDirs = (): string[] => readdirSync(os.tmpdir()).filter((name) => name.startsWith("codexkit-spill-"));
    const before = new Set(spillDirs());
    const { transport, servers } = setup({}, { turnBufferBytes: 1024 });
    const generator = transport.runTurn(request(), recordingHost());
    await generator.next();
    // Pulled once more so the turn is sent, then left suspended while codex keeps talking.
    const started = generator.next();
    await until(() => servers[0]?.paramsOf("turn/start").length === 1);
    await started;
    for (let i = 0; i < 5; i++) servers[0]!.notify("item/completed", { threadId: "thread-1", turnId: "turn-1", item: { type: "agentMessage", id: `m${i}`, text: "x".repeat(1_000) } });
    await until(() => spillDirs().some((name) => !before.has(name)));
    await transport.close();
    expect(spillDirs().filter((name) => !before.has(name))).toEqual([]);
    await generator.return(undefined);
  });

  it("revertTurn sends thread/revert for the failed turn", async () => {
    const { transport, servers } = setup();
    await transport.revertTurn("thread-1", "turn-3");
    expect(servers[0]!.paramsOf("thread/revert")).toEqual([{ threadId: "thread-1", beforeTurnId: "turn-3" }]);
  });

  it("refuses to fork a thread that does not exist yet with ThreadStateError", async () => {
    const { transport } = setup();
    await expect(transport.fork(null, THREAD)).rejects.toBeInstanceOf(ThreadStateError);
  });
});
