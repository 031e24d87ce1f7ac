/**
 * One running `codex app-server` and its JSON-RPC connection: started, handshaken, and routing
 * notifications to the turns of the threads they belong to. When the process dies the whole
 * generation is over; the transport starts a fresh one on the next call.
 */
import { mkdir } from "node:fs/promises";
import { ConnectionClosedError } from "../../errors/index.js";
import { JsonRpcConnection, type RequestOptions } from "../../jsonrpc/index.js";
import type { Logger } from "../../logger.js";
import type { ResolvedBinary } from "../binary.js";
import { buildExecEnv } from "../exec/args.js";
import { CodexProcess } from "../process.js";
import type { ClientContext } from "../types.js";
import { buildAppServerArgs, initializeParams } from "./params.js";
import { StdioMessageTransport } from "./stdio.js";
import { asObject } from "./items.js";
import { APPROVAL_METHODS } from "../../approvals/index.js";

/** Receives the notifications of one thread, and the end of the process. */
export interface ThreadListener {
  /** One notification; `size` is its length on the wire (characters). */
  notify(method: string, params: Record<string, unknown>, size: number): void;
  /** The process or connection ended; `error` says how. */
  closed(error: Error): void;
}

/** Answers server-to-client requests (tool calls, approvals) for the transport. */
type ServerRequestHandler = (method: string, params: unknown, signal: AbortSignal) => Promise<unknown>;

/** The server requests the transport answers; others get JSON-RPC "method not found". */
const HANDLED_SERVER_REQUESTS: readonly string[] = ["item/tool/call", ...APPROVAL_METHODS];

/** Notifications that concern the whole process rather than one thread. */
const GLOBAL_WARNINGS = new Set(["warning", "configWarning", "deprecationNotice"]);

/** How long the `initialize` handshake may take before the start counts as failed. */
const INITIALIZE_TIMEOUT_MS = 30_000;
/** The version codexkit reports in `clientInfo`. */
const CLIENT_VERSION = "0.1.0";

/** A live app-server process with its connection. */
export class AppServer {
  /** Threads this process has started or resumed (a fresh process must resume them first). */
  readonly loaded = new Set<string>();
  private readonly listeners = new Map<string, Set<ThreadListener>>();
  /** Turns and calls in progress; while there are none the process does not keep Node alive. */
  private holds = 0;

  private constructor(
    readonly rpc: JsonRpcConnection,
    readonly proc: CodexProcess,
    private readonly logger: Logger,
  ) {
    rpc.onNotification((method, params, size) => this.route(method, params, size ?? 0));
    void rpc.closed.then((error) => {
      const cause = error ?? new ConnectionClosedError("codex app-server was closed");
      for (const set of this.listeners.values()) for (const listener of set) listener.closed(cause);
      this.listeners.clear();
    });
  }

  /** Spawns codex app-server and completes the handshake. */
  static async start(ctx: ClientContext, binary: ResolvedBinary, onRequest: ServerRequestHandler): Promise<AppServer> {
    const { options, logger } = ctx;
    if (options.codexHome) await mkdir(options.codexHome, { recursive: true });
    const proc = CodexProcess.spawn({
      executable: binary.executable,
      args: buildAppServerArgs(options),
      env: buildExecEnv(options, binary.pathDirs),
      redactor: ctx.redactor,
      killGraceMs: options.killGraceMs,
      maxLineBytes: options.maxLineBytes,
    });
    const rpc = new JsonRpcConnection(new StdioMessageTransport(proc, logger, options.killGraceMs), {
      logger,
      name: "codex app-server",
      redact: (value) => ctx.redactor.redactValue(value),
    });
    const server = new AppServer(rpc, proc, logger);
    for (const method of HANDLED_SERVER_REQUESTS) {
      rpc.setRequestHandler(method, (params, { signal }) => onRequest(method, params, signal));
    }
    try {
      await rpc.start();
      await rpc.request("initialize", initializeParams(CLIENT_VERSION), { timeoutMs: INITIALIZE_TIMEOUT_MS });
      await rpc.notify("initialized");
    } catch (error) {
      await server.close();
      throw error;
    }
    logger.debug({ pid: proc.pid, transport: "app-server" }, "codex app-server started");
    if (server.holds === 0) proc.setActive(false);
    return server;
  }

  /**
   * Keeps the process (and so Node) alive until the returned release is called: a turn holds it
   * from start to end. With no holds left, Node may exit, and codex is stopped on the way out.
   */
  hold(): () => void {
    if (this.holds++ === 0) this.proc.setActive(true);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.holds === 0) this.proc.setActive(false);
    };
  }

  /** A JSON-RPC call that holds the process while it waits. */
  async call<R = unknown>(method: string, params?: unknown, options?: RequestOptions): Promise<R> {
    const release = this.hold();
    try {
      return await this.rpc.request<R>(method, params, options);
    } finally {
      release();
    }
  }

  /** False once the process or the connection has ended. */
  get alive(): boolean {
    return !this.rpc.isClosed && this.proc.running && !this.proc.retired;
  }

  /** Delivers the notifications carrying `threadId` to `listener` until unsubscribed. */
  subscribe(threadId: string, listener: ThreadListener): () => void {
    if (this.rpc.isClosed) queueMicrotask(() => listener.closed(new ConnectionClosedError("codex app-server was closed")));
    let set = this.listeners.get(threadId);
    if (!set) this.listeners.set(threadId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(threadId) === set) this.listeners.delete(threadId);
    };
  }

  /** Ends the connection, and with it (through the stdio transport) the process and everything it started. */
  async close(): Promise<void> {
    await this.rpc.close();
  }

  /** Kills the process at once; running turns fail with `reason`. */
  async kill(reason: Error): Promise<void> {
    // Closing first settles every turn with `reason` before the process's own exit is reported.
    const closing = this.rpc.close(reason);
    this.proc.killNow("SIGKILL");
    await closing;
  }

  private route(method: string, params: unknown, size: number): void {
    const record = asObject(params) ?? {};
    const threadId = typeof record.threadId === "string" ? record.threadId : undefined;
    // An unloaded thread must be resumed before its next turn.
    if ((method === "thread/closed" || method === "thread/deleted") && threadId !== undefined) this.loaded.delete(threadId);
    // Process-wide warnings name no thread; exec shows them in every turn, so every turn gets them.
    const targets = threadId !== undefined ? [this.listeners.get(threadId)] : GLOBAL_WARNINGS.has(method) ? [...this.listeners.values()] : [];
    let delivered = false;
    for (const set of targets) {
      for (const listener of set ?? []) {
        listener.notify(method, record, size);
        delivered = true;
      }
    }
    if (!delivered) this.logger.debug({ method, threadId }, "codex app-server notification with no running turn to deliver to");
  }
}
