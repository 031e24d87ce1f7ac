/**
 * The exec transport: one `codex exec --json` process per turn, its JSONL stdout mapped to
 * `ThreadEvent`s. Events pass through as codex prints them (that is what makes codexkit a
 * drop-in for `@openai/codex-sdk`), except `turn.completed.usage`, which becomes per-turn.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { ProtocolError, UnsupportedFeatureError, type CodexError } from "../../errors/index.js";
import { untrustedDirectoryError, UNTRUSTED_DIRECTORY_MESSAGE } from "../git.js";
import { removeOnExit } from "../exit-hooks.js";
import { abortError, interruptedError } from "../abort.js";
import type { ThreadEvent } from "../../events.js";
import { startToolServer, ToolCallItemMapper, type ToolServer } from "../../mcp/index.js";
import { toUsage, usageSince } from "../../usage.js";
import { resolveCodexBinary, type ResolvedBinary } from "../binary.js";
import { excerpt, parseJsonLine } from "../line-decoder.js";
import { CodexProcess } from "../process.js";
import type { ClientContext, Transport, TurnRequest } from "../types.js";
import { buildExecArgs, buildExecEnv, buildExecPrompt } from "./args.js";
import { UsageBaselines, codexHomeFor } from "./usage-baseline.js";


/** Runs each turn as its own `codex exec` process. */
export class ExecTransport implements Transport {
  readonly kind = "exec" as const;
  private readonly running = new Set<CodexProcess>();
  /** The process running each thread's turn, so `interrupt` can find it. */
  private readonly byThread = new Map<string, { proc: CodexProcess; interrupted: boolean }>();
  private readonly baselines: UsageBaselines;
  private binary: ResolvedBinary | undefined;

  constructor(private readonly ctx: ClientContext) {
    this.baselines = new UsageBaselines(() => codexHomeFor(ctx.options.codexHome, ctx.options.env));
  }

  async *runTurn(request: TurnRequest): AsyncGenerator<ThreadEvent, void, undefined> {
    const { signal } = request;
    if (signal?.aborted) throw abortError(signal);
    this.binary ??= resolveCodexBinary(this.ctx.options.codexPathOverride);
    const binary = this.binary;
    const schema = request.outputSchema ? await writeSchema(request.outputSchema) : null;
    let proc: CodexProcess | null = null;
    let entry: { proc: CodexProcess; interrupted: boolean } | undefined;
    let toolServer: ToolServer | null = null;
    let threadId = request.threadId;
    const onAbort = (): void => void proc?.kill(this.ctx.options.killGraceMs);
    try {
      // The turn's tools reach codex through a loopback MCP server that lives as long as the turn.
      if (request.tools && request.tools.specs.length > 0) {
        const options = { logger: this.ctx.logger, redactor: this.ctx.redactor, context: () => ({ threadId, turnId: null }) };
        toolServer = await startToolServer(request.tools, signal ? { ...options, signal } : options);
      }
      const mapper = toolServer ? new ToolCallItemMapper(toolServer.serverName) : null;
      const args = buildExecArgs(this.ctx.options, request, schema?.file, toolServer?.configArgs());
      const env = { ...buildExecEnv(this.ctx.options, binary.pathDirs), ...toolServer?.env() };
      if (this.ctx.options.codexHome) await mkdir(this.ctx.options.codexHome, { recursive: true });
      const baseline = await this.baselines.get(request.threadId);
      if (signal?.aborted) throw abortError(signal);
      // The tool server's token lives for this turn only: hide it here without growing the client's set.
      const redactor = toolServer ? this.ctx.redactor.with(toolServer.token) : this.ctx.redactor;
      proc = CodexProcess.spawn({ executable: binary.executable, args, env, redactor, killGraceMs: this.ctx.options.killGraceMs, maxLineBytes: this.ctx.options.maxLineBytes });
      this.running.add(proc);
      signal?.addEventListener("abort", onAbort, { once: true });
      this.ctx.logger.debug({ pid: proc.pid, threadId: request.threadId, transport: "exec" }, "codex exec started");
      void proc.write(buildExecPrompt(request)).catch(() => {});
      proc.endInput();

      if (threadId) this.byThread.set(threadId, (entry = { proc, interrupted: false }));
      let sawTurnEnd = false;
      for await (const line of proc.lines()) {
        if (signal?.aborted || entry?.interrupted) break;
        const event = toEvent(line);
        if (event.type === "thread.started") {
          threadId = event.thread_id;
          entry ??= { proc, interrupted: false };
          this.byThread.set(threadId, entry);
        }
        if (event.type === "turn.completed") {
          const total = toUsage(event.usage);
          if (threadId) this.baselines.set(threadId, total);
          sawTurnEnd = true;
          yield { ...event, usage: usageSince(total, baseline) };
          continue;
        }
        if (event.type === "turn.failed") sawTurnEnd = true;
        yield mapper ? mapper.map(event) : event;
      }
      if (signal?.aborted) throw abortError(signal);
      if (entry?.interrupted) throw interruptedError();
      const exit = await proc.exited;
      if (exit.code !== 0 && !sawTurnEnd) throw this.exitError(proc, path.resolve(request.thread.workingDirectory ?? process.cwd()));
      if (!sawTurnEnd) {
        throw new ProtocolError("codex exec ended without reporting the end of the turn", "");
      }
    } finally {
      signal?.removeEventListener("abort", onAbort);
      for (const [id, value] of this.byThread) if (value === entry) this.byThread.delete(id);
      if (proc) {
        if (proc.running) await proc.kill(this.ctx.options.killGraceMs);
        else proc.release();
        this.running.delete(proc);
      }
      if (toolServer) await toolServer.close();
      if (schema) await schema.remove();
    }
  }

  /** exec cannot add input to a running process. */
  async steer(): Promise<void> {
    throw new UnsupportedFeatureError("steer needs the app-server transport; codex exec takes its input once", "steer");
  }

  /** Stops the thread's running `codex exec`; its stream throws `AbortError`. */
  async interrupt(threadId: string): Promise<void> {
    const entry = this.byThread.get(threadId);
    if (!entry) return;
    entry.interrupted = true;
    await entry.proc.kill(this.ctx.options.killGraceMs);
  }

  /** Forking is done with the app-server transport. */
  async fork(): Promise<string> {
    throw new UnsupportedFeatureError("fork needs the app-server transport", "fork");
  }

  async close(): Promise<void> {
    await Promise.all([...this.running].map((proc) => proc.kill(this.ctx.options.killGraceMs)));
    this.running.clear();
  }

  private exitError(proc: CodexProcess, cwd: string): CodexError {
    const error = proc.exitError("codex exec failed");
    // codex's own sentence leads the message, so code that matched the official SDK's still does.
    if (error.stderrTail.includes(UNTRUSTED_DIRECTORY_MESSAGE)) return untrustedDirectoryError(cwd, { cause: error });
    return error;
  }
}

function toEvent(line: string): ThreadEvent {
  const value = parseJsonLine(line);
  if (typeof value.type !== "string") throw new ProtocolError("codex printed an event without a type", excerpt(line));
  return value as unknown as ThreadEvent;
}

/** The output schema in a private temp dir; `remove()` deletes it (also done at program exit). */
async function writeSchema(schema: Record<string, unknown>): Promise<{ file: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "codexkit-schema-"));
  const forget = removeOnExit(dir);
  const remove = async (): Promise<void> => {
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
