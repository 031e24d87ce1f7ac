/** The entry point: a client that owns a transport and the services threads share. */
import { checkRemoteThreadPaths, checkThreadOptions, isHostAbsolute } from "./config/index.js";
import { InvalidOptionsError, Redactor, UnsupportedFeatureError } from "./errors/index.js";
import { MAX_TIMER_MS } from "./timers.js";
import { createToolSet, ToolRegistry } from "./tools/index.js";
import { redactingLogger, silentLogger } from "./logger.js";
import type { CodexOptions, ThreadOptions, TransportKind } from "./options/index.js";
import { Thread, type ThreadHost } from "./thread.js";
import { McpClients, type McpServerStatus } from "./mcp/index.js";
import type { ListThreadsOptions, ThreadSummary } from "./thread-summary.js";
import { AppServerTransport, ExecTransport, MAX_LOADED_THREADS, type ClientContext, type Transport } from "./transport/index.js";
import { checkRetry, type TurnServices } from "./turn/index.js";
import { Recorder, type Diagnostics } from "./diagnostics/index.js";
import { Telemetry } from "./telemetry/index.js";
import { collectDiagnostics, modelProviderOf } from "./client-diagnostics.js";
import { CodexFiles, FileStore, type FileOwner, type StagedFile, type ThreadAttachment } from "./files/index.js";

const TRANSPORTS: readonly TransportKind[] = ["exec", "app-server"];

/**
 * Drives the codex agent. Start or resume threads; `close()` stops every process it owns.
 */
export class Codex {
  /** The client's tools, offered to every thread: `register`, `deregister`, `list`, `get`. */
  readonly tools: ToolRegistry;
  /**
   * MCP servers this client connects to itself: `connect`, `get`, `list`; their `tools()` serve any
   * thread. Each connection reports its own state (`McpConnectionState`). The servers codex runs
   * (your codex config, a thread's `mcpServers`) are not here: ask codex with `mcpStatus()`.
   */
  readonly mcp: McpClients;
  /** Staged files for attachments and tool results: `stage`, `list`, `get`, `remove`, `cleanup`, `owners`. */
  readonly files: CodexFiles;
  private readonly store: FileStore;
  /** Attachment records being written, so readers see them. */
  private readonly pendingRecords = new Set<Promise<void>>();
  /** True while `close()` runs. */
  private closing = false;
  private readonly ctx: ClientContext;
  private readonly telemetry: Telemetry;
  private _transport: Transport | null = null;
  private readonly host: ThreadHost;

  constructor(options: CodexOptions = {}) {
    validateOptions(options);
    const redactor = new Redactor()
      .add(options.apiKey, options.appServer?.token, ...(options.secrets ?? []))
      .addEnv(options.env)
      .addEnv(process.env);
    const logger = redactingLogger(options.logger ?? silentLogger, (value) => redactor.redactValue(value));
    const recorder = new Recorder(logger, (text) => redactor.redact(text));
    this.telemetry = new Telemetry({ tracer: options.tracer, meter: options.meter, captureContent: options.captureContent }, redactor);
    this.ctx = { options: { ...options }, redactor, logger, recorder };
    this.tools = new ToolRegistry(options.tools ?? []);
    this.mcp = new McpClients({ redactor, logger, recorder, telemetry: this.telemetry });
    this.store = new FileStore(options.files ?? {}, { logger });
    this.files = new CodexFiles(this.store, { owners: (id) => this.attachmentOwners(id) }, this.telemetry);
    const provider = modelProviderOf(options);
    const services: TurnServices = {
      tools: this.tools,
      logger,
      redactor,
      onApproval: options.onApproval,
      approvalTimeoutMs: options.approvalTimeoutMs,
      retry: options.retry,
      onRetry: options.onRetry,
      onElicitation: options.onElicitation,
      onEvent: options.onEvent,
      toolHooks: options.beforeToolCall || options.afterToolCall ? { beforeToolCall: options.beforeToolCall, afterToolCall: options.afterToolCall } : undefined,
      telemetry: this.telemetry,
      recorder,
      provider: provider.name,
      model: typeof options.config?.model === "string" ? options.config.model : undefined,
      files: this.store,
      recordAttachments: (threadId, files, transport) => this.recordAttachments(threadId, files, transport),
    };
    this.host = {
      transport: () => this.transport(),
      services: () => services,
      thread: (threadOptions, id) => this.newThread(threadOptions, id),
      attachments: (threadId) => this.threadAttachments(threadId),
    };
  }

