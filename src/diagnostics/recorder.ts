/**
 * What a client remembers for its diagnostics report, and the lifecycle log lines that go with
 * it: the processes it started (and how they ended), the turns running now, and its recent
 * errors. Bounded: a long-lived client keeps the last few of each, never a growing history.
 */
import { errorCode } from "../errors/index.js";
import { logEvent } from "../log-events.js";
import type { Logger } from "../logger.js";

/** Which kind of child process. */
export type ProcessKind = "app-server" | "exec" | "mcp";

/** A child process as the recorder sees it. */
export interface RecordedProcessSource {
  readonly pid: number | undefined;
  readonly label: string;
  /** Its recent stderr, redacted. */
  stderrTail(): string;
}

/** How a process ended. */
export interface ProcessEnd {
  exitCode: number | null;
  signal: string | null;
  /** codexkit stopped it, or it finished its work normally. */
  expected: boolean;
}

/** A process in the diagnostics report. */
export interface ProcessReport {
  /** Which kind of process. */
  kind: ProcessKind;
  /** Its name in messages, e.g. `codex` or `MCP server <name>`. */
  label: string;
  /** Its process id, or null when unknown. */
  pid: number | null;
  /** Whether it is still running. */
  running: boolean;
  /** When it started (ISO 8601). */
  startedAt: string;
  /** How long it has run, or ran, in milliseconds. */
  uptimeMs: number;
  /** Its exit code, once it ended (null when a signal ended it). */
  exitCode?: number | null;
  /** The signal that ended it, once it ended (null when it exited). */
  signal?: string | null;
}

/** A recent error in the diagnostics report. */
export interface ErrorReport {
  /** When it happened (ISO 8601). */
  at: string;
  /** The error's `code`, else its class name, else `unknown`. */
  code: string;
  /** The message, redacted and cut short. */
  message: string;
  /** The thread it happened in, when known. */
  threadId?: string | null;
}

/** A turn running now. */
export interface RunningTurnReport {
  /** The thread, or null for a new thread not yet started. */
  threadId: string | null;
  /** The transport running the turn. */
  transport: string;
  /** When the turn started (ISO 8601). */
  startedAt: string;
  /** How long it has been running, in milliseconds. */
  runningMs: number;
}

interface ProcessEntry {
  kind: ProcessKind;
  source: RecordedProcessSource;
  startedAt: number;
  end: ProcessEnd | null;
  endedAt: number | null;
}

/** Processes kept after they ended. */
const ENDED_KEPT = 10;
/** Errors kept. */
const ERRORS_KEPT = 20;
/** The longest error message kept. */
const MESSAGE_LIMIT = 1_000;

/** The diagnostics memory and lifecycle logger of one client. */
export class Recorder {
  private readonly processes: ProcessEntry[] = [];
  private readonly errors: ErrorReport[] = [];
  private readonly turns = new Set<{ threadId: string | null; transport: string; startedAt: number }>();
  /** App-servers started to replace one that died (not after a `close()` or an idle stop). */
  private restarts = 0;
  /** The last app-server died: the next one is a restart. */
  private appServerDied = false;

  constructor(
    readonly logger: Logger,
    private readonly redact: (text: string) => string,
  ) {}

  /** A process started; call the returned function when it has exited. */
  processStarted(kind: ProcessKind, source: RecordedProcessSource): (end: ProcessEnd) => void {
    const entry: ProcessEntry = { kind, source, startedAt: Date.now(), end: null, endedAt: null };
    this.processes.push(entry);
    logEvent(this.logger, "process.spawn", { kind, pid: source.pid ?? null, label: source.label });
    if (kind === "app-server" && this.appServerDied) {
      this.appServerDied = false;
      this.restarts += 1;
      logEvent(this.logger, "process.restart", { pid: source.pid ?? null, restarts: this.restarts });
    }
    return (end) => {
      if (entry.end) return;
      entry.end = end;
      entry.endedAt = Date.now();
      if (kind === "app-server" && !end.expected) this.appServerDied = true;
      logEvent(this.logger, "process.exit", {
        kind,
        pid: source.pid ?? null,
        label: source.label,
        exitCode: end.exitCode,
        signal: end.signal,
        uptimeMs: entry.endedAt - entry.startedAt,
        expected: end.expected,
      });
      this.prune();
    };
  }

  /** How many app-servers were started to replace one that died. */
  get appServerRestarts(): number {
    return this.restarts;
  }

  /** Remembers an error for the report (redacted, cut short). */
  error(error: unknown, threadId?: string | null): void {
    const code = errorCode(error);
    // Redacted before it is cut: a secret cut in two would no longer be recognized.
    const redacted = this.redact(error instanceof Error ? error.message : String(error));
    const message = redacted.length > MESSAGE_LIMIT ? `${redacted.slice(0, MESSAGE_LIMIT)}…` : redacted;
    this.errors.push({ at: new Date().toISOString(), code, message, ...(threadId !== undefined ? { threadId } : {}) });
    if (this.errors.length > ERRORS_KEPT) this.errors.shift();
  }

  /** A turn started; call the returned function when it is over. */
  turnStarted(threadId: string | null, transport: string): { setThread(id: string): void; done(): void } {
    const turn = { threadId, transport, startedAt: Date.now() };
    this.turns.add(turn);
    return {
      setThread: (id) => (turn.threadId = id),
      done: () => this.turns.delete(turn),
    };
  }

  /** The processes, running first. */
  processReports(): ProcessReport[] {
    const at = Date.now();
    return this.processes.map((entry) => ({
      kind: entry.kind,
      label: entry.source.label,
      pid: entry.source.pid ?? null,
      running: entry.end === null,
      startedAt: new Date(entry.startedAt).toISOString(),
      uptimeMs: (entry.endedAt ?? at) - entry.startedAt,
      ...(entry.end ? { exitCode: entry.end.exitCode, signal: entry.end.signal } : {}),
    }));
  }

  /** The recent stderr of the newest codex process (app-server or exec), redacted. */
  lastStderr(): string {
    for (let i = this.processes.length - 1; i >= 0; i--) {
      const entry = this.processes[i]!;
      // Already redacted by the process.
      if (entry.kind !== "mcp") return entry.source.stderrTail();
    }
    return "";
  }

  /** The recent errors, oldest first. */
  errorReports(): ErrorReport[] {
    return this.errors.map((error) => ({ ...error }));
  }

  /** The turns running now. */
  runningTurns(): RunningTurnReport[] {
    const at = Date.now();
    return [...this.turns].map((turn) => ({ threadId: turn.threadId, transport: turn.transport, startedAt: new Date(turn.startedAt).toISOString(), runningMs: at - turn.startedAt }));
  }

  /** Keeps every running process and the last few ended ones. */
  private prune(): void {
    let ended = this.processes.filter((entry) => entry.end !== null).length;
    for (let i = 0; i < this.processes.length && ended > ENDED_KEPT; ) {
      if (this.processes[i]!.end !== null) {
        this.processes.splice(i, 1);
        ended -= 1;
      } else {
        i += 1;
      }
    }
  }
}
