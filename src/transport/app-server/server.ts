/**
 * One running `codex app-server` and its JSON-RPC connection: handshaken, routing notifications to
 * the turns of the threads they belong to, and holding the process (so Node) alive only while a
 * turn or call needs it. When the connection ends the whole generation is over; the transport
 * starts a fresh one on the next call. The connection is anything a `ServerChannel` provides: a
 * child process over stdio, or an in-memory pair in unit tests.
 */
import { ConnectionClosedError, type CodexExitError } from "../../errors/index.js";
import { JsonRpcConnection, type MessageTransport, type RequestOptions } from "../../jsonrpc/index.js";
import type { Logger } from "../../logger.js";
import { LruMap } from "../../lru.js";
import { MAX_LOADED_THREADS } from "../../options/index.js";
import { RefCount } from "../../timing/index.js";
import type { ClientContext } from "../types.js";
import { APPROVAL_METHODS, ELICITATION_METHOD } from "./approval-methods.js";
import { initializeParams, type ClientMethod, type OutgoingParams } from "./params.js";
import { asObject } from "./items.js";
import { checkedResult, type WireSchema } from "./wire.js";
import { CODEXKIT_VERSION } from "../../version.js";

/** Receives the notifications of one thread, and the end of the connection. */
export interface ThreadListener {
  /** One notification; `size` is its length on the wire (characters). */
  notify(method: string, params: Record<string, unknown>, size: number): void;
  /** The process or connection ended; `error` says how. */
  closed(error: Error): void;
}

/** The process behind a channel: what the server needs of it beyond the messages. */
export interface ServerProcess {
  readonly pid?: number;
  /** False once it has exited. */
  readonly running: boolean;
  /** True once it was asked to stop because Node had nothing else to do. */
  readonly retired: boolean;
  /** Whether it keeps Node alive. */
  setActive(active: boolean): void;
  /** What it printed on stderr lately, redacted. */
  stderrTail(): string;
  /** Kills it at once. */
  killNow(signal: NodeJS.Signals): void;
}

/** A connection to an app-server: the messages, and the process when there is one. */
export interface ServerChannel {
  transport: MessageTransport;
  process?: ServerProcess;
}

/** Opens a channel to a fresh app-server. */
export type ConnectServer = () => Promise<ServerChannel>;

/** Answers server-to-client requests (tool calls, approvals) for the transport. */
type ServerRequestHandler = (method: string, params: unknown, signal: AbortSignal) => Promise<unknown>;

/** The server requests the transport answers; others get JSON-RPC "method not found". */
const HANDLED_SERVER_REQUESTS: readonly string[] = ["item/tool/call", ELICITATION_METHOD, ...APPROVAL_METHODS];

/** Notifications that concern the whole process rather than one thread. */
const GLOBAL_WARNINGS = new Set(["warning", "configWarning", "deprecationNotice"]);

/** The most threads `AppServer.loaded` remembers; `appServer.maxThreads` may not exceed it (the option's schema holds the bound). */

/** How long the `initialize` handshake may take before the start counts as failed. */
const INITIALIZE_TIMEOUT_MS = 30_000;

/** A live app-server with its connection. */
export class AppServer {
  /**
   * Threads this process has started or resumed (a fresh process must resume them first). A
   * local process is recycled long before the bound (`appServer.maxThreads`); on a remote one
   * the oldest are forgotten, which costs only a `thread/resume` (harmless for a loaded thread).
   */
  readonly loaded = new LruMap<string, true>(MAX_LOADED_THREADS);
  /** What `initialize` said of the machine codex runs on. */
  host: { codexHome: string | null; platformFamily: string | null } = { codexHome: null, platformFamily: null };
  private readonly listeners = new Map<string, Set<ThreadListener>>();
  /** Turns and calls in progress; while there are none the process does not keep Node alive. */
  private readonly holds = new RefCount({ onBusy: () => this.process?.setActive(true), onIdle: () => this.process?.setActive(false) });

