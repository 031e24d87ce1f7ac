/**
 * The Redis keys of a queue, beside BullMQ's own (which share the prefix): a thread's state and
 * rollout checkpoint, a turn's event stream, and the channel that carries interrupts.
 */

/** Key names of one queue. `prefix` is BullMQ's key prefix, `name` the queue's. */
export class QueueKeys {
  readonly base: string;
  constructor(prefix: string, name: string) {
    // BullMQ's job ids never hold a colon, so nothing of BullMQ's is named `<prefix>:<name>:ck:...`.
    this.base = `${prefix}:${name}:ck`;
  }
  /** Hash: seq (turns submitted), done (turns completed), fence, len (checkpoint bytes), rel (rollout path under CODEX_HOME), job (latest turn's job id). */
  thread(threadId: string): string {
    return `${this.base}:thread:${threadId}`;
  }
  /** List: the rollout checkpoint, one element per turn (its new bytes). */
  chunks(threadId: string): string {
    return `${this.base}:rollout:${threadId}`;
  }
  /** Stream: a turn's events, in order, ending with its end entry. */
  events(jobId: string): string {
    return `${this.base}:events:${jobId}`;
  }
  /** String: the thread a turn's job started (its first turn), set once its checkpoint exists. */
  jobThread(jobId: string): string {
    return `${this.base}:job-thread:${jobId}`;
  }
  /** String: set when a producer interrupts a turn, so a worker that has not started it yet sees it. */
  cancelled(jobId: string): string {
    return `${this.base}:cancelled:${jobId}`;
  }
  /** Pub/sub channel: job ids of turns to interrupt now. */
  get interrupts(): string {
    return `${this.base}:interrupts`;
  }
}
