/**
 * Retrying a failed turn. A turn that fails with a retryable error (rate limit, server or
 * connection trouble) before it did any work (no item, delta, tool call or approval) runs again
 * after an exponential backoff with jitter. The failed attempt is first removed from the thread's
 * history (`Transport.revertTurn`), so the user's input is not repeated; a transport that cannot
 * do that does not retry.
 */
import { InvalidOptionsError } from "../errors/index.js";
import type { RetryInfo, RetryOptions, RetrySetting } from "../options.js";
import { MAX_TIMER_MS } from "../timers.js";

export type { RetryInfo, RetryOptions, RetrySetting };

/** A retry policy with every value decided. */
export type RetryPolicy = Required<RetryOptions>;

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
