/**
 * The app-server transport: one warm `codex app-server` per client serves every thread. Turns
 * are JSON-RPC calls; their notifications are mapped into the same events exec yields, plus
 * `item.delta`; codex's requests go up to the turn layer through the turn's `TurnHost`. A dead
 * process fails the turns it was running and is replaced on next use.
 */
import { AbortError, CodexExitError, ConnectionClosedError, ThreadStateError } from "../../errors/index.js";
import type { NormalizedInput } from "../../input.js";
import type { RemoteAppServerOptions, ThreadOptions } from "../../options/index.js";
import type { Logger } from "../../logger.js";
import { threadCwd } from "../../config/index.js";
import { abortError, interruptedError } from "../../abort.js";
import { within } from "../../timing/index.js";
import { resolveCodexBinary, type ResolvedBinary } from "../binary.js";
import { requireGitRepository, requireHostGitRepository } from "../../workspace/index.js";
import type { ClientContext, Transport, TransportEvent, TurnHost, TurnRequest } from "../types.js";
import { ActiveTurn } from "./active-turn.js";
import { TurnEventMapper } from "./events.js";
import { threadForkParams, threadResumeParams, threadStartParams, toUserInput, turnStartParams, type OutgoingParams } from "./params.js";
import { ELICITATION_METHOD, isMcpToolApproval } from "./approval-methods.js";
import { answerApproval, answerElicitation, answerToolCall, rememberFileChanges } from "./server-requests.js";
import { AppServer, type ConnectServer } from "./server.js";
import { DEFAULT_MAX_THREADS, ServerPool } from "./pool.js";
import { DEFAULT_IDLE_THREAD_MS, IdleThreads } from "./idle-threads.js";
import { spawnAppServer } from "./spawn.js";
import { DEFAULT_UNLOAD_TIMEOUT_MS, unloadThread } from "./unload.js";
import { persistsTrust, trustGuardProjects } from "./trust.js";
import { TurnBuffer } from "./turn-buffer.js";
import { ConfigReadResult, ThreadResult, TurnResult } from "./wire.js";
import type { RequestOptions } from "../../jsonrpc/index.js";
import { placeOnHost, uploadRoot, type StagedFile } from "../../files/index.js";
import { hostFiles } from "./host-ports.js";
import { AppServerThreadStore } from "./thread-store.js";
import { checkHostWorkingDirectory } from "./working-directory.js";
import { LruMap } from "../../lru.js";

/** How long `interrupt` waits for codex to confirm before escalating. */
export const DEFAULT_INTERRUPT_TIMEOUT_MS = 10_000;
/** Cleaning an interrupted turn's background terminals is best effort; it must not hold interrupt up. */
const CLEAN_TIMEOUT_MS = 2_000;
/** After killing a stuck turn's commands, how long codex gets to end the turn before the process goes (at most `interruptTimeoutMs`). */
const STUCK_TURN_GRACE_MS = 2_000;
/** Working directories remembered as checked on a remote host, per connection. */
const HOST_CHECKS_LIMIT = 1_000;
/** Threads whose tool names are remembered (for the "tools changed" warning); the oldest are forgotten. */
const OFFERED_TOOLS_LIMIT = 1_000;

/** What a turn's buffer holds: its events, mapped as they arrived, then the end of the turn. */
type Incoming = { event: TransportEvent } | { end: true };
/** What an event codexkit emits itself (an approval) counts for in a turn's buffer. */
const EMITTED_EVENT_SIZE = 1024;

/** Internal options of the transport. */
export interface AppServerTransportOptions {
  /** Opens the connection to a fresh app-server (default: spawn the pinned binary; tests pass an in-memory pair). */
  connect?: ConnectServer;
  /** How long `unload` waits for codex's `thread/closed` (default 5 s). */
  unloadTimeoutMs?: number;
}