  /** Which transport runs this client's turns. */
  get transportKind(): TransportKind {
    return this.ctx.options.transport ?? "app-server";
  }

  /** Starts a new conversation with the agent. */
  startThread(options: ThreadOptions = {}): Thread {
    this.checkThreadOptions(options);
    return this.newThread({ ...options });
  }

  /** Continues a conversation by id (threads are persisted under CODEX_HOME/sessions). */
  resumeThread(id: string, options: ThreadOptions = {}): Thread {
    if (typeof id !== "string" || id.length === 0) throw new InvalidOptionsError("resumeThread needs a thread id");
    this.checkThreadOptions(options);
    return this.newThread({ ...options }, id);
  }

  /** A thread whose MCP servers' secrets are hidden like the client's own, for as long as the thread lives. */
  private newThread(options: ThreadOptions, id?: string): Thread {
    const thread = new Thread(this.host, options, id);
    for (const server of Object.values(options.mcpServers ?? {})) this.ctx.redactor.holdEnv(thread, "command" in server ? server.env : server.headers);
    return thread;
  }

  /**
   * Every stored thread, newest first, fetched page by page as you iterate (app-server
   * `thread/list`; on exec a short-lived app-server does the listing).
   */
  async *listThreads(options: ListThreadsOptions = {}): AsyncGenerator<ThreadSummary> {
    let cursor = options.cursor;
    for (;;) {
      const page = await this.transport().store.listThreads({ ...options, cursor });
      yield* page.threads;
      if (!page.nextCursor || page.threads.length === 0) return;
      cursor = page.nextCursor;
    }
  }

  /** Archives a stored thread: it leaves `listThreads()` and shows up with `{ archived: true }`. */
  async archiveThread(id: string): Promise<void> {
    if (typeof id !== "string" || id.length === 0) throw new InvalidOptionsError("archiveThread needs a thread id");
    await this.transport().store.archiveThread(id);
  }

  /**
   * The MCP servers codex knows, with their state and tools (app-server `mcpServerStatus/list`):
   * those of your codex config, and with `threadId` those a thread runs (`mcpServers`). On exec a
   * short-lived app-server answers, so thread servers are not seen there. The servers codexkit
   * connects to itself (`codex.mcp`) are not listed: each of those reports its own `status`.
   */
  async mcpStatus(options: { threadId?: string } = {}): Promise<McpServerStatus[]> {
    return this.transport().store.mcpStatus(options.threadId);
  }

  /**
   * What a bug report needs, and nothing secret: versions, the binary and how it was found, the
   * processes (pids, uptime, restarts), the last lines of codex's stderr, recent errors with their
   * codes, running turns, MCP connections. Runs `codex --version` (once per binary).
   */
  async diagnostics(): Promise<Diagnostics> {
    return collectDiagnostics({
      options: this.ctx.options,
      transport: this.transportKind,
      recorder: this.ctx.recorder,
      redactor: this.ctx.redactor,
      mcp: this.mcp.list(),
      telemetry: this.telemetry,
      staging: this.store.opened ? await this.store.usage().catch(() => null) : null,
    });
  }

  /**
   * Stops every codex process and MCP server this client started. The client can be used again
   * afterwards. On exec, attachment records of earlier turns that still wait for codex's thread
   * store are written first (by a short-lived app-server).
   */
  async close(): Promise<void> {
    const transport = this._transport;
    this._transport = null;
    // Turns this close ends must not start a new app-server to record their attachments.
    this.closing = true;
    try {
      await Promise.allSettled([...this.pendingRecords]);
      await Promise.all([transport?.close(), this.mcp.closeAll(), this.store.close()]);
    } finally {
      this.closing = false;
    }
  }

