/**
 * Retrying a failed turn. A turn that fails with a retryable error (rate limit, server or
 * connection trouble) before it did any work (no item, delta, tool call or approval) runs again
 * after an exponential backoff with jitter. The failed attempt is first removed from the thread's
 * history (`Transport.revertTurn`), so the user's input is not repeated; a transport that cannot
 * do that does not retry.
 */
import { InvalidOptionsError, type CodexError } from "../errors/index.js";
import { MAX_TIMER_MS } from "../timers.js";

/** How failed turns are retried (`retry` on `Codex` and on a turn). */
export interface RetryOptions {
  /** Attempts in all, the first included (default 3; 1 = never retry). */
  maxAttempts?: number;
  /** The first backoff, doubled after each failure (default 200 ms). */
  baseDelayMs?: number;
  /** The longest backoff (default 10000 ms); a delay the server asks for beyond it is not waited for. */
  maxDelayMs?: number;
}

/** A retry setting: options, or `false` to never retry. */
export type RetrySetting = RetryOptions | false;

/** A retry policy with every value decided. */
export type RetryPolicy = Required<RetryOptions>;

/** What `onRetry` and the `turn.retrying` event tell about a retry. */
export interface RetryInfo {
  /** The attempt that failed (1 for the first). */
  attempt: number;
  maxAttempts: number;
  /** How long codexkit waits before the next attempt. */
  delayMs: number;
  /** Why the attempt failed. */
  error: CodexError;
  threadId: string;
}

/** Three attempts, 200 ms doubling up to 10 s. */
export const DEFAULT_RETRY: RetryPolicy = Object.freeze({ maxAttempts: 3, baseDelayMs: 200, maxDelayMs: 10_000 });

/** Throws `InvalidOptionsError` unless `value` is a retry setting; `where` names it. */
export function checkRetry(value: unknown, where: string): void {
  if (value === undefined || value === false) return;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InvalidOptionsError(`${where} must be false or { maxAttempts, baseDelayMs, maxDelayMs }`);
  }
  const { maxAttempts, baseDelayMs, maxDelayMs } = value as RetryOptions;
  if (maxAttempts !== undefined && !(Number.isInteger(maxAttempts) && maxAttempts >= 1 && maxAttempts <= 100)) {
    throw new InvalidOptionsError(`${where}.maxAttempts must be a whole number from 1 to 100`);
  }
  for (const [key, ms] of [["baseDelayMs", baseDelayMs], ["maxDelayMs", maxDelayMs]] as const) {
    if (ms !== undefined && !(Number.isFinite(ms) && ms >= 0 && ms <= MAX_TIMER_MS)) {
      throw new InvalidOptionsError(`${where}.${key} must be a number of milliseconds from 0 to ${MAX_TIMER_MS}`);
    }
  }
}

/** The policy for a turn: the turn's setting over the client's over the default; null: no retries. */
export function retryPolicy(client: RetrySetting | undefined, turn: RetrySetting | undefined): RetryPolicy | null {
  const setting = turn ?? client;
  if (setting === false) return null;
  const policy = { ...DEFAULT_RETRY, ...(client || {}), ...(turn || {}) };
  return policy.maxAttempts > 1 ? policy : null;
}

/**
 * The wait before the attempt after `attempt`: `baseDelayMs · 2^(attempt-1)`, capped at
 * `maxDelayMs`, of which a random half is kept (so clients that failed together do not retry
 * together), and never less than a delay the server asked for. Null when the server asked for
 * more than `maxDelayMs`: waiting that long is not a retry any more.
 */
export function retryDelay(policy: RetryPolicy, attempt: number, retryAfterMs: number | null, random: () => number = Math.random): number | null {
  if (retryAfterMs !== null && retryAfterMs > policy.maxDelayMs) return null;
  const capped = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const backoff = Math.round(capped / 2 + random() * (capped / 2));
  return Math.max(backoff, retryAfterMs ?? 0);
}
