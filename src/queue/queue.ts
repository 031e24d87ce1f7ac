/**
 * `CodexQueue`: the producer side. It puts turns on a BullMQ queue and reads their events back
 * from Redis streams, one blocking connection per turn being read (kept in a small pool). Any
 * number of producers may share a queue; a producer that exits loses nothing, since the turn is
 * a job in Redis and another producer can `resumeThread(id)`.
 */
import type { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { AbortError, CodexError, ConnectionClosedError, InvalidOptionsError, ThreadStateError } from "../errors/index.js";
import { silentLogger, type Logger } from "../logger.js";
import { checkThreadOptions } from "../options/index.js";
import { DEFAULT_CONNECT_TIMEOUT_MS, endpointOf, openRedis, queueLibraries, type RedisConnection } from "./connection.js";
import { QueueConnectionError } from "./errors.js";
import { readEntries, type EventEntry, type ScriptedRedis } from "./event-log.js";
import { checkQueuedThreadOptions, type QueuedThreadOptions, type TurnJobData } from "./job-data.js";
import { QueueKeys } from "./keys.js";
import { QueuedThread, turnEvents, type QueueHost, type QueuedThreadEvent } from "./queued-thread.js";
import { defineScripts, DEFAULT_EVENTS_TTL_MS, DEFAULT_THREAD_TTL_MS, KEEP_JOBS_S, QUEUE_PREFIX } from "./settings.js";
import { toWireError } from "./wire-errors.js";

/** Options of a `CodexQueue`. */
export interface CodexQueueOptions {
  /** Redis: a URL (`redis://`, `rediss://`), ioredis options, or an ioredis instance (duplicated; yours stays open). */
  connection: RedisConnection;
  /** The queue's name (default "codexkit"); workers use the same. */
  name?: string;
  /** Structured logger (pino-compatible); silent by default. */
  logger?: Logger;
  /** How long connecting to Redis may take before a call rejects with `QueueConnectionError` (default 10000 ms). */
  connectTimeoutMs?: number;
  /**
   * Attempts at a turn whose worker failed outside the turn (codex died), with exponential backoff
   * from 1 s (default 3). A turn whose worker was lost is run again by BullMQ's stalled-job
   * recovery, which does not count here. A turn that fails in codex (`turn.failed`) is not retried
   * by the queue: use the turn's `retry` option.
   */
  attempts?: number;
}

/** Readers kept open between turns. */
const IDLE_READERS = 8;

/** The producer side of a codexkit queue. */
export class CodexQueue {
  /** The queue's name. */
  readonly name: string;
  private readonly logger: Logger;
  private readonly keys: QueueKeys;
  private readonly opened: Promise<{ queue: Queue<TurnJobData>; redis: ScriptedRedis }>;
  private readonly idleReaders: Redis[] = [];
  private readonly readers = new Set<Redis>();
  private closing: Promise<void> | null = null;
  private readonly host: QueueHost;

  constructor(private readonly options: CodexQueueOptions) {
    if (typeof options !== "object" || options === null || options.connection === undefined) throw new InvalidOptionsError("CodexQueue needs a connection: a Redis URL, ioredis options or an ioredis instance");
    const attempts = options.attempts;
    if (attempts !== undefined && (!Number.isInteger(attempts) || attempts < 1)) throw new InvalidOptionsError(`attempts must be a whole number of at least 1 (got ${String(attempts)})`);
    this.name = options.name ?? "codexkit";
    this.logger = options.logger ?? silentLogger;
    this.keys = new QueueKeys(QUEUE_PREFIX, this.name);
    this.opened = this.open();
    this.opened.catch(() => undefined);
    this.host = {
      name: this.name,
      logger: this.logger,
      ready: () => this.waitUntilReady(),
      nextSeq: async (threadId, jobId) => (await this.opened).redis.nextSeq(this.keys.thread(threadId), jobId, Date.now()),
      enqueue: async (jobId, data) => {
        const { queue } = await this.opened;
        await queue.add("turn", data, {
          jobId,
          attempts: this.options.attempts ?? 3,
          backoff: { type: "exponential", delay: 1_000 },
          removeOnComplete: { age: KEEP_JOBS_S },
          removeOnFail: { age: KEEP_JOBS_S },
        });
      },
      events: (jobId) => this.events(jobId),
      interrupt: (jobId) => this.interrupt(jobId),
      typed: (error) => this.typed(error),
      latestJob: async (threadId) => {
        const { queue, redis } = await this.opened;
        const jobId = await redis.hget(this.keys.thread(threadId), "job");
        if (jobId === null || (await redis.exists(this.keys.events(jobId))) === 1) return jobId;
        return (await queue.getJob(jobId)) ? jobId : null;
      },
    };
  }

  /** Resolves once Redis answers; rejects with `QueueConnectionError` when it cannot be reached in time. */
  async waitUntilReady(): Promise<void> {
    if (this.closing) throw new ThreadStateError("this queue is closed");
    await this.opened;
  }

  /** A new thread; its first turn starts it on a worker. `tools` names tools registered on the workers. */
  startThread(options: QueuedThreadOptions = {}): QueuedThread {
    return new QueuedThread(this.host, this.checked(options), null);
  }

  /** A thread started through this queue (by any producer); its next turn runs after any turn it still runs. */
  resumeThread(id: string, options: QueuedThreadOptions = {}): QueuedThread {
    if (typeof id !== "string" || id.length === 0) throw new InvalidOptionsError("resumeThread needs a thread id");
    return new QueuedThread(this.host, this.checked(options), id);
  }

  /** Closes the queue's connections. Turns already queued still run; their events stay readable by another producer. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const opened = await this.opened.catch(() => null);
      await opened?.queue.close();
      opened?.redis.disconnect();
      for (const reader of [...this.readers, ...this.idleReaders]) reader.disconnect();
    })();
    return this.closing;
  }

  /** `error` as a codexkit error: Redis' own failures become `QueueConnectionError`, or `ConnectionClosedError` once this queue is closing. */
  private typed(error: unknown): CodexError {
    if (error instanceof CodexError) return error;
    if (this.closing) return new ConnectionClosedError("the queue was closed; a turn it queued goes on, and another producer can resumeThread() it", { cause: error });
    return new QueueConnectionError(`Redis failed: ${error instanceof Error ? error.message : String(error)}`, endpointOf(this.options.connection), { cause: error });
  }

  private readonly onRedisError = (error: Error): void => this.logger.debug({ queue: this.name, error: error.message }, "the queue's Redis connection failed; reconnecting");

  private checked(options: QueuedThreadOptions): QueuedThreadOptions {
    checkQueuedThreadOptions(options);
    const { tools: _names, ...rest } = options;
    checkThreadOptions(rest);
    return options;
  }

  private async open(): Promise<{ queue: Queue<TurnJobData>; redis: ScriptedRedis }> {
    const timeout = this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    const [{ bullmq }, redis] = await Promise.all([queueLibraries(), openRedis(this.options.connection, timeout, "producer", this.onRedisError)]);
    const queue = new bullmq.Queue<TurnJobData>(this.name, { connection: redis, prefix: QUEUE_PREFIX });
    queue.on("error", (error) => this.logger.warn({ queue: this.name, error: String(error) }, "queue error"));
    return { queue, redis: defineScripts(redis) };
  }

  private async *events(jobId: string): AsyncGenerator<QueuedThreadEvent> {
    const reader = await this.reader();
    let clean = false;
    try {
      yield* turnEvents(readEntries(reader, this.keys.events(jobId), () => this.checkJob(jobId)));
      clean = true;
    } catch (error) {
      throw this.typed(error);
    } finally {
      this.readers.delete(reader);
      // A reader left mid-read may still be blocked in XREAD: it is closed, not reused.
      if (clean && !this.closing && this.idleReaders.length < IDLE_READERS) this.idleReaders.push(reader);
      else reader.disconnect();
    }
  }

  private async reader(): Promise<Redis> {
    const reader = this.idleReaders.pop() ?? (await openRedis(this.options.connection, this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS, "producer", this.onRedisError));
    if (this.closing) {
      // Opened while the queue closed: nobody would close it.
      reader.disconnect();
      throw new ConnectionClosedError("the queue was closed");
    }
    this.readers.add(reader);
    return reader;
  }

  /** Nothing arrived for a while: a job BullMQ gave up on ends the turn with its reason. */
  private async checkJob(jobId: string): Promise<void> {
    const { queue } = await this.opened;
    const job = await queue.getJob(jobId);
    const state = job ? await job.getState() : "unknown";
    if (state === "failed") await this.endHere(jobId, new ThreadStateError(`the queued turn failed on its worker: ${job?.failedReason ?? "unknown reason"}`));
    // A worker writes a turn's end before its job completes: a completed job whose end was not read ended without one.
    else if (state === "completed") await this.endHere(jobId, new ThreadStateError("the queued turn's job completed without recording the turn's end"));
    else if (state === "unknown" && (await (await this.opened).redis.exists(this.keys.events(jobId))) === 0) {
      await this.endHere(jobId, new ThreadStateError("the queued turn is gone from the queue (removed, or expired before it ran)"));
    }
  }

  /**
   * Interrupts a turn: a worker running it stops it (pub/sub), and a worker that has not started it
   * yet finds it cancelled. A turn no worker runs yet ends here at once.
   */
  private async interrupt(jobId: string): Promise<void> {
    const { queue, redis } = await this.opened;
    // Kept as long as the thread: a turn cancelled while queued must never run, however long the backlog.
    await redis.set(this.keys.cancelled(jobId), "1", "PX", DEFAULT_THREAD_TTL_MS);
    await redis.publish(this.keys.interrupts, jobId);
    const job = await queue.getJob(jobId);
    const state = job ? await job.getState() : "unknown";
    if (state !== "active" && state !== "completed" && state !== "failed") await this.endHere(jobId, new AbortError("the turn was interrupted before a worker started it"));
  }

  /** Ends a turn's stream from the producer's side (its readers stop at this entry). */
  private async endHere(jobId: string, error: Error): Promise<void> {
    const { redis } = await this.opened;
    const end: EventEntry = { f: Number.MAX_SAFE_INTEGER, end: { error: toWireError(error) } };
    await redis.xadd(this.keys.events(jobId), "*", "e", JSON.stringify(end));
    await redis.pexpire(this.keys.events(jobId), DEFAULT_EVENTS_TTL_MS);
  }
}
