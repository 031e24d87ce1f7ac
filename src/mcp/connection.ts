/**
 * One MCP server, connected through `@modelcontextprotocol/sdk` and supervised: a stdio server
 * that crashes fails the calls in flight at once and is restarted with exponential backoff; once
 * it has used its restarts within the window (`RestartWindow`), the next crash leaves it `failed`. Calls made while it restarts wait for it (within their own time
 * limit). Every list is paged to its end; every error is typed (`McpError`, `TimeoutError`,
 * `AbortError`) and redacted.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ErrorCode, McpError as SdkMcpError, ToolListChangedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { abortError } from "../abort.js";
import { AbortError, McpError, TimeoutError, type CodexError, type Redactor } from "../errors/index.js";
import type { Logger } from "../logger.js";
import type { Recorder } from "../diagnostics/index.js";
import { CODEXKIT, GEN_AI, GENERAL, SPAN, SpanKind, SpanStatusCode, type OtelSpan, type Telemetry } from "../telemetry/index.js";
import { logEvent } from "../log-events.js";
import { paged } from "../paged.js";
import { backoffDelay, RefCount } from "../timing/index.js";
import { RestartWindow } from "./restart-window.js";
import { ManagedStdioTransport } from "./stdio.js";
import type {
  McpCallOptions,
  McpConnectOptions,
  McpContent,
  McpPrompt,
  McpPromptResult,
  McpResource,
  McpResourceContents,
  McpServerConfig,
  McpServerInfo,
  McpConnectionState,
  McpTool,
  McpToolResult,
} from "./types.js";
import { CODEXKIT_VERSION } from "../version.js";

/** The defaults of `McpConnectOptions`. */
export const MCP_DEFAULTS = Object.freeze({
  /** Restarts within `windowMs` before a crashing stdio server counts as `failed`. */
  maxRestarts: 5,
  /** The sliding window restarts are counted in, in milliseconds. */
  windowMs: 60_000,
  /** The first wait before a restart, in milliseconds. */
  baseDelayMs: 200,
  /** The longest wait before a restart, in milliseconds. */
  maxDelayMs: 5_000,
  /** How long the server may take to answer `initialize`, in milliseconds. */
  initializeTimeoutMs: 30_000,
  /** The default limit of a call, in milliseconds. */
  requestTimeoutMs: 60_000,
});

// The SDK's codes as plain numbers: `McpError.code` is a `number`, not the `ErrorCode` enum.
const REQUEST_TIMEOUT: number = ErrorCode.RequestTimeout;
const CONNECTION_CLOSED: number = ErrorCode.ConnectionClosed;

/** Called with the connection's new state (the `status` event). */
export type McpStatusListener = (
  status: McpConnectionState,
  detail: {
    /** How many times the server was restarted after a crash, in the connection's whole life. */
    restarts: number;
    /** Why the connection failed, with status `failed`. */
    error?: CodexError;
  },
) => void;
/** Called with the server's tools after they changed. */
export type McpToolsListener = (tools: readonly McpTool[]) => void;

/** What a connection borrows from its client. */
export interface McpServices {
  redactor: Redactor;
  logger: Logger;
  /** Logs the server process's start and end, and keeps it for diagnostics. */
  recorder?: Pick<Recorder, "processStarted" | "error">;
  /** Spans for the calls made through the connection. */
  telemetry?: Telemetry;
}

/** Whether `config` describes a stdio server. */
export function isStdioServer(config: McpServerConfig): config is Extract<McpServerConfig, { command: string }> {
  return "command" in config;
}

/** A connected MCP server. Made by `codex.mcp.connect`; `close()` stops it. */
export class McpConnection {
  private _status: McpConnectionState = "starting";
  private client: Client | null = null;
  private transport: ManagedStdioTransport | StreamableHTTPClientTransport | null = null;
  private generation = 0;
  private _restarts = 0;
  private readonly restartWindow: RestartWindow;
  private restartTimer: NodeJS.Timeout | null = null;
  private lastError: CodexError | undefined;
  private toolCache: McpTool[] = [];
  private readonly statusListeners = new Set<McpStatusListener>();
  private readonly toolListeners = new Set<McpToolsListener>();
  private readonly readyWaiters = new Set<() => void>();
  /** Calls in flight; while there are none a stdio server does not keep Node alive. */
  private readonly holds = new RefCount({ onBusy: () => this.setActive(true), onIdle: () => this.setActive(false) });
  private readonly redactor: Redactor;
  private readonly logger: Logger;
  private readonly settings: Required<Omit<McpConnectOptions, "restart">> & { restart: Required<NonNullable<McpConnectOptions["restart"]>> };

