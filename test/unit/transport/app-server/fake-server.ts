/**
 * A scripted stand-in for `codex app-server` on the far end of an in-memory JSON-RPC pair, so the
 * app-server transport's races can be driven deterministically: each method has a default answer
 * (a thread id, a turn id that starts the turn), and a test can replace any of them, hold an
 * answer back, send notifications and server requests, or die.
 */
import { Redactor } from "../../../../src/errors/index.js";
import { JsonRpcConnection, createMemoryTransportPair, type MemoryTransport } from "../../../../src/jsonrpc/index.js";
import { silentLogger, type Logger } from "../../../../src/logger.js";
import type { CodexOptions } from "../../../../src/options/index.js";
import { AppServerTransport } from "../../../../src/transport/app-server/transport.js";
import type { ServerChannel } from "../../../../src/transport/app-server/server.js";
import type { ApprovalContext, ToolCallRequest, TransportEvent, TurnHost } from "../../../../src/transport/index.js";
import { Recorder } from "../../../../src/diagnostics/index.js";

/** One request the client made. */
export interface Call {
  method: string;
  params: Record<string, unknown>;
}

type Handler = (params: Record<string, unknown>, server: FakeAppServer) => unknown;

/** One fake app-server process. */
export class FakeAppServer {
  readonly calls: Call[] = [];
  readonly rpc: JsonRpcConnection;
  private readonly end: MemoryTransport;
  private readonly handlers = new Map<string, Handler>();
  private turns = 0;

  constructor(end: MemoryTransport, handlers: Record<string, Handler>) {
    this.end = end;
    this.rpc = new JsonRpcConnection(end, { name: "fake client" });
    const defaults: Record<string, Handler> = {
      initialize: () => ({}),
      "thread/start": () => ({ thread: { id: "thread-1" } }),
      "thread/resume": (p) => ({ thread: { id: p.threadId } }),
      "turn/start": (p, server) => {
        const id = `turn-${++server.turns}`;
        queueMicrotask(() => server.notify("turn/started", { threadId: p.threadId, turn: { id } }));
        return { turn: { id } };
      },
      "turn/interrupt": (p, server) => {
        queueMicrotask(() => server.endTurn(String(p.threadId), String(p.turnId), "interrupted"));
        return {};
      },
      "thread/backgroundTerminals/clean": () => ({}),
      "thread/revert": () => ({}),
      "thread/unsubscribe": () => ({ status: "unsubscribed" }),
      "config/read": () => ({ config: {} }),
    };
    for (const [method, handler] of Object.entries({ ...defaults, ...handlers })) this.handlers.set(method, handler);
    this.rpc.setFallbackRequestHandler((method, params) => {
      const p = (params ?? {}) as Record<string, unknown>;
      this.calls.push({ method, params: p });
      const handler = this.handlers.get(method);
      if (!handler) throw new Error(`the fake has no ${method}`);
      return handler(p, this);
    });
  }

  /** The params of every call of `method`. */
  paramsOf(method: string): Record<string, unknown>[] {
    return this.calls.filter((call) => call.method === method).map((call) => call.params);
  }

  notify(method: string, params: Record<string, unknown>): void {
    void this.rpc.notify(method, params);
  }

  /** Ends a turn with `status` (and a message for a failure). */
  endTurn(threadId: string, turnId: string, status: "completed" | "failed" | "interrupted", error?: Record<string, unknown>): void {
    this.notify("turn/completed", { threadId, turn: { id: turnId, status, items: [], error: error ?? null } });
  }

  /** Completes a turn with one agent message. */
  answer(threadId: string, turnId: string, text: string): void {
    this.notify("item/completed", { threadId, turnId, item: { type: "agentMessage", id: `msg-${turnId}`, text } });
    this.endTurn(threadId, turnId, "completed");
  }

  /** Sends a server request (a tool call, an approval) and resolves with the client's answer. */
  ask(method: string, params: Record<string, unknown>): Promise<unknown> {
    return this.rpc.request(method, params, { timeoutMs: 5_000 });
  }

  /** The process dies: the client sees its connection close with `error`. */
  async die(error: Error): Promise<void> {
    await this.end.close(error);
  }
}

/** A transport whose every app-server is a `FakeAppServer` built with `handlers`. */
export function fakeTransport(
  handlers: Record<string, Handler> = {},
  options: CodexOptions = {},
  logger: Logger = silentLogger,
): { transport: AppServerTransport; servers: FakeAppServer[] } {
  const servers: FakeAppServer[] = [];
  const transport = new AppServerTransport(
    { options, redactor: new Redactor(), logger, recorder: new Recorder(logger, (text) => text) },
    {
      connect: async (): Promise<ServerChannel> => {
        const [client, server] = createMemoryTransportPair();
        const fake = new FakeAppServer(server, handlers);
        servers.push(fake);
        await fake.rpc.start();
        return { transport: client };
      },
    },
  );
  return { transport, servers };
}

/** A `turn/start` handler whose turns start and end with an answer as soon as the client has their id (turn-1, turn-2, ...). */
export function answeringTurns(): Handler {
  let turns = 0;
  return (p, server) => {
    const id = `turn-${++turns}`;
    setImmediate(() => {
      server.notify("turn/started", { threadId: p.threadId, turn: { id } });
      server.answer(String(p.threadId), id, "ok");
    });
    return { turn: { id } };
  };
}

/** A host that records what it was asked, answering tools with `result` and approvals with `decision`. */
export function recordingHost(answers: { result?: string; decision?: "accept" | "decline" } = {}): TurnHost & {
  tools: ToolCallRequest[];
  approvals: unknown[];
  elicitations: unknown[];
  /** Every event the transport reported, as it arrived. */
  observed: TransportEvent[];
} {
  const tools: ToolCallRequest[] = [];
  const approvals: unknown[] = [];
  const elicitations: unknown[] = [];
  const observed: TransportEvent[] = [];
  return {
    tools,
    approvals,
    elicitations,
    observed,
    observe: (event) => observed.push(event),
    traceUpload: (_file, fn) => fn(),
    callTool(call) {
      tools.push(call);
      return Promise.resolve({ success: true, content: [{ type: "text", text: answers.result ?? "ok" }], durationMs: 1 });
    },
    decideApproval(request, context: ApprovalContext) {
      approvals.push(request);
      context.emit({ type: "approval.requested", request });
      const decision = answers.decision ?? "decline";
      context.emit({ type: "approval.resolved", request, decision, source: "handler" });
      return Promise.resolve(decision);
    },
    elicit(request) {
      elicitations.push(request);
      return Promise.resolve({ action: "accept", content: { ok: true } });
    },
  };
}
