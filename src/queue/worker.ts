/**
 * `CodexWorker`: takes queued turns from BullMQ and runs them on a `Codex` of its own (a local
 * app-server by default). Tools and the approval handler live here, since a producer's closures
 * cannot travel. BullMQ does what it is good at and is not rebuilt: the job lock and stalled-job
 * recovery (a worker that dies loses its jobs to the others after `lockDurationMs`), attempts
 * with backoff, and the rate limiter.
 */
import { randomUUID } from "node:crypto";
import os from "node:os";
import path from "node:path";
import type { Job, Queue, Worker } from "bullmq";
import type { Redis } from "ioredis";
import { Codex } from "../codex.js";
import { InvalidOptionsError, ThreadStateError } from "../errors/index.js";
import { logEvent } from "../log-events.js";
import { silentLogger, type Logger } from "../logger.js";
import { LruMap } from "../lru.js";
import type { ApprovalHandler } from "../approvals/index.js";
import type { CodexOptions } from "../options/index.js";
import type { Tool } from "../tools/index.js";
import { within } from "../timing/index.js";
import { DEFAULT_CONNECT_TIMEOUT_MS, endpointOf, openRedis, queueLibraries, type RedisConnection } from "./connection.js";
import { QueueConnectionError } from "./errors.js";
import type { TurnJobData } from "./job-data.js";
import type { EventEntry, ScriptedRedis } from "./event-log.js";
import { QueueKeys } from "./keys.js";
import { toWireError } from "./wire-errors.js";
import { RolloutFiles } from "./rollout-file.js";
import { defineScripts, DEFAULT_EVENTS_TTL_MS, DEFAULT_THREAD_TTL_MS, QUEUE_PREFIX } from "./settings.js";
import { runTurnJob } from "./turn-job.js";

/** Options of a `CodexWorker`. */
export interface CodexWorkerOptions {
  /** Redis: a URL (`redis://`, `rediss://`), ioredis options, or an ioredis instance (duplicated; yours stays open). */
  connection: RedisConnection;
  /** The queue's name (default "codexkit"); producers use the same. */
  name?: string;
  /** Turns this worker runs at once (default 1). */
  concurrency?: number;
  /** Options of the worker's `Codex` (transport, codexHome, config, ...). Its `tools` and `onApproval` are the worker's. */
  codex?: Omit<CodexOptions, "tools" | "onApproval">;
  /** Tools queued threads may offer the agent; a thread names the ones it uses (all when it names none). */
  tools?: Tool[];
  /** Decides codex's approval requests for every thread this worker runs (app-server). */
  onApproval?: ApprovalHandler;
  /**
   * How long a turn's job stays locked to this worker without a renewal (default 30000 ms). A
   * worker that dies loses its turns to other workers after about this long.
   */
  lockDurationMs?: number;
  /** This worker's name in logs and in BullMQ (default: host name and a random suffix). */
  id?: string;
  /** At most `max` turns start per `durationMs`, across every worker of the queue (BullMQ's rate limiter). */
  limiter?: {
    /** Turns that may start per window. */
    max: number;
    /** The window, in milliseconds. */
    durationMs: number;
  };
  /** Structured logger (pino-compatible); silent by default. The worker's `Codex` logs here too unless `codex.logger` is given. */
  logger?: Logger;
  /** How long connecting to Redis may take before `waitUntilReady()` rejects with `QueueConnectionError` (default 10000 ms). */
  connectTimeoutMs?: number;
}

/** How long a turn waits at first, and at most, before it looks again whether its thread's previous turn has finished. */
const ORDER_RETRY_MS = 50;
// Waiting jobs count against BullMQ's rate limiter each time they are looked at: rarely, since the turn before promotes them.
const ORDER_RETRY_MAX_MS = 5_000;
/** How long a new attempt waits for a stale attempt of the same worker at the same thread to stop. */
const STALE_STOP_MS = 15_000;
/** How old a turn that blocks its thread's order must be before it is looked at as lost. */
const LOST_TURN_MS = 30_000;
/** How often a closing worker looks whether it still waits for anything but Redis. */
const CLOSE_CHECK_MS = 1_000;
/** How long a closing worker with no running turn waits for Redis before it closes without it. */
const FORCE_CLOSE_AFTER_MS = 5_000;
/** Rollout lengths remembered per thread (a forgotten one means one restore from Redis). */
const LOCAL_THREADS = 10_000;