  /** `await using codex = new Codex()` closes it at the end of the scope. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private transport(): Transport {
    this._transport ??= this.transportKind === "exec" ? new ExecTransport(this.ctx) : new AppServerTransport(this.ctx);
    return this._transport;
  }

  /** Checks thread options once, at `startThread`: a bad value never reaches codex. */
  private checkThreadOptions(options: ThreadOptions): void {
    checkThreadOptions(options);
    // The agent's host has its own file system: a path from this machine means nothing there.
    checkRemoteThreadPaths(options, this.ctx.options);
    const handler = options.onApproval ?? this.ctx.options.onApproval;
    const policy = options.approvalPolicy ?? "never";
    // exec cannot ask anyone: an MCP server that should ask before each call would never run.
    const asking = Object.entries(options.mcpServers ?? {}).find(([, server]) => server.toolApproval === "ask");
    if (this.transportKind === "exec" && asking) {
      throw new UnsupportedFeatureError(
        `mcpServers.${asking[0]}: toolApproval "ask" needs the app-server transport (codex exec cannot ask); use "approve"`,
        "mcp_tool_approval",
      );
    }
    // exec cannot answer approvals: a handler there would be silently bypassed, so refuse it.
    if (this.transportKind === "exec" && handler && policy !== "never") {
      throw new UnsupportedFeatureError(
        `onApproval needs the app-server transport: codex exec cannot ask for approvals (approvalPolicy "${policy}"); use transport "app-server", or approvalPolicy "never" with a sandbox`,
        "approvals",
      );
    }
    if (options.onApproval !== undefined && typeof options.onApproval !== "function") throw new InvalidOptionsError("onApproval must be a function");
    if (options.tools !== undefined) {
      if (!Array.isArray(options.tools)) throw new InvalidOptionsError("thread tools must be an array of tool() definitions");
      // Building the set now reports a bad or duplicate tool at startThread, not at the first turn.
      // Client tools were checked at registration and cannot clash (a thread tool wins).
      createToolSet({ thread: options.tools }, { logger: this.ctx.logger, redactor: this.ctx.redactor });
    }
  }

  /**
   * Writes attachment records in the background, to the store of the transport that ran the turn
   * (on exec they wait there, in memory, until its store is opened or the client closes).
   */
  private recordAttachments(threadId: string, files: readonly StagedFile[], transport: Transport): void {
    // A turn that unwinds after close() ran on a closed transport: recording would start a new app-server.
    if (this.closing || transport !== this._transport) {
      this.ctx.logger.debug({ threadId, files: files.length }, "the client was closed since the turn started: the thread's attachments are not recorded");
      return;
    }
    const pending = transport.store
      .recordAttachments(threadId, files)
      .catch((error: unknown) => this.ctx.logger.warn({ threadId, error: this.ctx.redactor.redact(String(error)) }, "recording the thread's attachments in codex failed"));
    this.pendingRecords.add(pending);
    void pending.finally(() => this.pendingRecords.delete(pending));
  }

  /** The files codex recorded for a thread, once the records still being written are in. */
  private async threadAttachments(threadId: string): Promise<ThreadAttachment[]> {
    await Promise.allSettled([...this.pendingRecords]);
    return this.transport().store.listAttachments(threadId);
  }

  /** The threads codex recorded as given a file, once the records still being written are in. */
  private async attachmentOwners(fileId: string): Promise<FileOwner[]> {
    await Promise.allSettled([...this.pendingRecords]);
    return this.transport().store.attachmentOwners(fileId);
  }
}

function validateOptions(options: CodexOptions): void {
  if (options === null || typeof options !== "object") throw new InvalidOptionsError("Codex options must be an object");
  if (options.transport !== undefined && !TRANSPORTS.includes(options.transport)) {
    throw new InvalidOptionsError(`unknown transport ${JSON.stringify(options.transport)}; use "exec" or "app-server"`);
  }
  if (options.env !== undefined) {
    for (const [key, value] of Object.entries(options.env)) {
      if (typeof value !== "string") throw new InvalidOptionsError(`env.${key} must be a string`);
    }
  }
  for (const key of ["killGraceMs", "interruptTimeoutMs", "approvalTimeoutMs"] as const) {
    const value = options[key];
    // Node fires timers above 2^31-1 ms at once, which would kill codex instead of waiting.
    if (value !== undefined && !(Number.isFinite(value) && value >= 0 && value <= MAX_TIMER_MS)) {
      throw new InvalidOptionsError(`${key} must be a number of milliseconds from 0 to ${MAX_TIMER_MS}`);
    }
  }
  for (const key of ["turnBufferBytes", "maxLineBytes"] as const) {
    const value = options[key];
    if (value !== undefined && !(Number.isSafeInteger(value) && value >= 1024)) {
      throw new InvalidOptionsError(`${key} must be a whole number of bytes, at least 1024`);
    }
  }
  if (options.tools !== undefined && !Array.isArray(options.tools)) throw new InvalidOptionsError("tools must be an array of tool() definitions");
  for (const key of ["onApproval", "onRetry", "onElicitation", "onEvent", "beforeToolCall", "afterToolCall"] as const) {
    if (options[key] !== undefined && typeof options[key] !== "function") throw new InvalidOptionsError(`${key} must be a function`);
  }
  if (options.tracer !== undefined && typeof (options.tracer as { startSpan?: unknown } | null)?.startSpan !== "function") {
    throw new InvalidOptionsError("tracer must be an OpenTelemetry Tracer (with startSpan)");
  }
  if (options.meter !== undefined && typeof (options.meter as { createHistogram?: unknown } | null)?.createHistogram !== "function") {
    throw new InvalidOptionsError("meter must be an OpenTelemetry Meter (with createHistogram)");
  }
  if (options.captureContent !== undefined && typeof options.captureContent !== "boolean") throw new InvalidOptionsError("captureContent must be a boolean");
  checkRetry(options.retry, "retry");
  checkAppServer(options);
  checkFiles(options);
}