  /** @internal Use `codex.mcp.connect`. */
  constructor(
    /** The server's name in this client. */
    readonly name: string,
    /** Where the server is, as given to `connect`. */
    readonly config: McpServerConfig,
    options: McpConnectOptions,
    private readonly services: McpServices,
  ) {
    this.redactor = services.redactor;
    this.logger = services.logger;
    this.settings = {
      initializeTimeoutMs: options.initializeTimeoutMs ?? MCP_DEFAULTS.initializeTimeoutMs,
      requestTimeoutMs: options.requestTimeoutMs ?? MCP_DEFAULTS.requestTimeoutMs,
      restart: {
        maxRestarts: options.restart?.maxRestarts ?? MCP_DEFAULTS.maxRestarts,
        windowMs: options.restart?.windowMs ?? MCP_DEFAULTS.windowMs,
        baseDelayMs: options.restart?.baseDelayMs ?? MCP_DEFAULTS.baseDelayMs,
        maxDelayMs: options.restart?.maxDelayMs ?? MCP_DEFAULTS.maxDelayMs,
      },
    };
    this.restartWindow = new RestartWindow(this.settings.restart.maxRestarts, this.settings.restart.windowMs);
  }

  /** Where the connection is (its {@link McpConnectionState}). */
  get status(): McpConnectionState {
    return this._status;
  }

  /** How many times the server was restarted after a crash, in the connection's whole life. */
  get restarts(): number {
    return this._restarts;
  }

  /** Who the server said it is at the last handshake. */
  get serverInfo(): McpServerInfo | undefined {
    const info = this.client?.getServerVersion();
    if (!info) return undefined;
    return { name: info.name, version: info.version, ...(typeof info.title === "string" ? { title: info.title } : {}) };
  }

  /** What the server said it can do at the last handshake. */
  get capabilities(): Record<string, unknown> | undefined {
    return this.client?.getServerCapabilities();
  }

  /** The server's instructions for its users, if it gave any. */
  get instructions(): string | undefined {
    return this.client?.getInstructions();
  }

  /** The server's tools as last listed (at connect, and after each `tools/list_changed`). */
  get cachedTools(): readonly McpTool[] {
    return this.toolCache;
  }

  /** The server's recent stderr, redacted (stdio servers). */
  stderrTail(): string {
    return this.transport instanceof ManagedStdioTransport ? this.transport.stderrTail() : "";
  }

  /** Calls `listener` on every status change; returns its unsubscribe. */
  on(event: "status", listener: McpStatusListener): () => void;
  /** Calls `listener` when the server's tool list changed (and was listed again). */
  on(event: "toolsChanged", listener: McpToolsListener): () => void;
  on(event: "status" | "toolsChanged", listener: McpStatusListener | McpToolsListener): () => void {
    const set = (event === "status" ? this.statusListeners : this.toolListeners) as Set<typeof listener>;
    set.add(listener);
    return () => set.delete(listener);
  }

