/**
 * A reference count for something that should stay alive only while someone uses it (a process
 * kept from letting Node exit while a turn or call runs): the first hold wakes it, the last
 * release lets it idle, and each release works once however often it is called.
 */

/** What to do when the count leaves or returns to zero. */
export interface RefCountHooks {
  /** Called when the count goes from 0 to 1. */
  onBusy?: () => void;
  /** Called when the count returns to 0. */
  onIdle?: () => void;
}

/** Counts holds; see the module comment. */
export class RefCount {
  private holds = 0;
  private readonly idleWaiters = new Set<() => void>();

  constructor(private readonly hooks: RefCountHooks = {}) {}

  /** How many holds are not released yet. */
  get count(): number {
    return this.holds;
  }

  /**
   * Takes one hold; returns its release. Calling the release again is a no-op, so a `finally` and
   * an error path may both release without driving the count below what is really held.
   */
  acquire(): () => void {
    if (this.holds++ === 0) this.hooks.onBusy?.();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.holds > 0) return;
      this.hooks.onIdle?.();
      const waiters = [...this.idleWaiters];
      this.idleWaiters.clear();
      for (const resolve of waiters) resolve();
    };
  }

  /**
   * Resolves once no hold is left (at once when none is), or when `until` settles first (the
   * holder went away: its holds may never be released); the waiter is forgotten either way.
   */
  idle(until?: Promise<unknown>): Promise<void> {
    if (this.holds === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        this.idleWaiters.delete(done);
        resolve();
      };
      this.idleWaiters.add(done);
      until?.then(done, done);
    });
  }
}
