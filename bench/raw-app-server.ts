/**
 * The floor: the least a client can do to run turns on `codex app-server`. One process, one
 * JSON-RPC connection over stdio (one JSON object per line, JSON-RPC 2.0 without the `jsonrpc`
 * field, integer ids), no validation, no event mapping. Anything codexkit's app-server transport
 * costs on top of this is overhead.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { performance } from "node:perf_hooks";

/** How to start the app-server. */
export interface RawAppServerOptions {
  /** The codex binary. */
  binary: string;
  /** `key=value` config overrides, each passed as `-c key=value`. */
  config: string[];
  /** The whole environment of the process (CODEX_HOME included). */
  env: Record<string, string>;
}

/** What one raw turn measured, in ms from writing `turn/start`. */
export interface RawTurnTiming {
  /** The first notification about this thread. */
  firstEventMs: number;
  /** Its method. */
  firstEventType: string;
  /** The `turn/started` notification. */
  turnStartedMs: number;
}

type Pending = { resolve: (result: unknown) => void; reject: (error: Error) => void };
type ThreadListener = (method: string, params: Record<string, unknown>) => void;

/** How long to wait for a graceful exit after closing stdin before killing the process. */
const EXIT_GRACE_MS = 2_000;

/** A bare `codex app-server` client: `start`, `startThread`, `runTurn`, `close`. */
export class RawAppServer {
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<string, ThreadListener>();
  private readonly exited: Promise<void>;
  private nextId = 1;
  private buffer = "";
  private stderrTail = "";
  private dead: Error | undefined;

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => this.onData(chunk));
    // Drained, or a chatty stderr would fill the pipe and stall codex.
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (this.stderrTail = (this.stderrTail + chunk).slice(-2_000)));
    child.stdin.on("error", () => undefined);
    this.exited = new Promise((resolve) => {
      const onEnd = (why: string): void => {
        this.dead ??= new Error(`codex app-server ${why}${this.stderrTail ? `: ${this.stderrTail.trim().slice(-400)}` : ""}`);
        for (const pending of this.pending.values()) pending.reject(this.dead);
        this.pending.clear();
        for (const listener of this.listeners.values()) listener("$exit", {});
        resolve();
      };
      child.once("error", (error) => onEnd(`failed to start (${error.message})`));
      child.once("exit", (code, signal) => onEnd(`exited (code ${code}, signal ${signal})`));
    });
  }

  /** Spawns `codex app-server` and completes the `initialize` / `initialized` handshake. */
  static async start(options: RawAppServerOptions): Promise<RawAppServer> {
    const args = ["app-server", ...options.config.flatMap((kv) => ["-c", kv])];
    const server = new RawAppServer(spawn(options.binary, args, { env: options.env, stdio: ["pipe", "pipe", "pipe"] }));
    try {
      await server.request("initialize", {
        clientInfo: { name: "bench", title: "bench", version: "0" },
        capabilities: { experimentalApi: true },
      });
      server.send({ method: "initialized" });
    } catch (error) {
      await server.close();
      throw error;
    }
    return server;
  }

  /** The app-server's pid. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** `thread/start` in `cwd` (approval `never`, read-only sandbox); resolves with the thread id. */
  async startThread(cwd: string): Promise<string> {
    const result = (await this.request("thread/start", { cwd, approvalPolicy: "never", sandbox: "read-only" })) as { thread: { id: string } };
    return result.thread.id;
  }

  /**
   * Runs one turn: `turn/start` with `text`, then waits for this thread's `turn/completed`.
   * Rejects when the turn does not complete (failed, interrupted, process gone, or `timeoutMs`).
   */
  runTurn(threadId: string, text: string, timeoutMs: number): Promise<RawTurnTiming> {
    if (this.dead) return Promise.reject(this.dead);
    if (this.listeners.has(threadId)) return Promise.reject(new Error(`a turn is already running on ${threadId}`));
    return new Promise<RawTurnTiming>((resolve, reject) => {
      let first: { ms: number; method: string } | undefined;
      let turnStartedMs = Number.NaN;
      const sentAt = performance.now();
      const finish = (error?: Error): void => {
        clearTimeout(timer);
        this.listeners.delete(threadId);
        if (error) reject(error);
        else resolve({ firstEventMs: first?.ms ?? Number.NaN, firstEventType: first?.method ?? "none", turnStartedMs });
      };
      const timer = setTimeout(() => finish(new Error(`turn did not complete within ${timeoutMs} ms`)), timeoutMs);
      // Listening before the request is written: notifications may overtake the response.
      this.listeners.set(threadId, (method, params) => {
        if (method === "$exit") return finish(this.dead);
        first ??= { ms: performance.now() - sentAt, method };
        if (method === "turn/started") turnStartedMs = performance.now() - sentAt;
        if (method !== "turn/completed") return;
        const turn = params.turn as { status?: string; error?: { message?: string } | null } | undefined;
        if (turn?.status === "completed") finish();
        else finish(new Error(`turn ended with status ${turn?.status}: ${turn?.error?.message ?? "no error message"}`));
      });
      this.request("turn/start", { threadId, input: [{ type: "text", text, text_elements: [] }] }).catch((error: Error) => finish(error));
    });
  }

  /** Closes stdin (app-server exits on EOF), then SIGKILLs it if it lingers. */
  async close(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null && this.child.pid !== undefined) {
      this.child.stdin.end();
      const timer = setTimeout(() => this.child.kill("SIGKILL"), EXIT_GRACE_MS);
      await this.exited;
      clearTimeout(timer);
    }
  }

  private request(method: string, params: unknown): Promise<unknown> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.send({ id, method, params });
    });
  }

  private send(message: Record<string, unknown>): void {
    this.child.stdin.write(`${JSON.stringify(message)}\n`);
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let newline: number;
    while ((newline = this.buffer.indexOf("\n")) >= 0) {
      const line = this.buffer.slice(0, newline);
      this.buffer = this.buffer.slice(newline + 1);
      if (line.trim()) this.onMessage(line);
    }
  }

  private onMessage(line: string): void {
    let message: { id?: number; method?: string; params?: Record<string, unknown>; result?: unknown; error?: { message?: string } };
    try {
      message = JSON.parse(line) as typeof message;
    } catch {
      return; // Not JSON: ignored, as a minimal client would.
    }
    if (message.method !== undefined && message.id !== undefined) {
      // A server request (approvals, tool calls): none is expected in this benchmark.
      this.send({ id: message.id, error: { code: -32601, message: `bench does not handle ${message.method}` } });
    } else if (message.method !== undefined) {
      const threadId = message.params?.threadId;
      if (typeof threadId === "string") this.listeners.get(threadId)?.(message.method, message.params ?? {});
    } else if (message.id !== undefined) {
      const pending = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error) pending?.reject(new Error(`app-server error: ${message.error.message ?? JSON.stringify(message.error)}`));
      else pending?.resolve(message.result);
    }
  }
}
