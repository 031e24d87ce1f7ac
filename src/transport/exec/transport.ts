/**
 * The exec transport: one `codex exec --json` process per turn, its JSONL stdout mapped to
 * events. Events pass through as codex prints them (that is what makes codexkit a drop-in for
 * `@openai/codex-sdk`), except `turn.completed.usage`, which becomes per-turn, and the calls of
 * codexkit's tool endpoint, reported to the turn layer.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { ProtocolError, ThreadStateError, UnsupportedFeatureError, type CodexError } from "../../errors/index.js";
import { execMcpServers, threadCwd, toTomlValue } from "../../config/index.js";
import { toUsage, usageSince } from "../../usage.js";
import { abortError, interruptedError } from "../../abort.js";
import { resolveCodexBinary, type ResolvedBinary } from "../binary.js";
import { codexEnv } from "../env.js";
import { removeOnExit } from "../../process/index.js";
import { untrustedDirectoryError, UNTRUSTED_DIRECTORY_MESSAGE } from "../../workspace/index.js";
import { parseJsonLine } from "../../process/index.js";
import { ManagedProcess } from "../../process/index.js";
import type { ClientContext, Transport, TransportEvent, TurnHost, TurnRequest } from "../types.js";
import { AppServerTransport } from "../app-server/transport.js";
import { DeferredThreadStore } from "../deferred-store.js";
import { FileStore, type RecordJournal } from "../../files/index.js";
import { buildExecArgs, buildExecPrompt } from "./args.js";
import type { ToolServer } from "./tool-endpoint.js";
import { toolCallReports } from "./tool-reports.js";
import { UsageBaselines, codexHomeFor } from "./usage-baseline.js";
import { checkedEvent } from "./wire.js";

/** What one running turn holds, so `close()` can free it even while its iterator is suspended. */
interface RunningTurn {
  proc: ManagedProcess | null;
  interrupted: boolean;
  /** Frees the turn's tool endpoint and temp files. */
  release(): Promise<void>;
}

/** Runs each turn as its own `codex exec` process. */
export class ExecTransport implements Transport {
  readonly kind = "exec" as const;
  private readonly turns = new Set<RunningTurn>();
  /** The running turn of each thread, so `interrupt` can find it. */
  private readonly byThread = new Map<string, RunningTurn>();
  private readonly baselines: UsageBaselines;
  private binary: ResolvedBinary | undefined;
  /**
   * codex keeps its thread store only through an app-server: a short-lived one, started when the
   * store is asked something, never by a turn (see `DeferredThreadStore`).
   */
  readonly store: DeferredThreadStore;

  /** `journal` keeps the attachment records of turns until codex's thread store is opened (default: the staging store of `options.files`). */
  constructor(
    private readonly ctx: ClientContext,
    journal: RecordJournal = new FileStore(ctx.options.files ?? {}, { logger: ctx.logger }).pendingRecords,
  ) {
    this.baselines = new UsageBaselines(() => codexHomeFor(ctx.options.codexHome, ctx.options.env));
    this.store = new DeferredThreadStore(() => new AppServerTransport(ctx), journal, codexHomeFor(ctx.options.codexHome, ctx.options.env), ctx.logger);
  }

  async *runTurn(request: TurnRequest, host: TurnHost): AsyncGenerator<TransportEvent, void, undefined> {
    const { signal } = request;
    if (signal?.aborted) throw abortError(signal);
    if (request.threadId !== null && this.byThread.has(request.threadId)) {
      throw new ThreadStateError(`thread ${request.threadId} is already running a turn; wait for it or interrupt it`);
    }
    this.binary ??= resolveCodexBinary(this.ctx.options.codexPathOverride);
    const binary = this.binary;
    let threadId = request.threadId;
    let schema: { file: string; remove: () => Promise<void> } | null = null;
    let toolServer: ToolServer | null = null;
    const turn: RunningTurn = {
      proc: null,
      interrupted: false,
      release: async () => {
        await toolServer?.close();
        await schema?.remove();
      },
    };
    this.turns.add(turn);
    if (threadId) this.byThread.set(threadId, turn);
    const onAbort = (): void => void turn.proc?.kill(this.ctx.options.killGraceMs);
    try {
      if (request.outputSchema) schema = await writeSchema(request.outputSchema);
      // The turn's tools reach codex through a loopback MCP endpoint that lives as long as the turn.
      if (request.tools.length > 0) {
        const options = { logger: this.ctx.logger, redactor: this.ctx.redactor, context: () => ({ threadId, turnId: null }) };
        // The endpoint (with the MCP SDK's server) is loaded by the first turn that has tools.
        const { startToolServer } = await import("./tool-endpoint.js");
        toolServer = await startToolServer({ specs: request.tools, call: (call) => host.callTool(call) }, signal ? { ...options, signal } : options);
      }
      const reports = toolServer ? toolCallReports(toolServer.serverName) : null;
      const baseEnv = codexEnv(this.ctx.options, binary.pathDirs);
      // The thread's own MCP servers, run by codex; their secrets travel in codex's environment, not argv.
      const servers = execMcpServers(request.thread.mcpServers, baseEnv);
      const extraConfig = [...(toolServer?.configArgs() ?? []), ...servers.config.map(([key, value]) => `${key}=${toTomlValue(value, key)}`)];
      const args = buildExecArgs(this.ctx.options, request, schema?.file, extraConfig);
      const env = withTrace({ ...baseEnv, ...servers.env, ...toolServer?.env() }, request);
      if (this.ctx.options.codexHome) await mkdir(this.ctx.options.codexHome, { recursive: true });
      const baseline = await this.baselines.get(request.threadId);
      if (signal?.aborted) throw abortError(signal);
      // The tool endpoint's token lives for this turn only: hide it here without growing the client's set.
      const redactor = toolServer ? this.ctx.redactor.with(toolServer.token) : this.ctx.redactor;
      const proc = ManagedProcess.spawn({
        executable: binary.executable,
        args,
        env,
        redactor,
        killGraceMs: this.ctx.options.killGraceMs,
        maxLineBytes: this.ctx.options.maxLineBytes,
        kind: "exec",
        recorder: this.ctx.recorder,
      });
      turn.proc = proc;
      signal?.addEventListener("abort", onAbort, { once: true });
      // A failed write means codex is gone already; how it ended is the error worth reporting.
      let writeError: Error | null = null;
      void proc.write(buildExecPrompt(request)).catch((error: Error) => (writeError = error));
      proc.endInput();

      let sawTurnEnd = false;
      try {
        for await (const line of proc.lines()) {
          if (signal?.aborted || turn.interrupted) break;
          const event = checkedEvent(parseJsonLine(line), line);
          if (event.type === "thread.started") {
            threadId = event.thread_id;
            this.byThread.set(threadId, turn);
          }
          if (event.type === "turn.completed") {
            const total = toUsage(event.usage);
            if (threadId) this.baselines.set(threadId, total);
            sawTurnEnd = true;
            const completed = { ...event, usage: usageSince(total, baseline) };
            host.observe(completed);
            yield completed;
            continue;
          }
          if (event.type === "turn.failed") sawTurnEnd = true;
          // codex waits while the consumer does (stdout is read on demand): now is when codex said it.
          const shaped = reports ? reports(event) : event;
          host.observe(shaped);
          yield shaped;
        }
      } catch (error) {
        // Stopping codex (interrupt, abort) can break its output mid-read: that is the stop, not a failure.
        if (!signal?.aborted && !turn.interrupted) throw error;
      }
      if (signal?.aborted) throw abortError(signal);
      if (turn.interrupted) throw interruptedError();
      const exit = await proc.exited;
      if (exit.code !== 0 && !sawTurnEnd) throw this.exitError(proc, threadCwd(request.thread), writeError);
      if (!sawTurnEnd) throw new ProtocolError("codex exec ended without reporting the end of the turn", "");
    } finally {
      signal?.removeEventListener("abort", onAbort);
      for (const [id, value] of this.byThread) if (value === turn) this.byThread.delete(id);
      const proc = turn.proc;
      if (proc) {
        if (proc.running) await proc.kill(this.ctx.options.killGraceMs);
        else proc.release();
      }
      await turn.release();
      this.turns.delete(turn);
    }
  }

