/**
 * Stored threads for the viewer, read through codex: a `codex app-server` of its own (the pinned
 * binary, the caller's CODEX_HOME) answers `thread/list` and `thread/read` with turns, and each
 * stored turn becomes view events (its prompt from the user message, its items with the times
 * codex recorded). codex does not store token usage or approvals with a thread: the page says so.
 *
 * This reader speaks JSON-RPC over the process's stdio itself, through the jsonrpc/ and process/
 * doors: the transports keep no `thread/read` (a `ThreadStore.readThread` would be its home).
 */
import { InvalidOptionsError, RpcError, type Redactor } from "../errors/index.js";
import type { JsonRpcMessage, MessageTransport } from "../jsonrpc/index.js";
import { JsonRpcConnection } from "../jsonrpc/index.js";
import { ManagedProcess, parseJsonLine } from "../process/index.js";
import { resolveCodexBinary } from "../transport/index.js";
import { CODEXKIT_VERSION } from "../version.js";
import type { ViewEvent } from "./model.js";
import { storedTurnEvents } from "./stored-items.js";

/** Options of `StoredThreads`. */
export interface StoredThreadsOptions {
  /** codex's home (default: codex's own choice, `CODEX_HOME` or `~/.codex`). */
  codexHome?: string;
  /** The codex binary (default: the pinned one). */
  codexPath?: string;
  /** The environment codex runs with (default: this process's). */
  env?: Record<string, string | undefined>;
  /** Hides secrets in codex's messages. */
  redactor: Redactor;
}

/** A stored thread as a list shows it. */
export interface StoredThreadSummary {
  /** The thread's id. */
  id: string;
  /** Usually the first user message. */
  preview: string;
  /** When it was last updated (ms since the epoch). */
  updatedAt: number | null;
}

/** How long codex may take to answer one request. */
const REQUEST_TIMEOUT_MS = 30_000;
/** The most stored threads a list shows. */
const LIST_LIMIT = 100;
/** The thread sources `thread/list` is asked for: every top-level thread, whichever program ran it. */
const LISTED_SOURCES = ["cli", "vscode", "exec", "appServer"];

/** A `codex app-server` that reads stored threads; `close()` stops it. */
export class StoredThreads {
  #connection: Promise<JsonRpcConnection> | null = null;
  #process: ManagedProcess | null = null;

  constructor(private readonly options: StoredThreadsOptions) {}

  /** The most recently updated stored threads. */
  async list(): Promise<StoredThreadSummary[]> {
    const rpc = await this.#rpc();
    // An empty provider list asks for every provider's threads (omitted: the configured provider's only).
    const params = { limit: LIST_LIMIT, sourceKinds: LISTED_SOURCES, modelProviders: [] };
    const page = await rpc.request<{ data?: unknown } | null>("thread/list", params, { timeoutMs: REQUEST_TIMEOUT_MS });
    const threads = Array.isArray(page?.data) ? (page.data as Record<string, unknown>[]) : [];
    return threads
      .filter((t) => t && typeof t.id === "string")
      .map((t) => ({ id: t.id as string, preview: typeof t.preview === "string" ? t.preview : "", updatedAt: typeof t.updatedAt === "number" ? seconds(t.updatedAt) : null }));
  }

  /** A stored thread's turns as view events; `InvalidOptionsError` when codex has no such thread. */
  async read(threadId: string): Promise<ViewEvent[]> {
    const rpc = await this.#rpc();
    let result: unknown;
    try {
      result = await rpc.request<unknown>("thread/read", { threadId, includeTurns: true }, { timeoutMs: REQUEST_TIMEOUT_MS });
    } catch (error) {
      if (error instanceof RpcError) throw new InvalidOptionsError(`codex has no stored thread ${threadId} in its CODEX_HOME (${this.options.redactor.redact(error.message)})`);
      throw error;
    }
    const thread = (result as { thread?: { turns?: unknown } } | null)?.thread;
    const turns = Array.isArray(thread?.turns) ? thread.turns : [];
    const events: ViewEvent[] = [{ event: { type: "thread.started", thread_id: threadId }, threadId, transport: "app-server" }];
    for (const turn of turns) events.push(...storedTurnEvents(threadId, turn));
    return events;
  }

  /** Stops codex; idempotent. */
  async close(): Promise<void> {
    const connection = this.#connection;
    this.#connection = null;
    if (connection) await connection.then((rpc) => rpc.close()).catch(() => {});
    await this.#process?.kill();
    this.#process = null;
  }

  #rpc(): Promise<JsonRpcConnection> {
    this.#connection ??= this.#start().catch(async (error: unknown) => {
      await this.close();
      throw error;
    });
    return this.#connection;
  }

  async #start(): Promise<JsonRpcConnection> {
    const { executable, pathDirs } = resolveCodexBinary(this.options.codexPath);
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(this.options.env ?? process.env)) if (value !== undefined) env[key] = value;
    if (this.options.codexHome) env.CODEX_HOME = this.options.codexHome;
    if (pathDirs.length > 0) env.PATH = [...pathDirs, env.PATH ?? ""].filter(Boolean).join(process.platform === "win32" ? ";" : ":");
    const proc = ManagedProcess.spawn({ executable, args: ["app-server"], env, redactor: this.options.redactor, kind: "app-server", label: "codex app-server" });
    this.#process = proc;
    const rpc = new JsonRpcConnection(new LineTransport(proc), { name: "codex app-server", redact: (value) => this.options.redactor.redactValue(value), requestTimeoutMs: REQUEST_TIMEOUT_MS });
    await rpc.start();
    await rpc.request("initialize", { clientInfo: { name: "codexkit", title: "codexkit view", version: CODEXKIT_VERSION }, capabilities: { experimentalApi: true } });
    await rpc.notify("initialized");
    return rpc;
  }
}

/** JSON-RPC messages over a process's stdin and stdout, one JSON object per line. */
class LineTransport implements MessageTransport {
  onmessage?: (message: JsonRpcMessage, size?: number) => void;
  onclose?: (error?: Error) => void;

  constructor(private readonly proc: ManagedProcess) {}

  start(): Promise<void> {
    void this.#pump();
    return Promise.resolve();
  }

  async send(message: JsonRpcMessage): Promise<void> {
    await this.proc.write(`${JSON.stringify(message)}\n`);
  }

  async close(): Promise<void> {
    this.proc.endInput();
    await this.proc.kill();
  }

  async #pump(): Promise<void> {
    let failure: Error | undefined;
    try {
      for await (const line of this.proc.lines()) {
        try {
          this.onmessage?.(parseJsonLine(line) as unknown as JsonRpcMessage, line.length);
        } catch {
          // Not JSON: codex printed something else; nothing to answer.
        }
      }
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
    }
    this.onclose?.(failure);
  }
}

/** codex's unix seconds as milliseconds (milliseconds pass through). */
export function seconds(value: number): number {
  return value < 1e12 ? value * 1000 : value;
}
