/**
 * An unbounded async queue between the JSON-RPC reader (which must never block, or every other
 * thread on the process would stall) and one turn's event generator.
 */

/** Push values in; iterate them out; `fail` makes the iterator throw once the queue drains. */
export class AsyncQueue<T> {
  private readonly items: T[] = [];
  private waiter: (() => void) | null = null;
  private failure: { error: Error } | null = null;

  /** Adds a value; ignored after `fail`. */
  push(value: T): void {
    if (this.failure) return;
    this.items.push(value);
    this.wake();
  }

  /** Ends the queue with an error. */
  fail(error: Error): void {
    if (this.failure) return;
    this.failure = { error };
    this.wake();
  }

  /** Values in arrival order; throws the failure after the last value. */
  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    for (;;) {
      const next = this.items.shift();
      if (next !== undefined) {
        yield next;
        continue;
      }
      if (this.failure) throw this.failure.error;
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.();
  }
}
