/**
 * `AppServerTransport.unload` over an in-memory pair with a scripted fake app-server: it
 * unsubscribes a loaded thread and waits for codex's `thread/closed`, resolves at once for a thread
 * codex does not hold (or a process that died), refuses a thread running a turn, and gives up with
 * a `TimeoutError` when codex keeps the thread.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { ThreadStateError, TimeoutError } from "../../../../src/errors/index.js";
import { normalizeInput } from "../../../../src/input.js";
import type { AppServerTransport } from "../../../../src/transport/app-server/transport.js";
import type { TransportEvent, TurnRequest } from "../../../../src/transport/index.js";
import { answeringTurns, fakeTransport, recordingHost, type FakeAppServer } from "./fake-server.js";

let transport: AppServerTransport | null = null;
afterEach(async () => {
  vi.useRealTimers();
  await transport?.close();
  transport = null;
});

type Handlers = Parameters<typeof fakeTransport>[0];

/** A transport whose turns end with an answer at once, and whose codex unloads a thread it is unsubscribed from. */
function setup(handlers: Handlers = {}): { transport: AppServerTransport; servers: FakeAppServer[] } {
  const made = fakeTransport(
    {
      "turn/start": answeringTurns(),
      "thread/unsubscribe": (p, server) => {
        setImmediate(() => server.notify("thread/closed", { threadId: p.threadId }));
        return { status: "unsubscribed" };
      },
      ...handlers,
    },
    { appServer: { idleThreadMs: 0 } },
  );
  transport = made.transport;
  return made;
}

function request(threadId: string | null): TurnRequest {
  return { threadId, input: normalizeInput("hi"), thread: { skipGitRepoCheck: true, workingDirectory: "/work" }, tools: [] };
}

async function run(t: AppServerTransport, threadId: string | null): Promise<TransportEvent[]> {
  const events: TransportEvent[] = [];
  for await (const event of t.runTurn(request(threadId), recordingHost())) events.push(event);
  return events;
}

describe("unload", () => {
  it("unsubscribes a loaded thread, resolves on thread/closed, and the next turn resumes it from disk", async () => {
    const { transport: t, servers } = setup();
    await run(t, null);
    let settled = false;
    const unloading = t.unload("thread-1").then(() => (settled = true));
    await expect.poll(() => servers[0]!.paramsOf("thread/unsubscribe")).toEqual([{ threadId: "thread-1" }]);
    await unloading;
    expect(settled).toBe(true);
    await run(t, "thread-1");
    expect(servers[0]!.paramsOf("thread/resume")).toMatchObject([{ threadId: "thread-1" }]);
  });

  it("waits for thread/closed: the answer to thread/unsubscribe alone does not settle it", async () => {
    let close: () => void = () => {};
    const { transport: t, servers } = setup({
      "thread/unsubscribe": (p, server) => {
        close = () => server.notify("thread/closed", { threadId: p.threadId });
        return { status: "unsubscribed" };
      },
    });
    await run(t, null);
    let settled = false;
    const unloading = t.unload("thread-1").then(() => (settled = true));
    await expect.poll(() => servers[0]!.paramsOf("thread/unsubscribe")).toHaveLength(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    close();
    await unloading;
    expect(settled).toBe(true);
  });

  it("resolves without asking codex for a thread no process has loaded", async () => {
    const { transport: t, servers } = setup();
    await t.unload("never-seen");
    expect(servers).toHaveLength(0);
    await run(t, null);
    await t.unload("never-seen");
    expect(servers[0]!.paramsOf("thread/unsubscribe")).toEqual([]);
  });

  it.each(["notLoaded", "notSubscribed"])("resolves at once when codex answers %s", async (status) => {
    const { transport: t } = setup({ "thread/unsubscribe": () => ({ status }) });
    await run(t, null);
    await t.unload("thread-1");
  });

  it("refuses a thread whose turn is running, and leaves it loaded", async () => {
    const { transport: t, servers } = setup({ "turn/start": (p, server) => {
      queueMicrotask(() => server.notify("turn/started", { threadId: p.threadId, turn: { id: "turn-1" } }));
      return { turn: { id: "turn-1" } };
    } });
    const turn = t.runTurn(request(null), recordingHost());
    expect((await turn.next()).value).toMatchObject({ type: "thread.started", thread_id: "thread-1" });
    await expect(t.unload("thread-1")).rejects.toBeInstanceOf(ThreadStateError);
    await turn.return(undefined);
    expect(servers[0]!.paramsOf("thread/unsubscribe")).toEqual([]);
  });

  it("rejects with TimeoutError when codex keeps the thread loaded", async () => {
    const { transport: t } = setup({ "thread/unsubscribe": () => ({ status: "unsubscribed" }) });
    await run(t, null);
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const unloading = t.unload("thread-1");
    const outcome = expect(unloading).rejects.toThrow(/codex kept thread thread-1 loaded/);
    await vi.advanceTimersByTimeAsync(5_000);
    await outcome;
    await expect(unloading).rejects.toBeInstanceOf(TimeoutError);
  });

  it("resolves when the process dies while codex unloads", async () => {
    const { transport: t, servers } = setup({ "thread/unsubscribe": () => ({ status: "unsubscribed" }) });
    await run(t, null);
    const unloading = t.unload("thread-1");
    await expect.poll(() => servers[0]!.paramsOf("thread/unsubscribe")).toHaveLength(1);
    await servers[0]!.die(new Error("codex app-server exited"));
    await unloading;
  });
});
