/**
 * Idle threads are unsubscribed so codex unloads them, over an in-memory pair with a scripted
 * fake app-server: a thread with no turn for `idleThreadMs` gets `thread/unsubscribe` and its next
 * turn resumes it; an ephemeral thread, or one running a turn, never does.
 */
import { afterEach, describe, expect, it } from "vitest";
import { normalizeInput } from "../../../../src/input.js";
import type { ThreadOptions } from "../../../../src/options/index.js";
import type { AppServerTransport } from "../../../../src/transport/app-server/transport.js";
import type { TransportEvent, TurnRequest } from "../../../../src/transport/index.js";
import { fakeTransport, recordingHost, type FakeAppServer } from "./fake-server.js";

let transport: AppServerTransport | null = null;
afterEach(async () => {
  await transport?.close();
  transport = null;
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function setup(idleThreadMs: number): { transport: AppServerTransport; servers: FakeAppServer[] } {
  const made = fakeTransport({}, { appServer: { idleThreadMs } });
  transport = made.transport;
  return made;
}

/** Runs one turn to its end, answering it on the fake. */
async function run(t: AppServerTransport, server: () => FakeAppServer | undefined, threadId: string | null, thread: ThreadOptions = {}): Promise<TransportEvent[]> {
  const request: TurnRequest = { threadId, input: normalizeInput("hi"), thread: { skipGitRepoCheck: true, workingDirectory: "/work", ...thread }, tools: [] };
  const events: TransportEvent[] = [];
  const answered = new Set<number>();
  const answering = setInterval(() => {
    const fake = server();
    const starts = fake?.paramsOf("turn/start") ?? [];
    starts.forEach((p, i) => {
      if (answered.has(i)) return;
      answered.add(i);
      fake!.answer(String(p.threadId), `turn-${i + 1}`, "ok");
    });
  }, 2);
  try {
    for await (const event of t.runTurn(request, recordingHost())) events.push(event);
  } finally {
    clearInterval(answering);
  }
  return events;
}

describe("idle threads", () => {
  it("a thread idle for idleThreadMs is unsubscribed, and its next turn resumes it", async () => {
    const { transport: t, servers } = setup(50);
    await run(t, () => servers[0], null);
    expect(servers[0]!.paramsOf("thread/unsubscribe")).toEqual([]);
    for (let i = 0; i < 100 && servers[0]!.paramsOf("thread/unsubscribe").length === 0; i++) await sleep(10);
    expect(servers[0]!.paramsOf("thread/unsubscribe")).toEqual([{ threadId: "thread-1" }]);
    await run(t, () => servers[0], "thread-1");
    expect(servers[0]!.paramsOf("thread/resume")).toMatchObject([{ threadId: "thread-1" }]);
  });

  it("a thread used again before it is idle is not unsubscribed, nor resumed", async () => {
    const { transport: t, servers } = setup(400);
    await run(t, () => servers[0], null);
    // Past idleThreadMs from the first turn's end, never from the last one's.
    await sleep(250);
    await run(t, () => servers[0], "thread-1");
    await sleep(250);
    await run(t, () => servers[0], "thread-1");
    expect(servers[0]!.paramsOf("thread/unsubscribe")).toEqual([]);
    expect(servers[0]!.paramsOf("thread/resume")).toEqual([]);
  });

  it("never unloads an ephemeral thread (it has no rollout to come back from), nor with idleThreadMs 0", async () => {
    const ephemeral = setup(20);
    await run(ephemeral.transport, () => ephemeral.servers[0], null, { ephemeral: true });
    await sleep(150);
    expect(ephemeral.servers[0]!.paramsOf("thread/unsubscribe")).toEqual([]);
    await ephemeral.transport.close();
    const never = setup(0);
    await run(never.transport, () => never.servers[0], null);
    await sleep(150);
    expect(never.servers[0]!.paramsOf("thread/unsubscribe")).toEqual([]);
  });
});
