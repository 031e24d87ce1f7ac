/**
 * Lets codex unload the threads nobody uses. codex keeps a loaded thread in memory for as long as
 * a client is subscribed to it (about 1.1 MB each with codex 0.169); once none is, it unloads the
 * thread after `thread_unload_delay_secs` (codexkit starts its own app-server with 0). So a thread
 * whose last turn ended `idleMs` ago is unsubscribed here, and forgotten as loaded: its next turn
 * resumes it from its rollout, with its history. Ephemeral threads have no rollout to come back
 * from, so they stay. One unref'd timer sweeps; it never keeps Node alive.
 */
import type { Logger } from "../../logger.js";
import { LruMap } from "../../lru.js";
import { MAX_LOADED_THREADS } from "../../options/index.js";
import type { AppServer } from "./server.js";
import type { OutgoingParams } from "./params.js";

/** A thread with no turn for this long is unloaded (5 minutes). */
export const DEFAULT_IDLE_THREAD_MS = 300_000;
/** How often the sweep runs, at most (a short `idleMs` in tests is swept sooner). */
const SWEEP_EVERY_MS = 30_000;

/** Threads whose last turn has ended, oldest first, with the process they are loaded in. */
export class IdleThreads {
  private readonly idle = new LruMap<string, { server: AppServer; endedAt: number }>(MAX_LOADED_THREADS);
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly idleMs: number,
    private readonly logger: Logger,
    /** Whether a thread has a turn running now (it is not idle, whatever its last end). */
    private readonly running: (threadId: string) => boolean = () => false,
  ) {}

  /** A turn of `threadId` starts: it is in use. */
  started(threadId: string): void {
    this.idle.delete(threadId);
  }

  /** A turn of `threadId` ended on `server`; an ephemeral thread is never unloaded. */
  ended(threadId: string, server: AppServer, ephemeral: boolean): void {
    if (this.idleMs === 0 || ephemeral) return;
    this.idle.set(threadId, { server, endedAt: Date.now() });
    if (this.timer) return;
    this.timer = setInterval(() => this.sweep(), Math.min(SWEEP_EVERY_MS, Math.max(10, this.idleMs / 2)));
    this.timer.unref();
  }

  /** Unsubscribes every thread idle for `idleMs`. */
  sweep(): void {
    const due = Date.now() - this.idleMs;
    for (;;) {
      const oldest = this.idle.find(() => true);
      if (!oldest || oldest[1].endedAt > due) break;
      const [threadId, { server }] = oldest;
      this.idle.delete(threadId);
      if (!server.alive || this.running(threadId) || !server.loaded.has(threadId)) continue;
      // Forgotten first: a turn asked for from now on resumes the thread, which subscribes again.
      server.loaded.delete(threadId);
      void server.rpc.request("thread/unsubscribe", { threadId } satisfies OutgoingParams<"thread/unsubscribe">).then(
        () => this.logger.debug({ threadId }, "thread idle: unsubscribed, so codex can unload it"),
        (error: unknown) => this.logger.debug({ threadId, error: String(error) }, "thread/unsubscribe failed"),
      );
    }
    if (this.idle.size === 0) this.stop();
  }

  /** Stops the sweep (the client closes). */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
