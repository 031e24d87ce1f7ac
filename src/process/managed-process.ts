/**
 * One codex child process, handled with care: its own process group (so a kill reaches
 * everything it started in that group), stdout read as backpressured lines, stderr kept as a
 * bounded tail, kill with a grace period then SIGKILL, and a last-resort kill when Node exits or
 * dies of a signal (see `exit-hooks.ts`). An idle process does not keep Node alive.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { CodexError, CodexExitError, CodexSpawnError, type Redactor } from "../errors/index.js";
import { LineDecoder } from "./line-decoder.js";
import { registerForExit } from "./exit-hooks.js";
import { SYSTEM, descendantsOf, findDescendants, killAll, killListed, signalTree, signalTreeNow, type ListedProcess, type ProcessSystem } from "./tree.js";
import { StderrTail } from "./stderr-tail.js";
import type { ProcessEnd, ProcessKind, Recorder } from "../diagnostics/index.js";

/** How a process ended. */
export interface ExitInfo {
  /** Exit code, or null when a signal ended it or it never started. */
  code: number | null;
  /** The signal that ended it, if any. */
  signal: NodeJS.Signals | null;
  /** Set when the process could not be started at all. */
  spawnError?: NodeJS.ErrnoException;
}

/** What to run and how. */
export interface SpawnSpec {
  executable: string;
  args: string[];
  env: Record<string, string>;
  cwd?: string;
  /** Redacts stderr tails and messages. */
  redactor: Redactor;
  /** Upper bound on one stdout line. */
  maxLineBytes?: number;
  /** Bytes of stderr to keep. */
  stderrTailBytes?: number;
  /** Milliseconds between SIGTERM and SIGKILL when the process is stopped at program exit. */
  killGraceMs?: number;
  /** What the process is, in messages (default "codex"; an MCP server says so). */
  label?: string;
  /** What kind of process, for logs and diagnostics (default "exec"). */
  kind?: ProcessKind;
  /** The client's recorder: logs the start and end, and keeps the process in its diagnostics. */
  recorder?: Pick<Recorder, "processStarted">;
  /** The operating system's process table and signals (tests pass a fake). */
  system?: ProcessSystem;
  /** Windows: pass `args` to the program as they are (cmd.exe with arguments cross-spawn escaped already). */
  windowsVerbatimArguments?: boolean;
}

/**
 * What a failed process's stderr says, in one line: its last `Error:` line when it printed one
 * (a backtrace after it says less), else its last three lines.
 */
export function stderrSummary(stderrTail: string): string {
  const lines = stderrTail.trim().split("\n");
  const error = lines.findLast((line) => /^\s*(Error|error|fatal)(\[[A-Z0-9]+\])?:\s/.test(line));
  return (error ? [error.trim()] : lines.slice(-3)).join(" | ");
}

/** Milliseconds between SIGTERM and SIGKILL. */
export const DEFAULT_KILL_GRACE_MS = 2_000;
const IS_WINDOWS = process.platform === "win32";

/** A child process codexkit runs (codex itself, or a stdio MCP server), cared for from spawn to kill. Create with `ManagedProcess.spawn`. */
export class ManagedProcess {
  /** Resolves once the process has exited (never rejects). */
  readonly exited: Promise<ExitInfo>;
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly tail: StderrTail;
  private exitInfo: ExitInfo | null = null;
  private killing: Promise<ExitInfo> | null = null;
  /** The listing of codex's tree in progress: concurrent kills share it. */
  private scanning: Promise<ListedProcess[]> | null = null;
  private readonly system: ProcessSystem;
  private spawnError: NodeJS.ErrnoException | undefined;
  private active = true;
  private _retired = false;
  private unregister: () => void = () => {};
  private recordEnd: (end: ProcessEnd) => void = () => {};

  private constructor(private readonly spec: SpawnSpec) {
    this.system = spec.system ?? SYSTEM;
    this.tail = new StderrTail(spec.stderrTailBytes);
    this.child = spawn(spec.executable, spec.args, {
      env: spec.env,
      cwd: spec.cwd,
      stdio: ["pipe", "pipe", "pipe"],
      detached: !IS_WINDOWS,
      windowsHide: true,
      ...(spec.windowsVerbatimArguments ? { windowsVerbatimArguments: true } : {}),
    });
    this.exited = new Promise<ExitInfo>((resolve) => {
      const finish = (info: ExitInfo): void => {
        if (this.exitInfo) return;
        this.exitInfo = info;
        this.unregister();
        this.recordEnd({ exitCode: info.code, signal: info.signal, expected: this.killing !== null || this._retired || info.code === 0 });
        resolve(info);
      };
      this.child.once("error", (error: NodeJS.ErrnoException) => {
        if (this.child.pid === undefined) {
          this.spawnError = error;
          finish({ code: null, signal: null, spawnError: error });
        }
      });
      this.child.once("exit", (code, signal) => finish({ code, signal }));
    });
    this.child.stderr.on("data", (chunk: Buffer) => this.tail.push(chunk));
    // A broken stderr pipe only ends the tail; how codex exits is what gets reported.
    this.child.stderr.on("error", () => {});
    // EPIPE on stdin when codex already exited is not our caller's problem; the exit is reported.
    this.child.stdin.on("error", () => {});
    if (this.child.pid !== undefined) {
      this.recordEnd = spec.recorder?.processStarted(spec.kind ?? "exec", this) ?? this.recordEnd;
      this.unregister = registerForExit({
        killNow: () => this.killAtExit(),
        onIdleExit: () => {
          if (!this.active) this.retire(spec.killGraceMs);
        },
      });
    }
  }