  /** exec cannot add input to a running process. */
  steer(): Promise<void> {
    return Promise.reject(new UnsupportedFeatureError("steer needs the app-server transport; codex exec takes its input once", "steer"));
  }

  /** Stops the thread's running `codex exec`; its stream throws `AbortError`. */
  async interrupt(threadId: string): Promise<void> {
    const turn = this.byThread.get(threadId);
    if (!turn) return;
    turn.interrupted = true;
    await turn.proc?.kill(this.ctx.options.killGraceMs);
  }

  /** Nothing to unload: every turn is a new process. A running turn still writes the rollout, so it is refused. */
  unload(threadId: string): Promise<void> {
    if (!this.byThread.has(threadId)) return Promise.resolve();
    return Promise.reject(new ThreadStateError(`cannot unload thread ${threadId}: a turn of it is running; wait for it or interrupt it`));
  }

  /** Forking is done with the app-server transport. */
  fork(): Promise<string> {
    return Promise.reject(new UnsupportedFeatureError("fork needs the app-server transport", "fork"));
  }

  /**
   * Stops every running codex and frees each turn's tool endpoint and temp files, even for a
   * suspended iterator; then the store writes the attachment records still waiting and stops its
   * app-server, if it has one.
   */
  async close(): Promise<void> {
    const turns = [...this.turns];
    this.turns.clear();
    await Promise.all(
      turns.map(async (turn) => {
        turn.interrupted = true;
        await turn.proc?.kill(this.ctx.options.killGraceMs);
        await turn.release();
      }),
    );
    await this.store.close();
  }

  private exitError(proc: ManagedProcess, cwd: string, writeError: Error | null): CodexError {
    const error = proc.exitError("codex exec failed", writeError ?? undefined);
    // codex's own sentence leads the message, so code that matched the official SDK's still does.
    if (error.stderrTail.includes(UNTRUSTED_DIRECTORY_MESSAGE)) return untrustedDirectoryError(cwd, { cause: error });
    return error;
  }
}

/**
 * codex continues a caller's trace from `TRACEPARENT` / `TRACESTATE` (when its own OpenTelemetry
 * export is configured). Only set for a turn with a trace: an inherited value is left alone otherwise.
 */
function withTrace(env: Record<string, string>, request: TurnRequest): Record<string, string> {
  if (!request.trace) return env;
  env.TRACEPARENT = request.trace.traceparent;
  // An inherited TRACESTATE belongs to another trace.
  if (request.trace.tracestate) env.TRACESTATE = request.trace.tracestate;
  else delete env.TRACESTATE;
  return env;
}

/** The output schema in a private temp dir; `remove()` deletes it (also done at program exit). */
async function writeSchema(schema: Record<string, unknown>): Promise<{ file: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "codexkit-schema-"));
  const forget = removeOnExit(dir);
  let removed = false;
  const remove = async (): Promise<void> => {
    if (removed) return;
    removed = true;
    await rm(dir, { recursive: true, force: true }).catch(() => {});
    forget();
  };
  try {
    await writeFile(path.join(dir, "schema.json"), JSON.stringify(schema), "utf8");
  } catch (error) {
    await remove();
    throw error;
  }
  return { file: path.join(dir, "schema.json"), remove };
}
