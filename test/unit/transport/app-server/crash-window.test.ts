/**
 * A turn asked for in the moment between an app-server's death and Node seeing it: its first
 * write fails (a broken pipe) before the close arrives. Nothing of the turn reached codex, so it
 * starts on a fresh process instead of failing with the dead one's error. A request that did
 * reach codex is never sent again.
 */
import { afterEach, describe, expect, it } from "vitest";
import { CodexExitError, Redactor } from "../../../../src/errors/index.js";
import { normalizeInput } from "../../../../src/input.js";
import { createMemoryTransportPair, type JsonRpcMessage, type MessageTransport } from "../../../../src/jsonrpc/index.js";
import { silentLogger } from "../../../../src/logger.js";
import { Recorder } from "../../../../src/diagnostics/index.js";
import { AppServerTransport } from "../../../../src/transport/app-server/transport.js";
import type { ServerChannel } from "../../../../src/transport/app-server/server.js";
import type { TransportEvent, TurnRequest } from "../../../../src/transport/index.js";
import { FakeAppServer, recordingHost } from "./fake-server.js";

const DEATH = new CodexExitError("codex app-server exited (codex signal SIGKILL)", { exitCode: null, signal: "SIGKILL", stderrTail: "" });

/** A client end whose writes fail once `broken` (a dead reader), with the close arriving `closeAfterMs` later. */
class DyingEnd implements MessageTransport {
  broken = false;
  constructor(private readonly inner: MessageTransport & { close(error?: Error): Promise<void> }) {
    inner.onmessage = (message, size) => this.onmessage?.(message, size);
    inner.onclose = (error) => this.onclose?.(error);
  }
  onmessage?: (message: JsonRpcMessage, size?: number) => void;
  onclose?: (error?: Error) => void;
  start(): Promise<void> {
    return this.inner.start();
  }
  async send(message: JsonRpcMessage): Promise<void> {
    if (this.broken) {
      // Node hears of the death a moment after the failed write, never before it.
      this.closeSoon(5);
      // What the stdio transport rejects a write to a dead process with.
      throw new CodexExitError("writing to codex app-server failed (codex app-server still running)", { exitCode: null, signal: null, stderrTail: "" }, { cause: "write EPIPE" });
    }
    await this.inner.send(message);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
  /** The process dies now; Node hears of it after the next failed write, or `closeAfterMs` from now. */
  die(closeAfterMs?: number): void {
    this.broken = true;
    if (closeAfterMs !== undefined) this.closeSoon(closeAfterMs);
  }
  private closeSoon(ms: number): void {
    if (this.closing) return;
    this.closing = setTimeout(() => void this.inner.close(DEATH), ms);
    timers.push(this.closing);
  }
  private closing: NodeJS.Timeout | undefined;
}

let transport: AppServerTransport | null = null;
const timers: NodeJS.Timeout[] = [];
afterEach(async () => {
  for (const timer of timers.splice(0)) clearTimeout(timer);
  await transport?.close();
  transport = null;
});

function setup(handlers: ConstructorParameters<typeof FakeAppServer>[1] = {}) {
  const servers: FakeAppServer[] = [];
  const ends: DyingEnd[] = [];
  transport = new AppServerTransport(
    { options: {}, redactor: new Redactor(), logger: silentLogger, recorder: new Recorder(silentLogger, (text) => text) },
    {
      connect: async (): Promise<ServerChannel> => {
        const [client, server] = createMemoryTransportPair();
        const fake = new FakeAppServer(server, handlers);
        servers.push(fake);
        await fake.rpc.start();
        const end = new DyingEnd(client);
        ends.push(end);
        return { transport: end };
      },
    },
  );
  return { transport, servers, ends };
}

function request(threadId: string | null): TurnRequest {
  return { threadId, input: normalizeInput("hi"), thread: { skipGitRepoCheck: true, workingDirectory: "/work" }, tools: [] };
}

/** Runs a turn to its end, answering it on whichever fake gets its turn/start. */
async function run(t: AppServerTransport, servers: FakeAppServer[], threadId: string | null): Promise<TransportEvent[]> {
  const events: TransportEvent[] = [];
  const answering = setInterval(() => {
    for (const server of servers) {
      const starts = server.paramsOf("turn/start");
      const answered = server.calls.filter((c) => c.method === "answered").length;
      if (starts.length > answered) {
        server.calls.push({ method: "answered", params: {} });
        server.answer(String(starts.at(-1)!.threadId), `turn-${starts.length}`, "ok");
      }
    }
  }, 5);
  try {
    for await (const event of t.runTurn(request(threadId), recordingHost())) events.push(event);
  } finally {
    clearInterval(answering);
  }
  return events;
}

describe("a turn in the moment between an app-server's death and Node seeing it", () => {
  it("of a loaded thread (turn/start is its first request): starts on a fresh process, resuming the thread", async () => {
    const { transport: t, servers, ends } = setup();
    await run(t, servers, null);
    ends[0]!.die();
    const events = await run(t, servers, "thread-1");
    expect(events.at(-1)).toMatchObject({ type: "turn.completed" });
    expect(servers).toHaveLength(2);
    expect(servers[1]!.paramsOf("thread/resume")).toMatchObject([{ threadId: "thread-1" }]);
    expect(servers[1]!.paramsOf("turn/start")).toHaveLength(1);
  });

  it("of a new thread (thread/start is its first request): starts on a fresh process", async () => {
    const { transport: t, servers, ends } = setup();
    await run(t, servers, null);
    ends[0]!.die();
    const events = await run(t, servers, null);
    expect(events.at(-1)).toMatchObject({ type: "turn.completed" });
    expect(servers[0]!.paramsOf("thread/start")).toHaveLength(1);
    expect(servers[1]!.paramsOf("thread/start")).toHaveLength(1);
  });

  it("a turn/start that reached codex before it died is not sent again: the turn fails with the process's error", async () => {
    const { transport: t, servers, ends } = setup({
      "turn/start": () => {
        ends[0]!.die(0);
        return new Promise(() => {});
      },
    });
    await expect(run(t, servers, null)).rejects.toBe(DEATH);
    expect(servers).toHaveLength(1);
  });
});
