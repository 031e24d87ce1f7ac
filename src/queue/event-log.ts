/**
 * A turn's events in a Redis stream: the worker appends them in order, the producer reads them
 * with a blocking XREAD. Every entry carries the fence of the attempt that wrote it, and every
 * write of an attempt is fenced by Redis (see scripts.ts), so a stale attempt writes nothing.
 * A turn run again after its worker was lost starts with a `restart` entry: a reader can tell
 * the lost attempt's events from the new one's.
 */
import type { Redis } from "ioredis";
import type { ThreadEvent } from "../events.js";
import type { WireError } from "./wire-errors.js";

/** Why a turn runs again. */
export type RedeliveryReason = "worker_lost" | "attempt_failed";

/** One entry of a turn's stream. */
export type EventEntry =
  | { f: number; e: ThreadEvent }
  | { f: number; restart: { attempt: number; reason: RedeliveryReason } }
  | { f: number; end: { error?: WireError } };

/** Redis with the queue's scripts defined on it (see `defineScripts`). */
export interface ScriptedRedis extends Redis {
  initThread(thread: string, chunks: string, jobThread: string, rel: string, bytes: Buffer, jobId: string, ttlMs: number, threadId: string, nowMs: number): Promise<number>;
  nextSeq(thread: string, jobId: string, nowMs: number): Promise<number>;
  beginTurn(thread: string, seq: number): Promise<[string, number, number, string, number?, number?]>;
  commitTurn(thread: string, chunks: string, events: string, fence: number, base: number, bytes: Buffer, seq: number, end: string, ttlMs: number, eventsTtlMs: number): Promise<number>;
  appendEvent(thread: string, events: string, fence: number, entry: string, eventsTtlMs: number): Promise<number>;
  skipTurn(thread: string, events: string, seq: number, end: string, eventsTtlMs: number): Promise<number>;
}

/** Appends an attempt's entries, fenced, in order, without waiting for each. */
export class EventWriter {
  private last: Promise<unknown> = Promise.resolve();
  private failure: Error | null = null;
  private stale = false;

  constructor(
    private readonly redis: ScriptedRedis,
    private readonly threadKey: string,
    private readonly eventsKey: string,
    readonly fence: number,
    private readonly eventsTtlMs: number,
    /** Called once when Redis refuses a write: another attempt holds the thread. */
    private readonly onStale: () => void,
  ) {}

  /** Appends an event (or a restart marker). */
  write(entry: EventEntry): void {
    // One connection runs commands in order: waiting for the last write waits for them all.
    this.last = this.redis.appendEvent(this.threadKey, this.eventsKey, this.fence, JSON.stringify(entry), this.eventsTtlMs).then(
      (ok) => {
        if (ok === 0 && !this.stale) {
          this.stale = true;
          this.onStale();
        }
      },
      (error: unknown) => {
        this.failure ??= error instanceof Error ? error : new Error(String(error));
      },
    );
  }

  /** Waits for every write so far; rejects when one failed. */
  async flush(): Promise<void> {
    await this.last;
    if (this.failure !== null) throw this.failure;
  }
}

/** How long a blocking read waits before the reader checks on the job (ms). */
export const READ_BLOCK_MS = 2_000;

/**
 * The entries of a turn's stream from the start, until its end entry. `idle()` is called each
 * time nothing arrived for `READ_BLOCK_MS`; it throws to stop reading (the job failed or vanished).
 */
export async function* readEntries(redis: Redis, key: string, idle: () => Promise<void>): AsyncGenerator<EventEntry> {
  let last = "0-0";
  for (;;) {
    const reply = await redis.xread("COUNT", 512, "BLOCK", READ_BLOCK_MS, "STREAMS", key, last);
    const entries = reply?.[0]?.[1] ?? [];
    if (entries.length === 0) {
      await idle();
      continue;
    }
    for (const [id, fields] of entries) {
      last = id;
      const entry = JSON.parse(fields[1]!) as EventEntry;
      yield entry;
      if ("end" in entry) return;
    }
  }
}