  private constructor(
    readonly rpc: JsonRpcConnection,
    private readonly process: ServerProcess | undefined,
    private readonly logger: Logger,
  ) {
    rpc.onNotification((method, params, size) => this.route(method, params, size ?? 0));
    void rpc.closed.then((error) => {
      const cause = error ?? new ConnectionClosedError("codex app-server was closed");
      for (const set of this.listeners.values()) for (const listener of set) listener.closed(cause);
      this.listeners.clear();
    });
  }

  /** Opens a channel with `connect` and completes the handshake. */
  static async start(ctx: ClientContext, connect: ConnectServer, onRequest: ServerRequestHandler): Promise<AppServer> {
    const { logger } = ctx;
    const channel = await connect();
    const rpc = new JsonRpcConnection(channel.transport, {
      logger,
      name: "codex app-server",
      redact: (value) => ctx.redactor.redactValue(value),
    });
    const server = new AppServer(rpc, channel.process, logger);
    for (const method of HANDLED_SERVER_REQUESTS) {
      rpc.setRequestHandler(method, (params, { signal }) => onRequest(method, params, signal));
    }
    try {
      await rpc.start();
      const init = await rpc.request<{ codexHome?: unknown; platformFamily?: unknown } | null>("initialize", initializeParams(CODEXKIT_VERSION), { timeoutMs: INITIALIZE_TIMEOUT_MS });
      server.host = {
        codexHome: typeof init?.codexHome === "string" ? init.codexHome : null,
        platformFamily: typeof init?.platformFamily === "string" ? init.platformFamily : null,
      };
      await rpc.notify("initialized");
    } catch (error) {
      await server.close();
      throw error;
    }
    logger.debug({ pid: channel.process?.pid, transport: "app-server" }, "codex app-server started");
    if (server.holds.count === 0) channel.process?.setActive(false);
    return server;
  }

  /** False once the process or the connection has ended. */
  get alive(): boolean {
    if (this.rpc.isClosed) return false;
    return this.process ? this.process.running && !this.process.retired : true;
  }

  /** The process id, when codexkit runs the process (undefined for a remote app-server). */
  get pid(): number | undefined {
    return this.process?.pid;
  }

  /** Resolves once no turn or call holds the process (at once when none does). */
  idle(): Promise<void> {
    if (this.holds.count === 0 || this.rpc.isClosed) return Promise.resolve();
    return this.holds.idle(this.rpc.closed);
  }

  /** The process's recent stderr, redacted ("" without a process). */
  stderrTail(): string {
    return this.process?.stderrTail() ?? "";
  }

  /**
   * Keeps the process (and so Node) alive until the returned release is called: a turn holds it
   * from start to end. With no holds left, Node may exit, and codex is stopped on the way out.
   */
  hold(): () => void {
    return this.holds.acquire();
  }

  /**
   * A JSON-RPC call that holds the process while it waits. With `schema`, the parts of the answer
   * codexkit relies on are checked: a changed shape is a `ProtocolError`, not a `TypeError` later.
   * `params` are checked against the generated protocol types for `method` (`OutgoingParams`), so
   * a codex whose protocol changed (`npm run gen:protocol`) shows what broke at compile time.
   */
  async call<M extends ClientMethod, R = unknown>(method: M, params: OutgoingParams<M>, schema?: WireSchema<R>, options?: RequestOptions): Promise<R> {
    const release = this.hold();
    try {
      const result = await this.rpc.request<unknown>(method, params, options);
      return schema ? checkedResult(schema, result, method) : (result as R);
    } finally {
      release();
    }
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
  async kill(reason: CodexExitError): Promise<void> {
    // Closing first settles every turn with `reason` before the process's own exit is reported.
    const closing = this.rpc.close(reason);
    this.process?.killNow("SIGKILL");
    await closing;
  }

  private route(method: string, params: unknown, size: number): void {
    const record = asObject(params) ?? {};
    const threadId = typeof record.threadId === "string" ? record.threadId : undefined;
    // An unloaded thread must be resumed before its next turn.
    if ((method === "thread/closed" || method === "thread/deleted") && threadId !== undefined) {
      this.loaded.delete(threadId);
      this.logger.debug({ threadId, method }, "codex unloaded the thread");
    }
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
