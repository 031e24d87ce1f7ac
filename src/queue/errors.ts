/**
 * The queue's own error: Redis cannot be reached, or the queue's libraries are not installed.
 * Every other failure of a queued turn arrives as the codexkit class the worker saw.
 */
import { CodexError, type CodexErrorOptions } from "../errors/index.js";

/** Redis is missing, unreachable or refused the queue (within a bounded time), or bullmq/ioredis are not installed. */
export class QueueConnectionError extends CodexError {
  /** Where the queue tried to connect, without credentials ("" when nothing was tried). */
  readonly endpoint: string;
  constructor(message: string, endpoint: string, options?: CodexErrorOptions) {
    super("queue_unavailable", message, { ...options, retryable: options?.retryable ?? true });
    this.endpoint = endpoint;
  }
}
