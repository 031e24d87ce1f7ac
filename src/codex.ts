/** The entry point: a client that owns a transport and the services threads share. */
import { checkRemoteThreadPaths, isHostAbsolute } from "./config/index.js";
import { InvalidOptionsError, Redactor, UnsupportedFeatureError } from "./errors/index.js";
import { createToolSet, ToolRegistry } from "./tools/index.js";
import { redactingLogger, silentLogger } from "./logger.js";
import { checkCodexOptions, checkMcpConnect, checkThreadOptions, type CodexOptions, type ThreadOptions, type TransportKind } from "./options/index.js";
import { Thread, type ThreadHost } from "./thread.js";
import { McpClients, type McpServerStatus } from "./mcp/index.js";
import type { ListThreadsOptions, ThreadSummary } from "./thread-summary.js";
import { AppServerTransport, ExecTransport, type ClientContext, type Transport } from "./transport/index.js";
import type { TurnServices } from "./turn/index.js";
import { Recorder, type Diagnostics } from "./diagnostics/index.js";
import { Telemetry } from "./telemetry/index.js";
import { collectDiagnostics, modelProviderOf } from "./client-diagnostics.js";
import { CodexFiles, FileStore, type FileOwner, type StagedFile, type ThreadAttachment } from "./files/index.js";
import type { EventHookInfo, ThreadEvent } from "./events.js";
import type { ViewOptions } from "./view/options.js";

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
  /** Told every event of every turn (the live viewer), synchronously. */
  private readonly observers = new Set<(event: ThreadEvent, info: EventHookInfo) => void>();
  /** The live viewer, once `view()` started it. */
  private viewer: Promise<{ url: string; close(): Promise<void> }> | null = null;

  constructor(options: CodexOptions = {}) {
    checkCodexOptions(options);
    checkUploadDir(options);
    const redactor = new Redactor()
      .add(options.apiKey, options.appServer?.token, ...(options.secrets ?? []))
      .addEnv(options.env)
      .addEnv(process.env);
    const logger = redactingLogger(options.logger ?? silentLogger, (value) => redactor.redactValue(value));
    const recorder = new Recorder(logger, (text) => redactor.redact(text));
    this.telemetry = new Telemetry({ tracer: options.tracer, meter: options.meter, captureContent: options.captureContent }, redactor);
    this.ctx = { options: { ...options }, redactor, logger, recorder };
    this.tools = new ToolRegistry(options.tools ?? []);
    this.mcp = new McpClients({ redactor, logger, recorder, telemetry: this.telemetry }, checkMcpConnect);
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
      observers: this.observers,
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
   * Starts codex now, ahead of the first turn: on app-server, the local process is spawned and its
   * handshake completed (a remote one is connected to), so the first turn costs what a steady one
   * does. Idempotent, and a turn started meanwhile waits for the same start. On exec, where every
   * turn is a process of its own, there is nothing to start and it resolves at once. Rejects with
   * the error the first turn would have (`CodexNotFoundError`, `CodexSpawnError`,
   * `ConnectionClosedError`, ...).
   */
  async start(): Promise<void> {
    await this.transport().warm?.();
  }

  /**
   * @internal Lets codex drop a thread from memory now, so its next turn reads the thread's
   * rollout from disk (for a worker about to replace that rollout with a newer copy). Resolves once
   * codex has done so, at once when the thread is not loaded (always on exec). Rejects with
   * `ThreadStateError` while a turn of the thread runs, `TimeoutError` when codex keeps it loaded.
   */
  async unloadThread(threadId: string): Promise<void> {
    if (typeof threadId !== "string" || threadId.length === 0) throw new InvalidOptionsError("unloadThread needs a thread id");
    await this.transport().unload?.(threadId);
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
   * Serves a local web page that shows this client's threads as they run (turns, commands, diffs,
   * tool calls, approvals, item durations, tokens per turn, errors), updated live, and resolves
   * with its URL: `http://127.0.0.1:<port>/?token=...`. It listens on 127.0.0.1 only and refuses
   * any request without the URL's random token; what it shows is redacted like the client's logs.
   * It shows the turns that start after the first call (later calls return the same URL), and it
   * keeps the most recent threads in memory until `close()`, which stops it. See docs/viewer.md.
   */
  async view(options: ViewOptions = {}): Promise<string> {
    this.viewer ??= this.startViewer(options);
    try {
      return (await this.viewer).url;
    } catch (error) {
      this.viewer = null;
      throw error;
    }
  }

  private async startViewer(options: ViewOptions): Promise<{ url: string; close(): Promise<void> }> {
    const { LiveSource, ViewServer } = await import("./view/index.js");
    const source = new LiveSource();
    this.observers.add(source.observe);
    try {
      const server = await ViewServer.start({ source, redactor: this.ctx.redactor, port: options.port });
      return {
        url: server.url,
        close: async () => {
          this.observers.delete(source.observe);
          await server.close();
        },
      };
    } catch (error) {
      this.observers.delete(source.observe);
      await source.close();
      throw error;
    }
  }

  /**
   * Stops every codex process and MCP server this client started, and its viewer (`view()`). The
   * client can be used again afterwards. On exec, attachment records of this client's turns that still wait (journaled)
   * for codex's thread store are written first (by a short-lived app-server); a program that never
   * calls `close()` loses none either: the next client that asks the store writes them.
   */
  async close(): Promise<void> {
    const transport = this._transport;
    this._transport = null;
    const viewer = this.viewer;
    this.viewer = null;
    // Turns this close ends must not start a new app-server to record their attachments.
    this.closing = true;
    try {
      await Promise.allSettled([...this.pendingRecords]);
      await Promise.all([transport?.close(), this.mcp.closeAll(), this.store.close(), viewer?.then((v) => v.close(), () => {})]);
    } finally {
      this.closing = false;
    }
  }

  /** `await using codex = new Codex()` closes it at the end of the scope. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private transport(): Transport {
    this._transport ??= this.transportKind === "exec" ? new ExecTransport(this.ctx, this.store.pendingRecords) : new AppServerTransport(this.ctx);
    return this._transport;
  }

  /** Checks thread options once, at `startThread`: a bad value or an unknown key never reaches codex. */
  private checkThreadOptions(options: ThreadOptions): void {
    checkThreadOptions(options);
    // The agent's host has its own file system: a path from this machine means nothing there.
    checkRemoteThreadPaths(options, this.ctx.options);
    const handler = options.onApproval ?? this.ctx.options.onApproval;
    const policy = options.approvalPolicy || "never";
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
    if (options.tools !== undefined) {
      // Building the set now reports a bad or duplicate tool at startThread, not at the first turn.
      // Client tools were checked at registration and cannot clash (a thread tool wins).
      createToolSet({ thread: options.tools }, { logger: this.ctx.logger, redactor: this.ctx.redactor });
    }
  }

  /**
   * Writes attachment records in the background, to the store of the transport that ran the turn
   * (on exec they are journaled in the staging store until codex's thread store is opened).
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

/**
 * `appServer.uploadDir` is a path on the agent's host, by the host's rules (the schema knows only
 * that it is a string); the rest of the client's options were checked by their schema.
 */
function checkUploadDir(options: CodexOptions): void {
  const uploadDir = options.appServer?.uploadDir;
  if (uploadDir !== undefined && !isHostAbsolute(uploadDir)) throw new InvalidOptionsError("codexOptions.appServer.uploadDir must be an absolute path on the agent's host");
}