  /** Starts codex. Spawn failures surface from `lines()` / `exited`, as `CodexSpawnError`. */
  static spawn(spec: SpawnSpec): ManagedProcess {
    return new ManagedProcess(spec);
  }

  /** What the process is, in messages. */
  get label(): string {
    return this.spec.label ?? "codex";
  }

  /** Process id, when it started. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** True until the process has exited. */
  get running(): boolean {
    return this.exitInfo === null;
  }

  /** True once `retire()` asked the process to stop because Node had nothing else to do. */
  get retired(): boolean {
    return this._retired;
  }

  /**
   * Whether the process keeps Node alive. A warm app-server between turns is inactive: a script
   * that never calls `close()` still ends, and codex is stopped on the way out.
   */
  setActive(active: boolean): void {
    if (this.active === active) return;
    this.active = active;
    const handles = [this.child, this.child.stdin, this.child.stdout, this.child.stderr] as { ref?: () => void; unref?: () => void }[];
    for (const handle of handles) (active ? handle.ref : handle.unref)?.call(handle);
  }

  /** Stops an idle process gently: stdin closes (codex shuts down on EOF), then a kill after `graceMs`. */
  retire(graceMs = DEFAULT_KILL_GRACE_MS): void {
    if (!this.running || this._retired) return;
    this._retired = true;
    this.endInput();
    const timer = setTimeout(() => void this.kill(graceMs), graceMs);
    void this.exited.then(() => clearTimeout(timer));
  }

  /** Writes to codex's stdin (app-server requests, exec prompts). */
  write(data: string): Promise<void> {
    return new Promise((resolve, reject) => {
      if (!this.running || this.child.stdin.destroyed) {
        reject(this.exitError(`${this.label} is not running`));
        return;
      }
      this.child.stdin.write(data, (error) => (error ? reject(this.exitError(`writing to ${this.label} failed`)) : resolve()));
    });
  }

  /** Closes codex's stdin. */
  endInput(): void {
    if (!this.child.stdin.destroyed) this.child.stdin.end();
  }

  /**
   * Yields stdout lines. Reading is pull-driven: while the consumer is not asking for the next
   * line, stdout stays paused and the pipe fills, so codex blocks instead of our memory growing.
   */
  async *lines(): AsyncGenerator<string> {
    for await (const batch of this.lineBatches()) yield* batch;
  }

