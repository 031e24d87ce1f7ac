/**
 * Idle threads are unsubscribed so codex unloads them, over an in-memory pair with a scripted
 * fake app-server: a thread with no turn for `idleThreadMs` gets `thread/unsubscribe` and its next
 * turn resumes it; an ephemeral thread, or one running a turn, never does.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { normalizeInput } from "../../../../src/input.js";
import type { ThreadOptions } from "../../../../src/options/index.js";
import type { AppServerTransport } from "../../../../src/transport/app-server/transport.js";
import type { TransportEvent, TurnRequest } from "../../../../src/transport/index.js";
import { answeringTurns, fakeTransport, recordingHost, type FakeAppServer } from "./fake-server.js";

// The clock and the sweep's interval are fake: idleness is a matter of the time the test moves on,
// never of how fast the machine runs. Messages (microtasks) and setImmediate stay real.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date", "setInterval", "clearInterval"] });
});

let transport: AppServerTransport | null = null;
afterEach(async () => {
  await transport?.close();
  transport = null;
  vi.useRealTimers();
});

/** Lets every message in flight arrive (the in-memory pair delivers in microtasks). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

function setup(idleThreadMs: number): { transport: AppServerTransport; servers: FakeAppServer[] } {
  const made = fakeTransport(
    {
      "turn/start": answeringTurns(),
    },
    { appServer: { idleThreadMs } },
  );
  transport = made.transport;
  return made;
}

/** Runs one turn to its end. */
async function run(t: AppServerTransport, threadId: string | null, thread: ThreadOptions = {}): Promise<TransportEvent[]> {
  const request: TurnRequest = { threadId, input: normalizeInput("hi"), thread: { skipGitRepoCheck: true, workingDirectory: "/work", ...thread }, tools: [] };
  const events: TransportEvent[] = [];
  for await (const event of t.runTurn(request, recordingHost())) events.push(event);
  return events;
}

/** Moves the clock on by `ms`, running the sweeps due meanwhile, and lets what they sent arrive. */
async function elapse(ms: number): Promise<void> {
  vi.advanceTimersByTime(ms);
  await settle();
}

describe("idle threads", () => {
  it("a thread idle for idleThreadMs is unsubscribed, and its next turn resumes it", async () => {
    const { transport: t, servers } = setup(50);
    expect((await run(t, null)).at(-1)).toMatchObject({ type: "turn.completed" });
    await elapse(49);
    expect(servers[0]!.paramsOf("thread/unsubscribe")).toEqual([]);
    await elapse(1);
    expect(servers[0]!.paramsOf("thread/unsubscribe")).toEqual([{ threadId: "thread-1" }]);
    await run(t, "thread-1");
    expect(servers[0]!.paramsOf("thread/resume")).toMatchObject([{ threadId: "thread-1" }]);
  });

  it("a thread used again before it is idle is not unsubscribed, nor resumed", async () => {
    const { transport: t, servers } = setup(400);
    await run(t, null);
    // Past idleThreadMs from the first turn's end, never from the last one's.
    await elapse(250);
    await run(t, "thread-1");
    await elapse(250);
    await run(t, "thread-1");
    await elapse(399);
    expect(servers[0]!.paramsOf("thread/unsubscribe")).toEqual([]);
    expect(servers[0]!.paramsOf("thread/resume")).toEqual([]);
    // The sweeps kept running all along: the next one after idleThreadMs lets it go.
    await elapse(200);
    expect(servers[0]!.paramsOf("thread/unsubscribe")).toEqual([{ threadId: "thread-1" }]);
  });

  it("never unloads an ephemeral thread (it has no rollout to come back from), nor with idleThreadMs 0", async () => {
    const ephemeral = setup(20);
    await run(ephemeral.transport, null, { ephemeral: true });
    await elapse(60_000);
    expect(ephemeral.servers[0]!.paramsOf("thread/unsubscribe")).toEqual([]);
    await ephemeral.transport.close();
    const never = setup(0);
    await run(never.transport, null);
    await elapse(60_000);
    expect(never.servers[0]!.paramsOf("thread/unsubscribe")).toEqual([]);
  });
});