/** Runs turns on one long-lived app-server. */
export class AppServerTransport implements Transport {
  readonly kind = "app-server" as const;
  /** True when codex runs elsewhere (`appServer.url`): paths are the agent host's, files are uploaded. */
  readonly remote: boolean;
  private readonly servers: ServerPool;
  /** Threads whose turns have ended, unsubscribed once idle so codex unloads them. */
  private readonly idleThreads: IdleThreads;
  private closed = false;
  private binary: ResolvedBinary | undefined;
  private readonly connect: ConnectServer;
  private readonly unloadTimeoutMs: number;
  private readonly active = new Map<string, ActiveTurn>();
  /** Working directories checked on a remote host, per connection. */
  private readonly hostChecked = new WeakMap<AppServer, LruMap<string, true>>();
  /** The tool names each thread started here was given (codex fixes them at thread/start). */
  private readonly offeredTools = new Map<string, string>();
  /** codex's stored threads, MCP status and attachment records, through this transport's processes. */
  readonly store: AppServerThreadStore;

  constructor(
    private readonly ctx: ClientContext,
    options: AppServerTransportOptions = {},
  ) {
    const settings = ctx.options.appServer;
    const remote = settings?.url !== undefined ? { ...settings, url: settings.url } : undefined;
    this.remote = remote !== undefined && options.connect === undefined;
    this.connect =
      options.connect ??
      (remote ? connectRemote(remote, ctx.logger) : spawnAppServer(ctx, () => (this.binary ??= resolveCodexBinary(ctx.options.codexPathOverride))));
    // A running app-server elsewhere is not ours to replace; one codexkit spawns is, past its bounds.
    const bounds = this.remote ? null : { maxThreads: settings?.maxThreads ?? DEFAULT_MAX_THREADS, maxRssMb: settings?.maxRssMb };
    this.unloadTimeoutMs = options.unloadTimeoutMs ?? DEFAULT_UNLOAD_TIMEOUT_MS;
    this.servers = new ServerPool(() => this.start(), bounds, ctx.logger);
    this.idleThreads = new IdleThreads(settings?.idleThreadMs ?? DEFAULT_IDLE_THREAD_MS, ctx.logger, (threadId) => this.active.has(threadId));
    this.store = new AppServerThreadStore({
      server: () => this.ensure(),
      archived: (threadId, server) => {
        server.loaded.delete(threadId);
        this.offeredTools.delete(threadId);
      },
      logger: ctx.logger,
    });
  }