  /** @internal Starts the server and completes the handshake; rejects with `McpError`, leaving nothing running. */
  async open(): Promise<void> {
    const generation = ++this.generation;
    const transport = isStdioServer(this.config)
      ? new ManagedStdioTransport(this.config, this.name, this.redactor, this.services.recorder)
      : new StreamableHTTPClientTransport(new URL(this.config.url), { requestInit: { headers: this.config.headers ?? {} } });
    const client = new Client({ name: "codexkit", version: CODEXKIT_VERSION }, { capabilities: {} });
    this.transport = transport;
    try {
      await client.connect(transport, { timeout: this.settings.initializeTimeoutMs });
    } catch (error) {
      // A server that failed to start or exited says why once its exit is in: wait a moment for it.
      if (transport instanceof ManagedStdioTransport) await transport.settled(1_000);
      const failure = this.startError(error, transport);
      await client.close().catch(() => {});
      await transport.close().catch(() => {});
      throw failure;
    }
    if (generation !== this.generation || this._status === "closed") {
      await client.close().catch(() => {});
      return;
    }
    this.client = client;
    client.onclose = () => this.lost(generation);
    client.onerror = (error) => this.logger.debug({ server: this.name, error: this.redactor.redact(error.message) }, "MCP server connection error");
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => void this.refreshTools());
    this.toolCache = await this.fetchTools(client).catch(() => []);
    if (transport instanceof ManagedStdioTransport) transport.setActive(this.holds.count > 0);
    this.setStatus("ready");
    for (const waiter of [...this.readyWaiters]) waiter();
    this.logger.debug({ server: this.name, pid: transport instanceof ManagedStdioTransport ? transport.pid : undefined, restarts: this._restarts }, "MCP server ready");
  }

  /** Every tool the server offers (all pages). */
  listTools(options: McpCallOptions = {}): Promise<McpTool[]> {
    return this.call("tools/list", options, (client, request) => this.fetchTools(client, request));
  }

  /** Calls a tool. A tool that fails returns `isError: true`; a call that cannot be made rejects. */
  callTool(name: string, args: Record<string, unknown> = {}, options: McpCallOptions = {}): Promise<McpToolResult> {
    const run = (span?: OtelSpan): Promise<McpToolResult> =>
      this.call(`tools/call ${name}`, options, async (client, request) => {
        const result = await client.callTool({ name, arguments: args }, undefined, request);
        const out: McpToolResult = {
          content: (Array.isArray(result.content) ? result.content : []) as McpContent[],
          ...(result.structuredContent !== undefined ? { structuredContent: result.structuredContent } : {}),
          isError: result.isError === true,
        };
        if (span && out.isError) {
          this.services.telemetry?.set(span, { [GENERAL.ERROR_TYPE]: "tool_error" });
          span.setStatus({ code: SpanStatusCode.ERROR, message: "the tool reported an error" });
        }
        return out;
      });
    const telemetry = this.services.telemetry;
    if (!telemetry) return run();
    return telemetry.inSpan(
      SPAN.mcpCall(name),
      {
        kind: SpanKind.CLIENT,
        attributes: {
          [GENERAL.MCP_METHOD_NAME]: "tools/call",
          [GEN_AI.OPERATION_NAME]: "execute_tool",
          [GEN_AI.TOOL_NAME]: name,
          [CODEXKIT.MCP_SERVER]: this.name,
          [GEN_AI.TOOL_CALL_ARGUMENTS]: telemetry.content(args),
        },
      },
      run,
    );
  }

  /** Every resource the server offers (all pages). */
  listResources(options: McpCallOptions = {}): Promise<McpResource[]> {
    return this.call("resources/list", options, (client, request) =>
      paged(async (cursor) => {
        const page = await client.listResources(cursor ? { cursor } : undefined, request);
        return { items: page.resources, nextCursor: page.nextCursor };
      }),
    );
  }

  /** Reads one resource. */
  readResource(uri: string, options: McpCallOptions = {}): Promise<McpResourceContents> {
    return this.call(`resources/read ${uri}`, options, async (client, request) => {
      const result = await client.readResource({ uri }, request);
      return { contents: result.contents };
    });
  }

  /** Every prompt the server offers (all pages). */
  listPrompts(options: McpCallOptions = {}): Promise<McpPrompt[]> {
    return this.call("prompts/list", options, (client, request) =>
      paged(async (cursor) => {
        const page = await client.listPrompts(cursor ? { cursor } : undefined, request);
        return { items: page.prompts, nextCursor: page.nextCursor };
      }),
    );
  }

  /** Gets one prompt, filled in with `args`. */
  getPrompt(name: string, args: Record<string, string> = {}, options: McpCallOptions = {}): Promise<McpPromptResult> {
    return this.call(`prompts/get ${name}`, options, async (client, request) => {
      const result = await client.getPrompt({ name, arguments: args }, request);
      return { ...(result.description !== undefined ? { description: result.description } : {}), messages: result.messages };
    });
  }

  /** Stops the server (and what it started). Calls in flight reject; the connection cannot be used again. */
  async close(): Promise<void> {
    if (this._status === "closed") return;
    this.generation += 1;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    const client = this.client;
    const transport = this.transport;
    this.client = null;
    this.setStatus("closed");
    for (const waiter of [...this.readyWaiters]) waiter();
    await client?.close().catch(() => {});
    await transport?.close().catch(() => {});
    this.logger.debug({ server: this.name }, "MCP server closed");
  }

  /**
   * Runs one request once the server is ready (waiting through a restart, within the call's time
   * limit), with the call's signal and timeout, and turns whatever fails into a typed error.
   */
  private async call<T>(what: string, options: McpCallOptions, run: (client: Client, request: { signal?: AbortSignal; timeout?: number }) => Promise<T>): Promise<T> {
    const timeoutMs = options.timeoutMs ?? this.settings.requestTimeoutMs;
    const deadline = timeoutMs > 0 ? Date.now() + timeoutMs : Number.POSITIVE_INFINITY;
    const release = this.holds.acquire();
    try {
      const client = await this.ready(what, deadline, options.signal);
      const remaining = deadline === Number.POSITIVE_INFINITY ? undefined : Math.max(1, deadline - Date.now());
      return await run(client, { ...(options.signal ? { signal: options.signal } : {}), ...(remaining !== undefined ? { timeout: remaining } : {}) });
    } catch (error) {
      throw this.callError(what, error, options.signal, timeoutMs);
    } finally {
      release();
    }
  }

  /** Whether a stdio server keeps Node alive: while a call is in flight (`holds`). */
  private setActive(active: boolean): void {
    if (this.transport instanceof ManagedStdioTransport) this.transport.setActive(active);
  }

  private async ready(what: string, deadline: number, signal: AbortSignal | undefined): Promise<Client> {
    for (;;) {
      if (signal?.aborted) throw abortError(signal, `MCP ${what}`);
      if (this._status === "ready" && this.client) return this.client;
      if (this._status === "closed") throw new McpError(`MCP server ${this.name} is closed`, this.name);
      if (this._status === "failed") {
        throw new McpError(`MCP server ${this.name} failed and is not restarted any more${this.lastError ? `: ${this.lastError.message}` : ""}`, this.name, {}, this.lastError ? { cause: this.lastError } : undefined);
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new TimeoutError(`MCP server ${this.name} was not ready for ${what} in time (it is ${this._status})`, 0);
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          signal?.removeEventListener("abort", done);
          this.readyWaiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, Math.min(left, 2 ** 31 - 1));
        signal?.addEventListener("abort", done, { once: true });
        this.readyWaiters.add(done);
      });
    }
  }

  /** The connection ended without `close()`: a crash. Fail the calls in flight, then restart or give up. */
  private lost(generation: number): void {
    if (generation !== this.generation || this._status === "closed") return;
    const why = this.transport instanceof ManagedStdioTransport ? this.transport.exitDescription() : `the connection to ${this.name} closed`;
    this.client = null;
    this.lastError = new McpError(this.redactor.redact(why), this.name, {}, { retryable: true });
    this.logger.warn({ server: this.name, restarts: this._restarts, error: this.lastError.message }, "MCP server stopped");
    this.scheduleRestart();
  }

  private scheduleRestart(): void {
    const recent = isStdioServer(this.config) ? this.restartWindow.take() : undefined;
    if (recent === undefined) {
      this.setStatus("failed");
      for (const waiter of [...this.readyWaiters]) waiter();
      return;
    }
    this._restarts += 1;
    this.setStatus("restarting");
    // The backoff grows with the restarts in the window, so a rare crash is met with a quick restart.
    const delay = backoffDelay(this.settings.restart, recent);
    const generation = this.generation;
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (generation !== this.generation) return;
      this.open().catch((error: unknown) => {
        if (this._status === "closed") return;
        this.lastError = error as CodexError;
        this.logger.warn({ server: this.name, restarts: this._restarts, error: String(error) }, "restarting the MCP server failed");
        this.scheduleRestart();
      });
    }, delay);
    // A restart pending must not keep the program alive on its own.
    this.restartTimer.unref();
  }

  private setStatus(status: McpConnectionState): void {
    if (this._status === status) return;
    this._status = status;
    const pid = this.transport instanceof ManagedStdioTransport ? (this.transport.pid ?? null) : null;
    logEvent(this.logger, "mcp.state", { server: this.name, state: status, restarts: this._restarts, pid, code: status === "failed" ? (this.lastError?.code ?? null) : null });
    if (status === "failed" && this.lastError) this.services.recorder?.error(this.lastError);
    const detail = { restarts: this._restarts, ...(status === "failed" && this.lastError ? { error: this.lastError } : {}) };
    for (const listener of [...this.statusListeners]) this.notify("status", () => listener(status, detail));
  }

  /**
   * Calls one user listener so that nothing it does (a throw, or a rejected promise from an async
   * listener) escapes: it is logged as `hook.error`, and the connection carries on.
   */
  private notify(event: "status" | "toolsChanged", call: () => unknown): void {
    const report = (error: unknown): void =>
      logEvent(this.logger, "hook.error", { hook: `mcp.${event}`, server: this.name, threadId: null, error: this.redactor.redact(String(error)) });
    try {
      const result = call();
      if (result instanceof Promise) result.catch(report);
    } catch (error) {
      report(error);
    }
  }

  private async refreshTools(): Promise<void> {
    const client = this.client;
    if (!client) return;
    try {
      this.toolCache = await this.fetchTools(client);
    } catch (error) {
      this.logger.debug({ server: this.name, error: String(error) }, "listing the MCP server's changed tools failed");
      return;
    }
    for (const listener of [...this.toolListeners]) this.notify("toolsChanged", () => listener(this.toolCache));
  }

  private fetchTools(client: Client, request?: { signal?: AbortSignal; timeout?: number }): Promise<McpTool[]> {
    return paged(async (cursor) => {
      const page = await client.listTools(cursor ? { cursor } : undefined, request);
      const tools = page.tools.map(
        (tool): McpTool => ({
          name: tool.name,
          description: tool.description ?? "",
          inputSchema: tool.inputSchema,
          ...(tool.annotations ? { annotations: tool.annotations } : {}),
        }),
      );
      return { items: tools, nextCursor: page.nextCursor };
    });
  }

  /** Why the server could not be started: its exit and stderr, the missing binary, or the handshake's timeout. */
  private startError(error: unknown, transport: ManagedStdioTransport | StreamableHTTPClientTransport): CodexError {
    if (error instanceof McpError) return error;
    const detail = transport instanceof ManagedStdioTransport ? transport.exitDescription() : "";
    const base = error instanceof Error ? error.message : String(error);
    const timedOut = error instanceof SdkMcpError && error.code === REQUEST_TIMEOUT;
    const exited = detail !== "" && !detail.includes("still running");
    const message =
      timedOut && !exited
        ? `MCP server ${this.name} did not answer initialize within ${this.settings.initializeTimeoutMs} ms`
        : `MCP server ${this.name} could not be started: ${exited ? detail : base}`;
    return new McpError(this.redactor.redact(message), this.name, { mcpCode: error instanceof SdkMcpError ? error.code : null });
  }

  private callError(what: string, error: unknown, signal: AbortSignal | undefined, timeoutMs: number): CodexError {
    if (error instanceof AbortError || error instanceof McpError || error instanceof TimeoutError) return error;
    if (signal?.aborted) return abortError(signal, `MCP ${what}`);
    if (error instanceof SdkMcpError) {
      if (error.code === REQUEST_TIMEOUT) return new TimeoutError(`MCP ${what} on ${this.name} did not answer within ${timeoutMs} ms`, timeoutMs);
      const closed = error.code === CONNECTION_CLOSED;
      const message = closed ? `MCP server ${this.name} stopped during ${what}${this.lastError ? `: ${this.lastError.message}` : ""}` : `MCP ${what} on ${this.name} failed: ${error.message}`;
      return new McpError(this.redactor.redact(message), this.name, { mcpCode: error.code }, { retryable: closed });
    }
    const message = error instanceof Error ? error.message : String(error);
    return new McpError(this.redactor.redact(`MCP ${what} on ${this.name} failed: ${message}`), this.name);
  }
}

