/**
 * When the staging store sweeps expired files: one timer, set for the earliest expiry asked for,
 * that never keeps Node alive.
 */
import { MAX_TIMER_MS } from "../timing/index.js";

/** A timer for the earliest of the times it is given. */
export class SweepTimer {
  private timer: NodeJS.Timeout | null = null;
  /** When the pending timer fires. */
  private due: number | null = null;
  private stopped = false;

  /** `sweep` runs when a scheduled time comes; a later `schedule` inside it sets the next. */
  constructor(private readonly sweep: () => void) {}

  /** Sweeps at `at` (ms since the epoch), unless an earlier sweep is already due. */
  schedule(at: number): void {
    if (this.stopped || (this.due !== null && this.due <= at)) return;
    if (this.timer) clearTimeout(this.timer);
    this.due = at;
    // A little late rather than early: the file must have expired when the sweep looks.
    this.timer = setTimeout(() => {
      this.timer = null;
      this.due = null;
      this.sweep();
    }, Math.min(Math.max(0, at - Date.now()) + 10, MAX_TIMER_MS));
    this.timer.unref();
  }

  /** Cancels the pending sweep; nothing is scheduled until `resume()`. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.due = null;
  }

  /** Allows scheduling again (the store was used after `close()`). */
  resume(): void {
    this.stopped = false;
  }
}
