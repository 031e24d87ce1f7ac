/**
 * The bookkeeping of one app-server turn, shared by its event generator and by the calls that act
 * on it from outside (`steer`, `interrupt`, an aborting signal). It exists from the moment the
 * turn is asked for, before codex knows the thread, so an early interrupt is never lost. Its end
 * is detected where notifications arrive, not where the consumer pulls events, so an interrupt
 * completes even while the consumer is paused inside its loop body.
 */
import type { FileChange } from "../../approvals/index.js";
import type { ThreadEvent } from "../../events.js";
import type { NormalizedInput } from "../../input.js";
import type { TraceContext, TurnHost } from "../types.js";
import type { AppServer } from "./server.js";

/** A turn on its way through one app-server process. */
export class ActiveTurn {
  /** Resolves with the turn id once `turn/start` has answered; rejects if the turn never starts. */
  readonly started: Promise<string>;
  /** Resolves when codex reports the turn over, or the turn can no longer run. */
  readonly ended: Promise<void>;
  /** Set by an interrupt or abort: the generator must not start the turn, or reports it aborted. */
  interruptRequested = false;
  /**
   * Set the moment `turn/start` is sent. Before it, nothing waits on codex: an interrupt only
   * stops the turn from being sent, and a steer joins the turn's input (`steers`). This is what
   * lets both be awaited inside the consumer's loop, before it pulls the next event.
   */
  startSent = false;
  /** Inputs given to `steer()` before `turn/start` was sent; they go with it. */
  readonly steers: NormalizedInput[] = [];
  /** The one stop in progress, so concurrent interrupts share it. */
  stopping: Promise<void> | null = null;
  /**
   * Aborts the turn's running tool calls and approvals when the turn is interrupted, aborted or
   * over. Made by the first of them: a turn without any (most) never builds an AbortError.
   */
  private cancelController: AbortController | null = null;
  /** Set once the turn is cancelled (`cancel()`): a signal asked for later is aborted already. */
  private cancelled = false;
  /** Aborted when the turn is interrupted, aborted or over: tool calls and approvals listen to it. */
  get cancelSignal(): AbortSignal {
    if (this.cancelController === null) {
      this.cancelController = new AbortController();
      if (this.cancelled) this.cancelController.abort();
    }
    return this.cancelController.signal;
  }

  /** Aborts `cancelSignal` (once made); idempotent. */
  cancel(): void {
    this.cancelled = true;
    this.cancelController?.abort();
  }

  /** The changes of each file-change item, seen on `item/started`; approval requests lack them. */
  readonly fileChanges = new Map<string, FileChange[]>();
  /** Hands events raised outside the notification stream (approvals) to the turn's generator. */
  emit: (event: ThreadEvent) => void = () => {};
  /** Frees what the turn holds (its buffer's spill file), even while its generator is suspended. */
  dispose: () => void = () => {};
  /** The process the turn runs on, once known. */
  server: AppServer | null = null;
  /** The thread, once codex has started or loaded it. */
  threadId: string | null;
  /** The turn's trace context, sent with its requests. */
  trace: TraceContext | undefined;
  private resolveStarted!: (turnId: string) => void;
  private rejectStarted!: (error: Error) => void;
  private resolveEnded!: () => void;
  private _turnId: string | null = null;
  private _isEnded = false;

  constructor(
    threadId: string | null,
    /** Who answers the turn's tool calls and approval requests. */
    readonly host: TurnHost,
    /** The thread's working directory, for matching relative paths in approval rules. */
    readonly cwd: string,
  ) {
    this.threadId = threadId;
    this.started = new Promise<string>((resolve, reject) => {
      this.resolveStarted = resolve;
      this.rejectStarted = reject;
    });
    // Nobody may be waiting on `started`; a failed start must not be an unhandled rejection.
    this.started.catch(() => {});
    this.ended = new Promise<void>((resolve) => (this.resolveEnded = resolve));
  }

  /** The turn's id, once known. */
  get turnId(): string | null {
    return this._turnId;
  }

  /** True once the turn is over (or will never run). */
  get isEnded(): boolean {
    return this._isEnded;
  }

  /** Records the id `turn/start` returned. */
  markStarted(turnId: string): void {
    this._turnId = turnId;
    this.resolveStarted(turnId);
  }

  /** Records that the turn never started, or that its process is gone. */
  markFailed(error: Error): void {
    this.rejectStarted(error);
    this.markEnded();
  }

  /** Records that the turn is over. */
  markEnded(): void {
    this._isEnded = true;
    this.resolveEnded();
  }
}