/** Runs queued turns. It starts taking them on construction; `close()` lets running turns finish, then stops. */
export class CodexWorker {
  /** This worker's name in logs and in BullMQ. */
  readonly id: string;
  /** The worker's own `Codex` client (its process, threads and tools). */
  readonly codex: Codex;
  private readonly ready: Promise<void>;
  private readonly controllers = new Map<string, AbortController>();
  /** The attempt of this process holding each thread, and when it is over. */
  private readonly holders = new Map<string, { turn: AbortController; over: Promise<void> }>();
  private readonly name: string;
  private readonly logger: Logger;
  private worker: Worker<TurnJobData> | null = null;
  private queue: Queue<TurnJobData> | null = null;
  private clients: Redis[] = [];
  private closing: Promise<void> | null = null;

  constructor(private readonly options: CodexWorkerOptions) {
    checkWorkerOptions(options);
    this.name = options.name ?? "codexkit";
    this.id = options.id ?? `${os.hostname()}-${randomUUID().slice(0, 8)}`;
    this.logger = options.logger ?? silentLogger;
    this.codex = new Codex({ logger: this.logger, ...options.codex, tools: [], onApproval: options.onApproval });
    this.ready = this.start();
    // Failures are reported by waitUntilReady(); an unobserved start must not crash the process.
    this.ready.catch(() => undefined);
  }

  /** Resolves once the worker takes turns; rejects with `QueueConnectionError` when Redis cannot be reached. */
  waitUntilReady(): Promise<void> {
    return this.ready;
  }

