/**
 * `QueuedThread`: a thread whose turns run on whatever worker is free. The same `run` /
 * `runStreamed` / `id` / `interrupt` as `Thread`; the turn is a job, and its events come back
 * in order from the turn's Redis stream. A turn that was run again after its worker was lost
 * is announced by a `turn.redelivered` event: everything between the previous `turn.started`
 * (or the start) and it belonged to the lost attempt.
 */
import { randomUUID } from "node:crypto";
import { AbortError, CodexError, ThreadStateError } from "../errors/index.js";
import type { ThreadEvent } from "../events.js";
import type { Logger } from "../logger.js";
import { logEvent } from "../log-events.js";
import { checkTurnOptions, type Input, type OutputSchema, type TurnOptions } from "../options/index.js";
import { outputJsonSchema } from "../output-schema.js";
import { collectTurn, type StructuredOutput, type Turn } from "../thread.js";
import type { EventEntry, RedeliveryReason } from "./event-log.js";
import { checkQueuedInput, type QueuedThreadOptions, type TurnJobData } from "./job-data.js";
import { currentTraceContext } from "./trace.js";
import { fromWireError } from "./wire-errors.js";

/** A queued turn was run again on another attempt (its worker was lost, or the attempt failed); events before it belong to the lost attempt. */
export type TurnRedeliveredEvent = {
  /** Discriminant: a turn is run again. */
  type: "turn.redelivered";
  /** The attempt that now runs the turn (2 for the first redelivery). */
  attempt: number;
  /** Why: the worker was lost (killed, its machine gone, its lock expired), or the attempt failed. */
  reason: RedeliveryReason;
};

/** What a queued turn's stream yields: every `ThreadEvent`, and `turn.redelivered`. */
export type QueuedThreadEvent = ThreadEvent | TurnRedeliveredEvent;

/** Options of a queued turn: a `Turn`'s, with the output schema sent as JSON Schema. */
export type QueuedTurnOptions<S extends OutputSchema | undefined = OutputSchema | undefined> = TurnOptions<S>;

/** The result of `QueuedThread.runStreamed()`. */
export type QueuedStreamedTurn = {
  /** The turn's events, in order; iterate to read them. Breaking out does not stop the turn (use `interrupt()` or a signal). */
  events: AsyncGenerator<QueuedThreadEvent>;
};

/** @internal What a `QueuedThread` asks of its queue. */
export interface QueueHost {
  readonly name: string;
  readonly logger: Logger;
  ready(): Promise<void>;
  nextSeq(threadId: string, jobId: string): Promise<number>;
  enqueue(jobId: string, data: TurnJobData): Promise<void>;
  events(jobId: string): AsyncGenerator<QueuedThreadEvent>;
  interrupt(jobId: string): Promise<void>;
  /** The job of the thread's latest submitted turn (null when the queue holds none). */
  latestJob(threadId: string): Promise<string | null>;
  /** `error` as a codexkit error: a Redis failure becomes `QueueConnectionError` (`ConnectionClosedError` once the queue is closing). */
  typed(error: unknown): CodexError;
}

/** A thread whose turns run on the queue's workers. */
export class QueuedThread {
  private _id: string | null;
  private running: { jobId: string } | null = null;

  /** @internal Created by `CodexQueue.startThread()` / `resumeThread()`. */
  constructor(
    private readonly host: QueueHost,
    private readonly options: QueuedThreadOptions,
    id: string | null,
  ) {
    this._id = id;
  }

  /** The thread's id; set once its first turn has started (`thread.started`). */
  get id(): string | null {
    return this._id;
  }

  /** Queues a turn and streams its events as a worker runs it. */
  // eslint-disable-next-line @typescript-eslint/require-await -- as Thread.runStreamed: anything thrown here rejects
  async runStreamed(input: Input, turnOptions: QueuedTurnOptions = {}): Promise<QueuedStreamedTurn> {
    return { events: this.stream(input, turnOptions) };
  }

