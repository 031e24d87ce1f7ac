/**
 * One attempt at a queued turn, on a worker. In order:
 * 1. The thread's turn order: a turn whose predecessor has not finished waits (the job is
 *    delayed briefly); a turn an earlier attempt finished is not run again.
 * 2. The fence: the attempt takes the thread (a new fence in Redis); a stale attempt of another
 *    worker can no longer write anything.
 * 3. The thread's state: if this worker's rollout is not the checkpoint's (another worker ran the
 *    last turn, or this attempt replaces a lost one), codex lets go of its old copy and the
 *    rollout is written from the checkpoint; codex resumes it from disk.
 * 4. The turn runs on the worker's `Codex`; its events go to the turn's stream as they come.
 * 5. The checkpoint: the rollout's new bytes and the end entry are written in one fenced step.
 * A first turn has no thread yet: its checkpoint starts at codex's first rollout line, before any
 * event is shown, so an attempt that replaces a lost one resumes the same thread id.
 */
import type { Job } from "bullmq";
import type { Codex } from "../codex.js";
import { AbortError, CodexError, CodexExitError, CodexSpawnError, ConnectionClosedError, InvalidOptionsError, ThreadStateError } from "../errors/index.js";
import type { ThreadEvent } from "../events.js";
import type { Logger } from "../logger.js";
import { logEvent } from "../log-events.js";
import { LruMap } from "../lru.js";
import type { ThreadOptions, TurnOptions } from "../options/index.js";
import type { Thread } from "../thread.js";
import type { Tool } from "../tools/index.js";
import { EventWriter, type EventEntry, type RedeliveryReason, type ScriptedRedis } from "./event-log.js";
import type { TurnJobData } from "./job-data.js";
import type { QueueKeys } from "./keys.js";
import type { RolloutFiles } from "./rollout-file.js";
import { contextOf, runInContext } from "./trace.js";
import { toWireError } from "./wire-errors.js";

/** What the attempt needs from its worker. */
export interface TurnJobContext {
  codex: Codex;
  redis: ScriptedRedis;
  keys: QueueKeys;
  files: RolloutFiles;
  tools: readonly Tool[];
  logger: Logger;
  queue: string;
  worker: string;
  /** How long a thread's state stays in Redis after its last turn. */
  threadTtlMs: number;
  /** How long a turn's event stream stays after its end. */
  eventsTtlMs: number;
  /** The rollout length this worker's disk holds per thread, as of its last checkpoint. */
  local: LruMap<string, number>;
  /** Aborts the turn when a producer interrupts it. */
  signal: AbortSignal;
  /**
   * Takes the thread for this attempt in this process: an attempt of this worker still running it
   * (stale: it lost its lock) is aborted and waited for. Returns the release.
   */
  claim(threadId: string, turn: AbortController): Promise<() => void>;
}

/** What the processor tells BullMQ. */
export type AttemptOutcome =
  /** The turn is over here; `next` names the thread whose following turn may run now. */
  | { kind: "done"; next?: { threadId: string; seq: number } }
  /** An earlier turn (`seq`, job `blocker`: "<jobId>:<submittedMs>", "" when unknown) has not finished. */
  | { kind: "wait"; threadId: string; seq: number; blocker: string }
  | { kind: "retry"; error: unknown };

/** How long a rollout may take to appear after codex started a new thread's first turn. */
const ROLLOUT_APPEAR_MS = 5_000;