/** `files`: a directory, positive limits, root directories. */
function checkFiles(options: CodexOptions): void {
  const files = options.files;
  if (files === undefined) return;
  if (files === null || typeof files !== "object") throw new InvalidOptionsError("files must be an object: { dir?, ttlMs?, maxBytes?, roots? }");
  if (files.dir !== undefined && (typeof files.dir !== "string" || files.dir.length === 0)) throw new InvalidOptionsError("files.dir must be a non-empty path");
  for (const key of ["ttlMs", "maxBytes"] as const) {
    const value = files[key];
    if (value !== undefined && !(Number.isSafeInteger(value) && value > 0)) throw new InvalidOptionsError(`files.${key} must be a positive whole number`);
  }
  if (files.roots !== undefined && !(Array.isArray(files.roots) && files.roots.every((root) => typeof root === "string" && root.length > 0))) {
    throw new InvalidOptionsError("files.roots must be an array of directories");
  }
}

/**
 * `appServer`: with `url`, a WebSocket or unix-socket address (the app-server transport only);
 * without it, bounds for the local process.
 */
function checkAppServer(options: CodexOptions): void {
  const settings = options.appServer;
  if (settings === undefined) return;
  if (settings === null || typeof settings !== "object") throw new InvalidOptionsError("appServer must be an object: { url, token?, uploadDir? } or { maxThreads?, maxRssMb? }");
  if (options.transport === "exec") throw new InvalidOptionsError('appServer needs the app-server transport (transport "exec" runs codex here)');
  for (const key of ["maxThreads", "maxRssMb"] as const) {
    const value = settings[key];
    if (value === undefined) continue;
    const most = key === "maxThreads" ? MAX_LOADED_THREADS : Number.MAX_SAFE_INTEGER;
    if (!(Number.isSafeInteger(value) && value >= 1 && value <= most)) throw new InvalidOptionsError(`appServer.${key} must be a whole number from 1 to ${most}`);
    if (settings.url !== undefined) throw new InvalidOptionsError(`appServer.${key} bounds the app-server codexkit spawns; it does not apply with appServer.url`);
  }
  const idle = settings.idleThreadMs;
  if (idle !== undefined && !(Number.isSafeInteger(idle) && idle >= 0 && idle <= MAX_TIMER_MS)) {
    throw new InvalidOptionsError(`appServer.idleThreadMs must be a whole number of milliseconds from 0 to ${MAX_TIMER_MS}`);
  }
  if (settings.url === undefined) {
    const remoteOnly = (["token", "uploadDir", "connectAttempts"] as const).find((key) => settings[key] !== undefined);
    if (remoteOnly) throw new InvalidOptionsError(`appServer.${remoteOnly} needs appServer.url (a running app-server to connect to)`);
    return;
  }
  if (typeof settings.url !== "string" || !/^(wss?:\/\/[^/]+|unix:\/\/\/.+)/.test(settings.url)) {
    throw new InvalidOptionsError(`appServer.url must be ws://host:port, wss://host:port or unix:///path/to/socket (got ${JSON.stringify(settings.url)})`);
  }
  if (settings.token !== undefined && (typeof settings.token !== "string" || settings.token.length === 0)) throw new InvalidOptionsError("appServer.token must be a non-empty string");
  if (settings.uploadDir !== undefined && !isHostAbsolute(settings.uploadDir)) {
    throw new InvalidOptionsError("appServer.uploadDir must be an absolute path on the agent's host");
  }
  if (settings.connectAttempts !== undefined && !(Number.isSafeInteger(settings.connectAttempts) && settings.connectAttempts >= 1)) throw new InvalidOptionsError("appServer.connectAttempts must be a whole number, at least 1");
}