  /** Lets running turns finish (BullMQ's drain), then closes the worker's `Codex` and connections. Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async start(): Promise<void> {
    const timeout = this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    const onError = (error: Error): void => this.logger.debug({ worker: this.id, error: error.message }, "the worker's Redis connection failed; reconnecting");
    const { bullmq } = await queueLibraries().catch(async (error: unknown) => {
      await this.codex.close();
      throw error;
    });
    const opened = await Promise.allSettled([0, 1, 2].map(() => openRedis(this.options.connection, timeout, "worker", onError)));
    this.clients = opened.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
    const failure = opened.find((result): result is PromiseRejectedResult => result.status === "rejected");
    if (failure) {
      // One connection failed: the others are closed too, so nothing keeps reconnecting.
      for (const client of this.clients) client.disconnect();
      await this.codex.close();
      throw failure.reason;
    }
    const [redis, subscriber, blocking] = this.clients as [Redis, Redis, Redis];
    if (this.closing) return;
    const scripted = defineScripts(redis);
    const keys = new QueueKeys(QUEUE_PREFIX, this.name);
    await this.bounded(subscriber.subscribe(keys.interrupts), timeout, "subscribing to interrupts");
    subscriber.on("message", (_channel: string, jobId: string) => this.controllers.get(jobId)?.abort());
    const files = new RolloutFiles(codexHomeOf(this.options.codex));
    const local = new LruMap<string, number>(LOCAL_THREADS);
    const tools = this.options.tools ?? [];
    const { DelayedError } = bullmq;
    const processor = async (job: Job<TurnJobData>, token?: string): Promise<void> => {
      const controller = new AbortController();
      this.controllers.set(job.id!, controller);
      try {
        const outcome = await runTurnJob(job, {
          codex: this.codex,
          redis: scripted,
          keys,
          files,
          tools,
          logger: this.logger,
          queue: this.name,
          worker: this.id,
          threadTtlMs: DEFAULT_THREAD_TTL_MS,
          eventsTtlMs: DEFAULT_EVENTS_TTL_MS,
          local,
          signal: controller.signal,
          claim: (threadId, turn) => this.claim(threadId, turn),
        });
        if (outcome.kind === "retry") throw outcome.error;
        if (outcome.kind === "wait") {
          await this.skipIfLost(outcome, scripted, keys, queue);
          // Looked at again soon, then less often; the worker that ends the turn before it promotes it at once.
          const waited = Date.now() - job.data.enqueuedAt;
          await job.moveToDelayed(Date.now() + Math.min(ORDER_RETRY_MAX_MS, Math.max(ORDER_RETRY_MS, waited / 4)), token);
          throw new DelayedError();
        }
        if (outcome.next) void this.promoteNext(outcome.next, scripted, keys, queue);
      } finally {
        this.controllers.delete(job.id!);
      }
    };
    const queue = new bullmq.Queue<TurnJobData>(this.name, { connection: redis, prefix: QUEUE_PREFIX });
    queue.on("error", (error) => this.logger.debug({ worker: this.id, error: String(error) }, "queue handle error"));
    this.queue = queue;
    const lockDuration = this.options.lockDurationMs ?? 30_000;
    this.worker = new bullmq.Worker<TurnJobData>(this.name, processor, {
      connection: blocking,
      prefix: QUEUE_PREFIX,
      concurrency: this.options.concurrency ?? 1,
      name: this.id,
      lockDuration,
      stalledInterval: lockDuration,
      // A stalled turn is run again (from its checkpoint) more than once before it is given up.
      maxStalledCount: 3,
      // A closing worker waits at most this long for the rate limiter's window.
      maximumRateLimitDelay: 1_000,
      ...(this.options.limiter ? { limiter: { max: this.options.limiter.max, duration: this.options.limiter.durationMs } } : {}),
    });
    this.worker.on("error", (error) => this.logger.warn({ worker: this.id, error: String(error) }, "queue worker error"));
    await this.bounded(this.worker.waitUntilReady(), timeout, "starting the BullMQ worker");
  }

  /** `work`, or a QueueConnectionError once Redis has not answered for `timeoutMs`. */
  private async bounded<T>(work: Promise<T>, timeoutMs: number, what: string): Promise<T> {
    const outcome = await within(work, timeoutMs);
    if (outcome === "timeout") throw new QueueConnectionError(`Redis did not answer within ${timeoutMs} ms while ${what}`, endpointOf(this.options.connection));
    return outcome;
  }

  private async shutdown(): Promise<void> {
    await this.ready.catch(() => undefined);
    const worker = this.worker;
    if (worker) {
      // BullMQ's close waits for running turns, and for Redis: with no turn left and Redis gone, it is forced.
      const drained = worker.close();
      let idleChecks = 0;
      while ((await within(drained, CLOSE_CHECK_MS)) === "timeout") {
        idleChecks = this.controllers.size === 0 ? idleChecks + 1 : 0;
        if (idleChecks * CLOSE_CHECK_MS >= FORCE_CLOSE_AFTER_MS) {
          this.logger.warn({ worker: this.id }, "the worker's close waits for Redis with no turn running; closing without it");
          for (const client of this.clients) client.disconnect();
          await within(worker.close(true), CLOSE_CHECK_MS);
          break;
        }
      }
    }
    await within(this.queue?.close() ?? Promise.resolve(), CLOSE_CHECK_MS);
    await this.codex.close();
    for (const client of this.clients) client.disconnect();
  }

  /** Takes `threadId` for an attempt of this process: a stale one of ours still running it is aborted and waited for (bounded). */
  private async claim(threadId: string, turn: AbortController): Promise<() => void> {
    const previous = this.holders.get(threadId);
    if (previous) {
      previous.turn.abort(new ThreadStateError("another attempt took this turn over"));
      await within(previous.over, STALE_STOP_MS);
    }
    let end!: () => void;
    const over = new Promise<void>((resolve) => (end = resolve));
    const mine = { turn, over };
    this.holders.set(threadId, mine);
    return () => {
      if (this.holders.get(threadId) === mine) this.holders.delete(threadId);
      end();
    };
  }