/** Runs one attempt; never rejects except for BullMQ's own calls the caller makes. */
export async function runTurnJob(job: Job<TurnJobData>, ctx: TurnJobContext): Promise<AttemptOutcome> {
  const data = job.data;
  const jobId = job.id!;
  const startedAt = Date.now();
  const known = data.threadId ?? (await ctx.redis.get(ctx.keys.jobThread(jobId)));
  const base = { queue: ctx.queue, worker: ctx.worker, jobId, seq: data.seq };
  const cancelled = async (): Promise<boolean> => (await ctx.redis.exists(ctx.keys.cancelled(jobId))) === 1;
  const interrupted = new AbortError("the turn was interrupted before a worker started it");
  let options: ThreadOptions | null = null;
  let refused: unknown = null;
  try {
    options = threadOptionsOf(data, ctx.tools);
  } catch (error) {
    refused = error;
  }
  if (known === null) {
    if (options !== null && !(await cancelled())) return firstTurn(job, data, ctx, options, startedAt);
    await endWithout(ctx, jobId, refused ?? interrupted);
    return { kind: "done" };
  }

  const begun = await ctx.redis.beginTurn(ctx.keys.thread(known), data.seq);
  const [status, fence, len, rel, attempt = 1, failedBefore = 0] = begun;
  if (status === "done") return { kind: "done" };
  if (status === "wait") return { kind: "wait", threadId: known, seq: Number(fence), blocker: String(rel) };
  if (status === "gone") {
    await endWithout(ctx, jobId, new ThreadStateError(`thread ${known} is not in queue ${ctx.queue}: it was never started through it, or its state expired`));
    return { kind: "done" };
  }
  let stale = false;
  const turn = new AbortController();
  const writer = new EventWriter(ctx.redis, ctx.keys.thread(known), ctx.keys.events(jobId), Number(fence), ctx.eventsTtlMs, () => {
    stale = true;
    turn.abort(new ThreadStateError("another attempt took this turn over"));
  });
  // An interrupted or refused turn still takes its place in the thread's order, so the turns after it run.
  if (options === null || (await cancelled())) return failAttempt(job, data, ctx, { threadId: known, writer, error: refused ?? interrupted, startedAt });
  // A stale attempt of this worker at the same thread (it lost its lock, and this worker took the job again) is stopped first.
  const release = await ctx.claim(known, turn);
  const redelivered = (await ctx.redis.xlen(ctx.keys.events(jobId))) > 0;
  logEvent(ctx.logger, "queue.start", { ...base, threadId: known, attempt, fence: Number(fence), waitMs: startedAt - data.enqueuedAt });
  if (redelivered) {
    const reason: RedeliveryReason = failedBefore === 1 ? "attempt_failed" : "worker_lost";
    writer.write({ f: writer.fence, restart: { attempt, reason } });
    logEvent(ctx.logger, "queue.recover", { ...base, threadId: known, attempt, reason });
  }
  try {
    try {
      if (ctx.local.get(known) !== Number(len)) await restore(ctx, known, String(rel), base);
    } catch (error) {
      // The thread could not be put on this worker's disk (codex kept it loaded, a file system error): another attempt may do better.
      return await failAttempt(job, data, ctx, { threadId: known, writer, error: new RestoreError(error), startedAt });
    }
    const thread = ctx.codex.resumeThread(known, options);
    return await runAndCommit(job, data, ctx, { thread, threadId: known, rel: String(rel), len: Number(len), writer, turn, startedAt, stale: () => stale });
  } catch (error) {
    return failAttempt(job, data, ctx, { threadId: known, writer, error, startedAt });
  } finally {
    release();
  }
}