  /**
   * Stdout lines as they arrive, a batch per chunk read (empty lines left out): for a consumer that
   * handles every line at once (the app-server's message pump), one resumption per chunk instead
   * of one per line. Pull-driven like `lines()`.
   */
  async *lineBatches(): AsyncGenerator<string[]> {
    const decoder = new LineDecoder(this.spec.maxLineBytes);
    const chunks = (this.child.stdout as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
    for (;;) {
      let next: IteratorResult<Buffer>;
      try {
        next = await chunks.next();
      } catch (error) {
        // A stream error is not codexkit's caller's vocabulary: say it as codex's exit.
        if (error instanceof CodexError) throw error;
        throw this.exitError(`reading ${this.label}'s output failed`, error instanceof Error ? error : new Error(String(error)));
      }
      if (next.done) break;
      const batch = decoder.push(next.value);
      if (batch.length === 0) continue;
      yield batch.every((line) => line.length > 0) ? batch : batch.filter((line) => line.length > 0);
    }
    const last = decoder.end();
    if (last) yield [last];
    const info = await this.exited;
    if (info.spawnError) throw this.toSpawnError(info.spawnError);
  }

  /** The `CodexSpawnError` when the process could not be started at all, else null. */
  spawnFailure(): CodexSpawnError | null {
    return this.exitInfo?.spawnError ? this.toSpawnError(this.exitInfo.spawnError) : null;
  }

  /** The redacted tail of stderr. */
  stderrTail(): string {
    return this.spec.redactor.redact(this.tail.text());
  }

  /** A `CodexExitError` describing how the process ended, with the redacted stderr tail; `cause` is kept (redacted). */
  exitError(context: string, cause?: Error): CodexExitError {
    const info = this.exitInfo ?? { code: null, signal: null };
    const how = info.signal ? `signal ${info.signal}` : info.code === null ? "still running" : `exit code ${info.code}`;
    const stderrTail = this.stderrTail();
    const summary = stderrSummary(stderrTail);
    const message = `${context} (${this.label} ${how})${summary ? `: ${summary}` : ""}`;
    return new CodexExitError(
      this.spec.redactor.redact(message),
      { exitCode: info.code, signal: info.signal, stderrTail },
      cause ? { cause: this.spec.redactor.redact(cause.message) } : undefined,
    );
  }

  /**
   * Sends a signal to codex's whole process group. A SIGKILL first lists, without blocking, what
   * codex started in sessions of its own, so that goes too; any other signal is sent at once.
   */
  killNow(signal: NodeJS.Signals): void {
    if (this.child.pid === undefined || !this.running) return;
    if (signal === "SIGKILL") void this.forceKill();
    else void this.signalTree(signal);
  }

  /** SIGKILLs what codex started in other sessions (listed while it lives), then its group. */
  private async forceKill(): Promise<void> {
    this.freeze();
    killListed(await this.listTree(), this.system);
    await this.signalTree("SIGKILL");
  }

  /** Unix: the whole process group; Windows: the whole tree (taskkill /T /F). Never rejects. */
  private async signalTree(signal: NodeJS.Signals): Promise<void> {
    const pid = this.child.pid;
    if (pid === undefined || !this.running) return;
    try {
      await signalTree(pid, signal, this.system);
    } catch {
      this.signalChild(signal);
    }
  }

  private signalChild(signal: NodeJS.Signals): void {
    try {
      this.child.kill(signal);
    } catch {
      // Already gone.
    }
  }

  /**
   * The live descendants of codex, listed without blocking; concurrent callers share one scan.
   * Listed while codex lives: once it exits, helpers in sessions of their own cannot be found.
   */
  private listTree(): Promise<ListedProcess[]> {
    const pid = this.child.pid;
    if (pid === undefined || !this.running) return Promise.resolve([]);
    this.scanning ??= findDescendants(pid, this.system)
      .catch((): ListedProcess[] => [])
      .finally(() => (this.scanning = null));
    return this.scanning;
  }

  /**
   * Stops codex's process group where it stands (Unix: SIGSTOP, synchronous), so a kill that must
   * first list the tree without blocking gives codex no time to act. False on Windows, or when gone.
   */
  private freeze(): boolean {
    return this.signalGroup("SIGSTOP");
  }

  /** Sends `signal` to codex's process group now; false when there is none. */
  private signalGroup(signal: NodeJS.Signals): boolean {
    const pid = this.child.pid;
    if (pid === undefined || !this.running || this.system.platform === "win32") return false;
    try {
      this.system.kill(-pid, signal);
      return true;
    } catch {
      return false;
    }
  }

  /** The exit hook's kill: synchronous on purpose, the program is ending and no event loop is left. */
  private killAtExit(): void {
    const pid = this.child.pid;
    if (pid === undefined || !this.running) return;
    killListed(descendantsOf(pid, this.system), this.system);
    try {
      signalTreeNow(pid, "SIGKILL", this.system);
    } catch {
      this.signalChild("SIGKILL");
    }
  }

  /**
   * Asks codex to stop (SIGTERM), then SIGKILLs its group after `graceMs`; resolves on exit.
   * Concurrent calls (an abort and a `finally`) share the first one's stop.
   */
  kill(graceMs = DEFAULT_KILL_GRACE_MS): Promise<ExitInfo> {
    if (!this.running) return this.exited;
    this.killing ??= this.stop(graceMs);
    return this.killing;
  }

  private async stop(graceMs: number): Promise<ExitInfo> {
    // Frozen at once, so codex sends nothing more (a model request, a tool result) while its tree is listed.
    const frozen = this.freeze();
    // Listed first: after codex exits, helpers it started in their own sessions cannot be found.
    const tree = await this.listTree();
    this.killNow("SIGTERM");
    // A stopped process acts on SIGTERM once it runs again.
    if (frozen) this.signalGroup("SIGCONT");
    const timer = setTimeout(() => this.killNow("SIGKILL"), graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
      this.release();
      await killAll(tree, this.system).catch(() => {});
    }
  }

  /** Releases the pipes of an exited process; whatever codex left in its group (it led it) goes too. */
  release(): void {
    this.killGroupRemnants();
    this.child.stdout.destroy();
    this.child.stderr.destroy();
    this.child.stdin.destroy();
  }

  private killGroupRemnants(): void {
    const pid = this.child.pid;
    if (pid === undefined || IS_WINDOWS) return;
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // No group left: nothing to do.
    }
  }

  private toSpawnError(error: NodeJS.ErrnoException): CodexSpawnError {
    const reason = error.code === "ENOENT" ? "the file does not exist" : error.code === "EACCES" ? "it is not executable" : error.message;
    return new CodexSpawnError(
      this.spec.redactor.redact(`could not start ${this.label} at ${this.spec.executable}: ${reason}`),
      this.spec.executable,
      { cause: { code: error.code, syscall: error.syscall } },
    );
  }
}
