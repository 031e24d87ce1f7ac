/**
 * Retrying a failed turn, when asked to (`retry` is off by default: codex already retries
 * transient failures itself, and the official SDK adds nothing to that). A turn that fails with a
 * retryable error (rate limit, server or connection trouble) before it did any work (no item,
 * delta, tool call or approval) runs again after an exponential backoff with jitter. The failed
 * attempt is first removed from the thread's history (`Transport.revertTurn`), so the user's
 * input is not repeated; a transport that cannot do that does not retry.
 *
 * The budget counts codex's own retries too (app-server reports each one), so codexkit never
 * multiplies them: `maxAttempts` bounds the model requests of the whole turn, and `maxElapsedMs`
 * its time.
 */
import type { RetryInfo, RetryOptions, RetrySetting } from "../options/index.js";
import { backoffDelay } from "../timing/index.js";

export type { RetryInfo, RetryOptions, RetrySetting };

/** A retry policy with every value decided. */
export type RetryPolicy = Required<RetryOptions>;

/** `retry: true`: three attempts, 200 ms doubling up to 10 s, one minute in all. */
export const DEFAULT_RETRY: RetryPolicy = Object.freeze({ maxAttempts: 3, baseDelayMs: 200, maxDelayMs: 10_000, maxElapsedMs: 60_000 });

/**
 * The policy for a turn, or null for no retries. The turn's setting decides whether (over the
 * client's); the values are the defaults, then the client's options, then the turn's.
 */
export function retryPolicy(client: RetrySetting | undefined, turn: RetrySetting | undefined): RetryPolicy | null {
  const setting = turn ?? client;
  if (setting === undefined || setting === false) return null;
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...defined(client), ...defined(turn) };
  return policy.maxAttempts > 1 ? policy : null;
}

/** The options a setting sets (an option given as `undefined` keeps the value under it). */
function defined(setting: RetrySetting | undefined): RetryOptions {
  if (typeof setting !== "object") return {};
  return Object.fromEntries(Object.entries(setting).filter(([, value]) => value !== undefined));
}

/**
 * The wait before the attempt after `attempt`: `baseDelayMs · 2^(attempt-1)`, capped at
 * `maxDelayMs`, of which a random half is kept (so clients that failed together do not retry
 * together), and never less than a delay the server asked for. Null when the server asked for
 * more than `maxDelayMs`: waiting that long is not a retry any more.
 */
export function retryDelay(policy: RetryPolicy, attempt: number, retryAfterMs: number | null, random: () => number = Math.random): number | null {
  if (retryAfterMs !== null && retryAfterMs > policy.maxDelayMs) return null;
  const backoff = backoffDelay({ baseDelayMs: policy.baseDelayMs, maxDelayMs: policy.maxDelayMs, jitter: 0.5 }, attempt - 1, random);
  return Math.max(backoff, retryAfterMs ?? 0);
}

/** What the turn's attempts have spent so far. */
export interface RetrySpent {
  /** codexkit's attempts so far (1 after the first). */
  attempts: number;
  /** Model requests so far: one per attempt, plus each retry codex made itself. */
  requests: number;
  /** Model requests of the last attempt alone (1 when codex did not retry it). */
  lastRequests: number;
  /** Time since the first attempt started. */
  elapsedMs: number;
}

/** Why a retryable failure is not retried, when the budget says no. */
export type RetryRefusal = "max_attempts" | "max_delay" | "max_elapsed";

/**
 * Whether the budget allows another attempt, and after how long. The next attempt is counted as
 * costly as the last one (codex retries the same failure as often again), so the turn's model
 * requests stay within `maxAttempts`; the wait must end within `maxElapsedMs` of the start.
 */
export function nextRetry(
  policy: RetryPolicy,
  spent: RetrySpent,
  retryAfterMs: number | null,
  random: () => number = Math.random,
): { delayMs: number } | { refused: RetryRefusal } {
  if (spent.requests + spent.lastRequests > policy.maxAttempts) return { refused: "max_attempts" };
  const delayMs = retryDelay(policy, spent.attempts, retryAfterMs, random);
  if (delayMs === null) return { refused: "max_delay" };
  if (spent.elapsedMs + delayMs > policy.maxElapsedMs) return { refused: "max_elapsed" };
  return { delayMs };
}