/** The thread's checkpoint could not be restored on this worker: worth another attempt. */
class RestoreError extends CodexError {
  constructor(cause: unknown) {
    super("turn_failed", `restoring the thread from its checkpoint failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause, retryable: true });
  }
}

/** The first turn of a new thread: checkpointed from its first rollout line before anything is shown. */
async function firstTurn(job: Job<TurnJobData>, data: TurnJobData, ctx: TurnJobContext, options: ThreadOptions, startedAt: number): Promise<AttemptOutcome> {
  const jobId = job.id!;
  const base = { queue: ctx.queue, worker: ctx.worker, jobId, seq: data.seq };
  logEvent(ctx.logger, "queue.start", { ...base, threadId: null, attempt: 1, fence: 1, waitMs: startedAt - data.enqueuedAt });
  const thread = ctx.codex.startThread(options);
  const turn = new AbortController();
  let stale = false;
  let writer: EventWriter | null = null;
  let rel = "";
  let len = 0;
  const held: ThreadEvent[] = [];
  try {
    const signal = AbortSignal.any([ctx.signal, turn.signal]);
    const { events } = await runInContext(contextOf(data.trace), () => thread.runStreamed(data.input, turnOptionsOf(data, signal)));
    let error: unknown;
    let failed = false;
    try {
      for await (const event of events) {
        if (event.type === "turn.failed") failed = true;
        if (writer) {
          writer.write({ f: writer.fence, e: event });
          continue;
        }
        held.push(event);
        if (event.type !== "turn.started" || thread.id === null) continue;
        const threadId = thread.id;
        rel = (await waitForRollout(ctx.files, threadId)) ?? "";
        if (!rel) throw new CodexError("turn_failed", `codex wrote no rollout for thread ${threadId}; a queued thread needs one (is the thread ephemeral?)`);
        const first = await ctx.files.readFrom(rel, 0);
        const session = first.subarray(0, first.indexOf(0x0a) + 1);
        len = session.length;
        const created = await ctx.redis.initThread(ctx.keys.thread(threadId), ctx.keys.chunks(threadId), ctx.keys.jobThread(jobId), rel, session, jobId, ctx.threadTtlMs, threadId, Date.now());
        if (created === -1) {
          // Another attempt at this first turn recorded its thread: this one is stale and shows nothing.
          stale = true;
          break;
        }
        if (created !== 1) throw new ThreadStateError(`thread ${threadId} already exists in queue ${ctx.queue}`);
        writer = new EventWriter(ctx.redis, ctx.keys.thread(threadId), ctx.keys.events(jobId), 1, ctx.eventsTtlMs, () => {
          stale = true;
          turn.abort(new ThreadStateError("another attempt took this turn over"));
        });
        for (const e of held.splice(0)) writer.write({ f: 1, e });
      }
    } catch (thrown) {
      error = thrown;
    }
    if (stale) {
      logEvent(ctx.logger, "queue.complete", { ...base, threadId: thread.id, outcome: "stale", code: "invalid_state", durationMs: Date.now() - startedAt });
      return { kind: "done" };
    }
    if (!writer || thread.id === null) {
      // Nothing was shown and no thread is recorded: a retry starts afresh.
      if (isInfrastructure(error) && attemptsLeft(job)) return { kind: "retry", error };
      await endWithout(ctx, jobId, error ?? new CodexError("turn_failed", "the turn ended before codex started it"));
      return { kind: "done" };
    }
    return await commit(job, data, ctx, { threadId: thread.id, rel, len, writer, error, failed, startedAt, stale: () => stale });
  } catch (error) {
    if (!writer || thread.id === null) {
      if (isInfrastructure(error) && attemptsLeft(job)) return { kind: "retry", error };
      await endWithout(ctx, jobId, error);
      return { kind: "done" };
    }
    return failAttempt(job, data, ctx, { threadId: thread.id, writer, error, startedAt });
  }
}

interface Running {
  thread: Thread;
  threadId: string;
  rel: string;
  len: number;
  writer: EventWriter;
  turn: AbortController;
  startedAt: number;
  stale: () => boolean;
}

/** Runs the turn of a known thread, streaming its events, then commits. */
async function runAndCommit(job: Job<TurnJobData>, data: TurnJobData, ctx: TurnJobContext, run: Running): Promise<AttemptOutcome> {
  const signal = AbortSignal.any([ctx.signal, run.turn.signal]);
  const { events } = await runInContext(contextOf(data.trace), () => run.thread.runStreamed(data.input, turnOptionsOf(data, signal)));
  let error: unknown;
  let failed = false;
  try {
    for await (const event of events) {
      if (event.type === "turn.failed") failed = true;
      run.writer.write({ f: run.writer.fence, e: event });
    }
  } catch (thrown) {
    error = thrown;
  }
  return commit(job, data, ctx, { ...run, error, failed });
}

interface Finished {
  threadId: string;
  rel: string;
  len: number;
  writer: EventWriter;
  error?: unknown;
  /** The turn ended with `turn.failed` (codex's failure, not an error of the attempt). */
  failed?: boolean;
  startedAt: number;
  stale: () => boolean;
}

/** Writes the rollout's new bytes and the end entry in one fenced step (or hands an infrastructure failure to BullMQ). */
async function commit(job: Job<TurnJobData>, data: TurnJobData, ctx: TurnJobContext, done: Finished): Promise<AttemptOutcome> {
  const jobId = job.id!;
  const base = { queue: ctx.queue, worker: ctx.worker, jobId, seq: data.seq, threadId: done.threadId };
  if (done.stale()) return staleAttempt(ctx, base, done.threadId);
  if (isInfrastructure(done.error)) return failAttempt(job, data, ctx, { threadId: done.threadId, writer: done.writer, error: done.error, startedAt: done.startedAt });
  await done.writer.flush();
  const bytes = await ctx.files.readFrom(done.rel, done.len);
  const end: EventEntry = { f: done.writer.fence, end: done.error === undefined ? {} : { error: toWireError(done.error) } };
  const written = await ctx.redis.commitTurn(ctx.keys.thread(done.threadId), ctx.keys.chunks(done.threadId), ctx.keys.events(jobId), done.writer.fence, done.len, bytes, data.seq, JSON.stringify(end), ctx.threadTtlMs, ctx.eventsTtlMs);
  if (written !== 1) return staleAttempt(ctx, base, done.threadId);
  ctx.local.set(done.threadId, done.len + bytes.length);
  logEvent(ctx.logger, "queue.checkpoint", { ...base, bytes: bytes.length, totalBytes: done.len + bytes.length });
  const outcome = done.error === undefined && !done.failed ? "completed" : done.error instanceof AbortError ? "aborted" : "failed";
  logEvent(ctx.logger, "queue.complete", { ...base, outcome, code: done.error instanceof CodexError ? done.error.code : undefined, durationMs: Date.now() - done.startedAt });
  return { kind: "done", next: { threadId: done.threadId, seq: data.seq + 1 } };
}

/** A later attempt holds the thread: this one's work is dropped, and this worker's rollout is no longer trusted. */
function staleAttempt(ctx: TurnJobContext, base: Record<string, unknown>, threadId: string): AttemptOutcome {
  ctx.local.delete(threadId);
  logEvent(ctx.logger, "queue.complete", { ...base, outcome: "stale", code: "invalid_state" });
  return { kind: "done" };
}

/**
 * An attempt that failed outside the turn (codex died, the checkpoint could not be restored):
 * BullMQ tries again while attempts remain; after the last one, the turn ends with the error and
 * the thread goes on without it (its history is the last checkpoint).
 */
async function failAttempt(job: Job<TurnJobData>, data: TurnJobData, ctx: TurnJobContext, failed: { threadId: string; writer: EventWriter; error: unknown; startedAt: number }): Promise<AttemptOutcome> {
  ctx.local.delete(failed.threadId);
  if (isInfrastructure(failed.error) && attemptsLeft(job)) {
    // The next attempt says it follows a failure, not a lost worker.
    await ctx.redis.hset(ctx.keys.thread(failed.threadId), `failed:${data.seq}`, "1").catch(() => undefined);
    return { kind: "retry", error: failed.error };
  }
  await failed.writer.flush().catch(() => undefined);
  const len = Number(await ctx.redis.hget(ctx.keys.thread(failed.threadId), "len"));
  const end: EventEntry = { f: failed.writer.fence, end: { error: toWireError(failed.error) } };
  const written = await ctx.redis.commitTurn(ctx.keys.thread(failed.threadId), ctx.keys.chunks(failed.threadId), ctx.keys.events(job.id!), failed.writer.fence, len, Buffer.alloc(0), data.seq, JSON.stringify(end), ctx.threadTtlMs, ctx.eventsTtlMs);
  if (written !== 1) return staleAttempt(ctx, { queue: ctx.queue, worker: ctx.worker, jobId: job.id, seq: data.seq, threadId: failed.threadId }, failed.threadId);
  const outcome = failed.error instanceof AbortError ? "aborted" : "failed";
  logEvent(ctx.logger, "queue.complete", { queue: ctx.queue, worker: ctx.worker, jobId: job.id, seq: data.seq, threadId: failed.threadId, outcome, code: failed.error instanceof CodexError ? failed.error.code : "unknown", durationMs: Date.now() - failed.startedAt });
  return { kind: "done", next: { threadId: failed.threadId, seq: data.seq + 1 } };
}

/** Ends a turn that holds no thread (it never started one, or it was refused) with `error`. */
async function endWithout(ctx: TurnJobContext, jobId: string, error: unknown): Promise<void> {
  const end: EventEntry = { f: 0, end: { error: toWireError(error) } };
  await ctx.redis.xadd(ctx.keys.events(jobId), "*", "e", JSON.stringify(end));
  await ctx.redis.pexpire(ctx.keys.events(jobId), ctx.eventsTtlMs);
}

/** This worker's rollout is not the checkpoint's: codex lets go of its copy, and the checkpoint is written to disk. */
async function restore(ctx: TurnJobContext, threadId: string, rel: string, base: Record<string, unknown>): Promise<void> {
  await ctx.codex.unloadThread(threadId);
  const chunks = await ctx.redis.lrangeBuffer(ctx.keys.chunks(threadId), 0, -1);
  await ctx.files.restore(threadId, rel, chunks);
  ctx.local.delete(threadId);
  logEvent(ctx.logger, "queue.recover", { ...base, threadId, reason: "moved", bytes: chunks.reduce((sum, chunk) => sum + chunk.length, 0) });
}

/** A failure of the machinery rather than of the turn: worth another attempt, on this worker or another. */
function isInfrastructure(error: unknown): boolean {
  return error instanceof ConnectionClosedError || error instanceof CodexExitError || error instanceof CodexSpawnError || error instanceof RestoreError;
}

/** Whether BullMQ gives the job another attempt after this one. */
function attemptsLeft(job: Job<TurnJobData>): boolean {
  return job.attemptsMade + 1 < (job.opts.attempts ?? 1);
}

/** The thread options the worker's `Codex` gets: the job's, with the named tools of this worker. */
function threadOptionsOf(data: TurnJobData, tools: readonly Tool[]): ThreadOptions {
  const { tools: names, ...rest } = data.thread;
  if (names === undefined) return { ...rest, tools: [...tools] };
  const byName = new Map(tools.map((tool) => [tool.name, tool]));
  const missing = names.filter((name) => !byName.has(name));
  if (missing.length > 0) {
    throw new InvalidOptionsError(`this worker has no tool named ${missing.map((n) => JSON.stringify(n)).join(", ")}; it has ${tools.length === 0 ? "none" : tools.map((t) => JSON.stringify(t.name)).join(", ")}`);
  }
  return { ...rest, tools: names.map((name) => byName.get(name)!) };
}

/** The rollout of a thread codex just started, once it is on disk (null after the wait). */
async function waitForRollout(files: RolloutFiles, threadId: string): Promise<string | null> {
  const deadline = Date.now() + ROLLOUT_APPEAR_MS;
  for (;;) {
    const rel = await files.find(threadId);
    if (rel !== null && (await files.readFrom(rel, 0)).length > 0) return rel;
    if (Date.now() > deadline) return null;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The turn options a job carries, with the attempt's signal. */
function turnOptionsOf(data: TurnJobData, signal: AbortSignal): TurnOptions {
  const options: TurnOptions = { signal };
  if (data.outputSchema) options.outputSchema = data.outputSchema;
  if (data.retry !== undefined) options.retry = data.retry;
  if (data.cyberAccessProgram !== undefined) options.cyberAccessProgram = data.cyberAccessProgram;
  return options;
}
