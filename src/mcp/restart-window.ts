/**
 * A restart budget counted in a sliding window, as systemd's `StartLimitBurst` within
 * `StartLimitIntervalSec`: a server that crashes once a day is restarted for ever, while one that
 * keeps crashing runs out of restarts and stays down.
 */

/** The restarts made in the last `windowMs`, at most `max` of them. */
export class RestartWindow {
  private times: number[] = [];

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    /** A monotonic clock in milliseconds (wall-clock jumps must not refill or drain the budget). */
    private readonly now: () => number = () => performance.now(),
  ) {}

  /**
   * Takes one restart from the budget: how many restarts the window held before this one (for
   * the backoff), or `undefined` when it already holds `max` and the server must stay down.
   */
  take(): number | undefined {
    const now = this.now();
    this.times = this.times.filter((time) => now - time < this.windowMs);
    if (this.times.length >= this.max) return undefined;
    this.times.push(now);
    return this.times.length - 1;
  }
}