  /**
   * Queues a turn and resolves with it once a worker completed it. A failed turn rejects with the
   * same class a `Thread` would (`TurnFailedError`, `RateLimitError`, ...; `AbortError` when interrupted).
   */
  async run<S extends OutputSchema | undefined = undefined>(input: Input, turnOptions: QueuedTurnOptions<S> = {}): Promise<Turn<StructuredOutput<S>>> {
    return collectTurn(this.stream(input, turnOptions), turnOptions.outputSchema);
  }

  /**
   * The events of the thread's latest turn, from its start, as it runs: a producer that took over
   * from one that exited (`resumeThread(id)`) reads on where that one left off, or reads again. Null
   * when the queue holds no turn of this thread (or its events expired, one hour after its end).
   * Reading does not make this object's turn: `run()` may be called meanwhile.
   */
  async attach(): Promise<QueuedStreamedTurn | null> {
    if (this._id === null) return null;
    try {
      await this.host.ready();
      const jobId = await this.host.latestJob(this._id);
      return jobId === null ? null : { events: this.host.events(jobId) };
    } catch (error) {
      throw this.host.typed(error);
    }
  }

  /** Stops the running turn, wherever it runs (or before it starts); its `run()` rejects with `AbortError`. No running turn: nothing happens. */
  async interrupt(): Promise<void> {
    if (this.running) await this.host.interrupt(this.running.jobId).catch((error: unknown) => Promise.reject(this.host.typed(error)));
  }

  private async *stream(input: Input, turnOptions: QueuedTurnOptions): AsyncGenerator<QueuedThreadEvent> {
    if (this.running) throw new ThreadStateError("this queued thread is already running a turn; wait for it or interrupt it");
    checkTurnOptions(turnOptions);
    checkQueuedInput(input);
    const jobId = randomUUID();
    this.running = { jobId };
    const { signal } = turnOptions;
    const onAbort = (): void => void this.host.interrupt(jobId).catch(() => undefined);
    try {
      signal?.throwIfAborted();
      await this.host.ready();
      const seq = this._id === null ? 1 : await this.host.nextSeq(this._id, jobId);
      if (seq === 0) throw new ThreadStateError(`thread ${this._id} is not in this queue: it was never started through it, or its state expired`);
      const data: TurnJobData = {
        v: 1,
        threadId: this._id,
        seq,
        input,
        thread: this.options,
        enqueuedAt: Date.now(),
      };
      if (turnOptions.outputSchema) data.outputSchema = outputJsonSchema(turnOptions.outputSchema);
      if (turnOptions.retry !== undefined) data.retry = turnOptions.retry;
      if (turnOptions.cyberAccessProgram !== undefined) data.cyberAccessProgram = turnOptions.cyberAccessProgram;
      const trace = currentTraceContext();
      if (trace) data.trace = trace;
      await this.host.enqueue(jobId, data);
      logEvent(this.host.logger, "queue.enqueue", { queue: this.host.name, jobId, threadId: this._id, seq });
      signal?.addEventListener("abort", onAbort, { once: true });
      // Aborted while the turn was being queued: the listener came too late to hear it.
      if (signal?.aborted) onAbort();
      for await (const event of this.host.events(jobId)) {
        if (event.type === "thread.started") this._id = event.thread_id;
        yield event;
      }
    } catch (error) {
      if (signal?.aborted && !(error instanceof CodexError)) throw new AbortError("the turn was aborted", { cause: error });
      throw this.host.typed(error);
    } finally {
      signal?.removeEventListener("abort", onAbort);
      this.running = null;
    }
  }
}

/** The events of a turn's stream as a `QueuedThread` yields them; throws the turn's error at its end. */
export async function* turnEvents(entries: AsyncIterable<EventEntry>): AsyncGenerator<QueuedThreadEvent> {
  let fence = 0;
  for await (const entry of entries) {
    if ("end" in entry) {
      // An end entry of a stale attempt is not the turn's end (the producer's own ends carry the highest fence).
      if (entry.f < fence) continue;
      if (entry.end.error) throw fromWireError(entry.end.error);
      return;
    }
    // Entries of a stale attempt cannot be written, but an older fence is never trusted anyway.
    if (entry.f < fence) continue;
    fence = entry.f;
    if ("e" in entry) yield entry.e;
    else yield { type: "turn.redelivered", attempt: entry.restart.attempt, reason: entry.restart.reason };
  }
}