  async *runTurn(turnRequest: TurnRequest, host: TurnHost): AsyncGenerator<TransportEvent, void, undefined> {
    let request = turnRequest;
    const { signal } = request;
    if (signal?.aborted) throw abortError(signal);
    const cwd = threadCwd(request.thread, this.ctx.options);
    const turn = new ActiveTurn(request.threadId, host, cwd);
    turn.trace = request.trace;
    // A known thread is reserved before anything async, so a second turn on it is refused at once.
    if (request.threadId !== null) {
      this.reserve(request.threadId, turn);
      this.idleThreads.started(request.threadId);
    }
    const buffer = new TurnBuffer<Incoming>({
      limitBytes: this.ctx.options.turnBufferBytes,
      onSpill: (bytesInMemory) =>
        this.ctx.logger.debug({ threadId: turn.threadId, bytesInMemory }, "the turn's unread events exceed its buffer; spilling to a temp file"),
    });
    turn.emit = (event) => buffer.push({ event }, EMITTED_EVENT_SIZE);
    turn.dispose = () => buffer.dispose();
    const onAbort = (): void => {
      buffer.abort();
      void this.stopTurn(turn);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    let mapper: TurnEventMapper | null = null;
    let unsubscribe = (): void => {};
    let release = (): void => {};
    try {
      // codex exec's own check, made before anything starts: no git repository, no turn.
      if (!request.thread.skipGitRepoCheck && !this.remote) requireGitRepository(cwd);
      let server = await this.ensure();
      if (this.remote) await this.checkOnHost(server, cwd, request.thread.skipGitRepoCheck === true);
      // While the turn runs, codex keeps Node alive; between turns it does not.
      release = server.hold();
      turn.server = server;
      this.throwIfStopped(turn, signal);
      /**
       * A request of the turn that never reached codex failed: the process had died a moment
       * before (Node sees an exit a little later than a write fails). Once the death is seen, the
       * turn moves to a fresh process; null when it is not, or something did reach codex.
       */
      const moved = async (error: unknown, delivery: { written: boolean }): Promise<AppServer | null> => {
        // Only a dead process's error (a failed write, a closed connection) is worth waiting to see.
        if (!(error instanceof CodexExitError || error instanceof ConnectionClosedError)) return null;
        if (delivery.written || this.closed || turn.interruptRequested || !(await seenDead(server))) return null;
        this.ctx.logger.info({ threadId: turn.threadId, error: String(error) }, "codex app-server had died before the turn reached it; starting the turn on a fresh process");
        unsubscribe();
        release();
        const fresh = await this.ensure();
        release = fresh.hold();
        turn.server = fresh;
        return fresh;
      };
      const opening = { written: false };
      let threadId: string;
      try {
        threadId = await this.openThread(server, request, cwd, opening);
      } catch (error) {
        const fresh = await moved(error, opening);
        if (!fresh) throw error;
        server = fresh;
        this.throwIfStopped(turn, signal);
        threadId = await this.openThread(server, request, cwd);
      }
      if (request.threadId === null) this.reserve(threadId, turn);
      turn.threadId = threadId;
      this.throwIfStopped(turn, signal);
      // On another machine, codex reads the turn's attachments from its own copies.
      if (this.remote) request = { ...request, input: await this.onHost(server, threadId, request.input, host) };
      this.throwIfStopped(turn, signal);
      const startedEvent: TransportEvent = { type: "thread.started", thread_id: threadId };
      host.observe(startedEvent);
      yield startedEvent;
      this.throwIfStopped(turn, signal);

      const events = new TurnEventMapper({ threadId });
      mapper = events;
      /** Set once `turn/start` reached codex: before that, a dead process is replaced, not the turn failed. */
      const starting = { written: false };
      const listen = (on: AppServer): (() => void) =>
        on.subscribe(threadId, {
          notify: (method, params, size) => {
            if (method === "item/started") rememberFileChanges(turn, params);
            if (events.done) return;
            // Mapped on arrival, so the turn layer sees each event when codex said it, whatever the consumer does.
            let share = size;
            for (const event of events.map(method, params)) {
              host.observe(event);
              buffer.push({ event }, share);
              share = 0;
            }
            if (events.done) buffer.push({ end: true }, 0);
            if (method === "turn/completed") {
              turn.markEnded();
              this.ctx.logger.debug({ threadId, bytesInMemory: buffer.bytesInMemory, spilledEvents: buffer.spilledCount }, "codex finished the turn");
            }
          },
          closed: (error) => {
            if (!starting.written) return;
            turn.markFailed(error);
            buffer.fail(error);
          },
        });
      unsubscribe = listen(server);
      turn.startSent = true;
      try {
        const start = async (on: AppServer) => {
          const steers = this.remote ? await Promise.all(turn.steers.map((steer) => this.onHost(on, threadId, steer, host))) : turn.steers;
          return on.call("turn/start", turnStartParams(threadId, request, steers), TurnResult, { ...traced(request), onWritten: () => (starting.written = true) });
        };
        let started: { turn: { id: string } };
        try {
          started = await start(server);
        } catch (error) {
          // An ephemeral thread has no rollout a fresh process could resume it from.
          const fresh = request.thread.ephemeral ? null : await moved(error, starting);
          if (!fresh) throw error;
          server = fresh;
          this.throwIfStopped(turn, signal);
          await this.openThread(server, { ...request, threadId }, cwd);
          unsubscribe = listen(server);
          started = await start(server);
        }
        turn.markStarted(started.turn.id);
      } catch (error) {
        turn.markFailed(error as Error);
        throw error;
      }
      let reachedEnd = false;
      try {
        for await (const incoming of buffer) {
          if ("end" in incoming) {
            reachedEnd = true;
            break;
          }
          yield incoming.event;
          // The turn's end is its last event: a late interrupt or abort cannot take it back.
          if (incoming.event.type === "turn.completed" || incoming.event.type === "turn.failed") {
            reachedEnd = true;
            break;
          }
        }
      } catch (error) {
        // The process went away; if that was our doing after an interrupt, the turn was aborted.
        if (!signal?.aborted && !turn.interruptRequested) throw error;
      }
      // A turn codex finished (completed or failed) stands, even if an interrupt came too late.
      if (reachedEnd && !events.interrupted) return;
      if (signal?.aborted) {
        await turn.ended;
        throw abortError(signal);
      }
      throw interruptedError();
    } finally {
      signal?.removeEventListener("abort", onAbort);
      turn.cancel();
      if (!turn.startSent) turn.markFailed(new AbortError("the turn did not start"));
      // A consumer that stopped early (break) must not leave codex working on the turn.
      else if (!mapper?.done && turn.server?.alive) await this.stopTurn(turn);
      unsubscribe();
      if (turn.threadId !== null && this.active.get(turn.threadId) === turn) this.active.delete(turn.threadId);
      release();
      buffer.dispose();
      // The turn may have loaded a thread or grown the process: past its bounds it is recycled.
      if (turn.server) this.servers.check(turn.server);
      if (turn.server && turn.threadId !== null && turn.server.loaded.has(turn.threadId)) this.idleThreads.ended(turn.threadId, turn.server, request.thread.ephemeral === true);
    }
  }

  /**
   * Adds input to the running turn of `threadId` (`turn/steer`). Before codex has the turn (a
   * steer at `thread.started`), the input joins the turn's own input instead.
   */
  async steer(threadId: string | null, input: NormalizedInput): Promise<void> {
    const turn = this.requireActive(threadId, "steer");
    if (!turn.startSent) {
      turn.steers.push(input);
      return;
    }
    const turnId = await turn.started;
    if (turn.isEnded) throw new ThreadStateError("cannot steer: the turn has ended");
    const placed = this.remote && turn.server && turn.threadId ? await this.onHost(turn.server, turn.threadId, input, turn.host) : input;
    await turn.server!.call("turn/steer", { threadId: threadId!, expectedTurnId: turnId, input: toUserInput(placed) }, undefined, turn.trace ? { trace: turn.trace } : undefined);
  }

  /** Interrupts the running turn of `threadId`; resolves once it has stopped. No turn: no-op. */
  async interrupt(threadId: string): Promise<void> {
    const turn = this.active.get(threadId);
    if (turn) await this.stopTurn(turn);
  }

  /** Forks a thread; returns the new thread's id. */
  async fork(threadId: string | null, thread: ThreadOptions): Promise<string> {
    if (threadId === null) throw new ThreadStateError("cannot fork a thread before its first turn has started");
    const server = await this.ensure();
    const result = await server.call("thread/fork", threadForkParams(threadId, thread, this.ctx.options), ThreadResult);
    server.loaded.set(result.thread.id, true);
    this.servers.check(server);
    return result.thread.id;
  }

  /** Drops a failed turn and what followed it from the thread's history (`thread/revert`). */
  async revertTurn(threadId: string, turnId: string): Promise<void> {
    const server = await this.ensure();
    await server.call("thread/revert", { threadId, beforeTurnId: turnId });
  }

  /**
   * Lets codex drop `threadId` from memory now, so its next turn resumes it from its rollout (see
   * unload.ts). Forgotten as loaded first: a turn asked for from now on resumes it. An entry left
   * in the idle tracking is harmless: the sweep skips a thread no process has loaded.
   */
  async unload(threadId: string): Promise<void> {
    this.refuseUnloadWhileRunning(threadId);
    const holders = (await this.servers.processes()).filter((server) => server.loaded.has(threadId));
    this.refuseUnloadWhileRunning(threadId);
    for (const server of holders) server.loaded.delete(threadId);
    this.offeredTools.delete(threadId);
    await Promise.all(holders.map((server) => unloadThread(server, threadId, this.unloadTimeoutMs)));
  }

  private refuseUnloadWhileRunning(threadId: string): void {
    if (this.active.has(threadId)) throw new ThreadStateError(`cannot unload thread ${threadId}: a turn of it is running; wait for it or interrupt it`);
  }

  /** Where codex reads a staged file for `threadId`: its own path here, an uploaded copy on a remote host. */
  async placeFile(threadId: string, file: StagedFile): Promise<string> {
    if (!this.remote) return file.path;
    const server = await this.ensure();
    const host = hostFiles(server);
    return placeOnHost(host, uploadRoot(host, this.ctx.options.appServer?.uploadDir), threadId, file, this.ctx.logger);
  }

  /** `input` with each attachment's path replaced by its verified copy on the agent's host. */
  private async onHost(server: AppServer, threadId: string, input: NormalizedInput, host: TurnHost): Promise<NormalizedInput> {
    if (input.attachments.length === 0) return input;
    const files = hostFiles(server);
    const root = uploadRoot(files, this.ctx.options.appServer?.uploadDir);
    const moved = new Map<string, string>();
    for (const file of input.attachments) {
      const place = () => placeOnHost(files, root, threadId, file, this.ctx.logger);
      moved.set(file.path, await host.traceUpload(file, place));
    }
    const swap = (paths: string[]): string[] => paths.map((p) => moved.get(p) ?? p);
    return { ...input, images: swap(input.images), files: swap(input.files) };
  }

  /** Ends the processes, and frees what suspended turns hold (their spilled events). */
  async close(): Promise<void> {
    this.closed = true;
    this.idleThreads.stop();
    for (const turn of this.active.values()) turn.dispose();
    await this.servers.close();
  }

  /** The process new work goes to (see `ServerPool`). */
  private ensure(): Promise<AppServer> {
    return this.servers.acquire();
  }

  /** The current process, started (or connected) and handshaken now; the same one turns get. */
  async warm(): Promise<void> {
    await this.ensure();
  }

  private async start(): Promise<AppServer> {
    if (this.closed) throw new ConnectionClosedError("the codex client was closed");
    const server = await AppServer.start(this.ctx, this.connect, (method, params, signal) => this.onServerRequest(method, params, signal));
    if (this.closed) {
      await server.close();
      throw new ConnectionClosedError("the codex client was closed");
    }
    return server;
  }

  /**
   * Starts a new thread, or loads a stored one into this process; returns its id. `delivery.written`
   * is set once a request of it reached codex.
   */
  private async openThread(server: AppServer, request: TurnRequest, cwd: string, delivery: { written: boolean } = { written: false }): Promise<string> {
    const sent: RequestOptions = { ...traced(request), onWritten: () => (delivery.written = true) };
    const { threadId, thread } = request;
    const names = request.tools.map((spec) => spec.name).sort().join(",");
    if (threadId === null) {
      const params = threadStartParams(thread, this.ctx.options, request.tools);
      if (persistsTrust(String(params.sandbox))) await this.guardTrust(server, params, cwd);
      const result = await server.call("thread/start", params, ThreadResult, sent);
      server.loaded.set(result.thread.id, true);
      this.rememberTools(result.thread.id, names);
      return result.thread.id;
    }
    const offered = this.offeredTools.get(threadId);
    if (offered !== undefined && offered !== names) {
      // codex takes dynamicTools only at thread/start; a changed tool set cannot reach the model.
      this.ctx.logger.warn(
        { threadId, offered: offered.split(","), now: names.split(",") },
        "the thread's tools changed after it started; app-server keeps offering the tools the thread started with",
      );
    }
    if (!server.loaded.has(threadId)) {
      await server.call("thread/resume", threadResumeParams(threadId, thread, this.ctx.options), ThreadResult, sent);
      server.loaded.set(threadId, true);
    }
    return threadId;
  }

  /**
   * The local check of the working directory cannot see the host's: it is made there, before the
   * first turn in `cwd` on this connection (one `fs/getMetadata` per directory level, so not again
   * at every turn).
   */
  private async checkOnHost(server: AppServer, cwd: string, skipGitRepoCheck: boolean): Promise<void> {
    let checked = this.hostChecked.get(server);
    const key = `${skipGitRepoCheck ? "dir" : "repo"}:${cwd}`;
    if (checked?.has(key)) return;
    await checkHostWorkingDirectory(hostFiles(server), cwd, this.ctx.logger);
    if (!skipGitRepoCheck) await requireHostGitRepository(hostFiles(server), cwd);
    if (!checked) this.hostChecked.set(server, (checked = new LruMap<string, true>(HOST_CHECKS_LIMIT)));
    checked.set(key, true);
  }

  private rememberTools(threadId: string, names: string): void {
    this.offeredTools.set(threadId, names);
    if (this.offeredTools.size > OFFERED_TOOLS_LIMIT) this.offeredTools.delete(this.offeredTools.keys().next().value!);
  }

  /** Adds the `projects` override that keeps codex from recording `cwd` as trusted (see trust.ts). */
  private async guardTrust(server: AppServer, params: Record<string, unknown>, cwd: string): Promise<void> {
    let projects: unknown;
    try {
      projects = (await server.call("config/read", { cwd }, ConfigReadResult)).config.projects;
    } catch (error) {
      this.ctx.logger.debug({ error: String(error) }, "config/read failed; guarding trust without the user's projects table");
    }
    const guarded = trustGuardProjects(projects, cwd, this.remote);
    if (guarded) params.config = { ...(params.config as Record<string, unknown> | undefined), projects: guarded };
  }

  /** Asks codex to interrupt a turn and waits; escalates if codex does not comply. */
  private stopTurn(turn: ActiveTurn): Promise<void> {
    turn.interruptRequested = true;
    turn.cancel();
    // Not sent yet: the generator sees `interruptRequested` and never sends it; nothing to wait for.
    if (turn.isEnded || !turn.startSent) return Promise.resolve();
    turn.stopping ??= this.interruptAndWait(turn);
    return turn.stopping;
  }

  /**
   * `turn/interrupt`, then wait up to `interruptTimeoutMs` for the turn to end. If it does not,
   * only the stuck turn is dealt with first (its commands killed, the interrupt repeated); the
   * shared process is killed only if that fails too, and every other turn's error says why.
   */
  private async interruptAndWait(turn: ActiveTurn): Promise<void> {
    const timeoutMs = this.ctx.options.interruptTimeoutMs ?? DEFAULT_INTERRUPT_TIMEOUT_MS;
    // `turn/start` was sent; its answer comes whatever the consumer does, and within the deadline.
    const turnId = await within(Promise.race([turn.started.catch(() => null), turn.ended.then(() => null)]), timeoutMs);
    const server = turn.server;
    const threadId = turn.threadId;
    if (turnId === null || server === null || threadId === null) return;
    if (turnId !== "timeout") {
      this.interruptRequest(server, threadId, turnId);
      if ((await within(turn.ended, timeoutMs)) !== "timeout") {
        // codex keeps an interrupted turn's commands running as background terminals; stop them too.
        await this.cleanTerminals(server, threadId);
        return;
      }
      this.ctx.logger.warn({ threadId, timeoutMs }, "codex did not stop the turn after turn/interrupt; killing its commands and asking again");
      await this.cleanTerminals(server, threadId);
      this.interruptRequest(server, threadId, turnId);
      if ((await within(turn.ended, Math.min(STUCK_TURN_GRACE_MS, timeoutMs))) !== "timeout") return;
    }
    this.ctx.logger.warn({ threadId, timeoutMs }, "codex still did not stop the turn; killing codex app-server, which ends every turn it runs");
    await server.kill(
      new CodexExitError(
        `codex app-server was killed: it did not stop the turn of thread ${threadId} after turn/interrupt (waited ${timeoutMs} ms, then killed the turn's commands); every turn it was running ended`,
        { exitCode: null, signal: "SIGKILL", stderrTail: server.stderrTail() },
      ),
    );
  }

  private interruptRequest(server: AppServer, threadId: string, turnId: string): void {
    void server.rpc.request("turn/interrupt", { threadId, turnId } satisfies OutgoingParams<"turn/interrupt">).catch((error: unknown) => {
      this.ctx.logger.debug({ threadId, error: String(error) }, "turn/interrupt failed");
    });
  }

  private async cleanTerminals(server: AppServer, threadId: string): Promise<void> {
    await server.rpc
      .request("thread/backgroundTerminals/clean", { threadId } satisfies OutgoingParams<"thread/backgroundTerminals/clean">, { timeoutMs: CLEAN_TIMEOUT_MS })
      .catch((error: unknown) => this.ctx.logger.debug({ threadId, error: String(error) }, "cleaning background terminals failed"));
  }

  /** Throws `AbortError` when the turn was aborted or interrupted before codex started it. */
  private throwIfStopped(turn: ActiveTurn, signal: AbortSignal | undefined): void {
    if (signal?.aborted) throw abortError(signal);
    if (turn.interruptRequested) throw interruptedError();
  }

  /** Claims the thread for one turn. */
  private reserve(threadId: string, turn: ActiveTurn): void {
    if (this.active.has(threadId)) {
      throw new ThreadStateError(`thread ${threadId} is already running a turn; wait for it, steer it, or interrupt it`);
    }
    this.active.set(threadId, turn);
  }

  /** Routes a server request to the running turn of the thread it names. */
  private async onServerRequest(method: string, params: unknown, signal: AbortSignal): Promise<unknown> {
    const p = (params !== null && typeof params === "object" ? params : {}) as Record<string, unknown>;
    // Legacy approval requests name the thread `conversationId`.
    const threadId = typeof p.threadId === "string" ? p.threadId : typeof p.conversationId === "string" ? p.conversationId : undefined;
    const turn = threadId !== undefined ? this.active.get(threadId) : undefined;
    if (method === "item/tool/call") return answerToolCall(turn, p, signal);
    if (method === ELICITATION_METHOD && !isMcpToolApproval(p)) return answerElicitation(turn, p, signal);
    return answerApproval(turn, method, p, signal);
  }

  private requireActive(threadId: string | null, action: string): ActiveTurn {
    const turn = threadId ? this.active.get(threadId) : undefined;
    if (!turn) throw new ThreadStateError(`cannot ${action}: no turn is running on this thread`);
    return turn;
  }
}

/** The request options that carry the turn's trace context to codex (a JSON-RPC `trace` member). */
function traced(request: TurnRequest): RequestOptions | undefined {
  return request.trace ? { trace: request.trace } : undefined;
}

/** How long a failed write may precede the close it announces. */
const DEATH_NOTICE_MS = 2_000;

/** True once `server` is seen dead, waiting a moment for the close a failed write announces. */
async function seenDead(server: AppServer): Promise<boolean> {
  if (server.alive) await within(server.rpc.closed, DEATH_NOTICE_MS);
  return !server.alive;
}

/** Connects to a remote app-server; `ws` (and the WebSocket channel) is loaded at the first connect. */
function connectRemote(remote: RemoteAppServerOptions, logger: Logger): ConnectServer {
  return async () => (await import("./websocket.js")).connectRemoteAppServer(remote, logger)();
}