  /** A turn of `next.threadId` ended: its following turn, if it waits (delayed), runs now. Never throws. */
  private async promoteNext(next: { threadId: string; seq: number }, redis: ScriptedRedis, keys: QueueKeys, queue: Queue<TurnJobData>): Promise<void> {
    try {
      const blocker = await redis.hget(keys.thread(next.threadId), `turn:${next.seq}`);
      if (!blocker) return;
      const job = await queue.getJob(blocker.slice(0, blocker.lastIndexOf(":")));
      if (job && (await job.getState()) === "delayed") await job.promote();
    } catch (error) {
      this.logger.debug({ worker: this.id, threadId: next.threadId, error: String(error) }, "promoting a thread's next turn failed; it runs at its next look");
    }
  }

  /**
   * A turn waits for an earlier one of its thread. If that one can never run — its job failed for
   * good, or was never queued (its producer died in between) — it is skipped once it is old enough
   * that its producer cannot still be queuing it, so the thread's order goes on.
   */
  private async skipIfLost(wait: { threadId: string; seq: number; blocker: string }, redis: ScriptedRedis, keys: QueueKeys, queue: Queue<TurnJobData>): Promise<void> {
    const at = wait.blocker.lastIndexOf(":");
    const jobId = wait.blocker.slice(0, at);
    const submittedAt = Number(wait.blocker.slice(at + 1));
    if (at <= 0 || !(Date.now() - submittedAt > LOST_TURN_MS)) return;
    const job = await queue.getJob(jobId);
    const state = job ? await job.getState() : "missing";
    // A completed job whose turn is not done ended without recording it: it is lost too.
    if (state !== "missing" && state !== "failed" && state !== "unknown" && state !== "completed") return;
    const reason = state === "failed" ? `its job failed: ${job?.failedReason ?? "unknown reason"}` : "it was never queued (its producer stopped in between)";
    // The highest fence: whatever an attempt of the skipped turn showed, this is its end.
    const end: EventEntry = { f: Number.MAX_SAFE_INTEGER, end: { error: toWireError(new ThreadStateError(`turn ${wait.seq} of thread ${wait.threadId} was skipped: ${reason}`)) } };
    if ((await redis.skipTurn(keys.thread(wait.threadId), keys.events(jobId), wait.seq, JSON.stringify(end), DEFAULT_EVENTS_TTL_MS)) === 1) {
      logEvent(this.logger, "queue.complete", { queue: this.name, worker: this.id, jobId, threadId: wait.threadId, seq: wait.seq, outcome: "skipped", code: "invalid_state", durationMs: 0 });
    }
  }
}

/** The CODEX_HOME the worker's codex uses: `codex.codexHome`, its env's or this process's `CODEX_HOME`, else `~/.codex`. */
function codexHomeOf(options: CodexWorkerOptions["codex"]): string {
  const home = options?.codexHome ?? options?.env?.CODEX_HOME ?? process.env.CODEX_HOME;
  return path.resolve(home ?? path.join(os.homedir(), ".codex"));
}

function checkWorkerOptions(options: CodexWorkerOptions): void {
  if (typeof options !== "object" || options === null || options.connection === undefined) throw new InvalidOptionsError("CodexWorker needs a connection: a Redis URL, ioredis options or an ioredis instance");
  const { concurrency, lockDurationMs, limiter } = options;
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1)) throw new InvalidOptionsError(`concurrency must be a whole number of at least 1 (got ${String(concurrency)})`);
  if (lockDurationMs !== undefined && (!Number.isInteger(lockDurationMs) || lockDurationMs < 1_000)) throw new InvalidOptionsError(`lockDurationMs must be a whole number of milliseconds, at least 1000 (got ${String(lockDurationMs)})`);
  if (limiter !== undefined && (typeof limiter !== "object" || limiter === null || !(limiter.max >= 1) || !(limiter.durationMs >= 1))) throw new InvalidOptionsError("limiter needs max (turns, at least 1) and durationMs (at least 1)");
  const codexOptions = options.codex as Record<string, unknown> | undefined;
  if (codexOptions?.tools !== undefined || codexOptions?.onApproval !== undefined) throw new InvalidOptionsError("give tools and onApproval to the CodexWorker itself, not in its codex options");
}
