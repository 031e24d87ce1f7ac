/**
 * Exponential backoff with a cap and optional jitter: one rule for every wait between tries in
 * codexkit (a retried turn, a restarted MCP server, a reconnecting remote app-server), so the
 * three speak the same vocabulary (`baseDelayMs`, `maxDelayMs`) and the same maths.
 */

/** How waits between tries grow. */
export interface BackoffPolicy {
  /** The wait before the first retry, in milliseconds. */
  baseDelayMs: number;
  /** No wait is longer, in milliseconds. */
  maxDelayMs: number;
  /**
   * The share of each wait (0 to 1) that is random, so clients that failed together do not retry
   * together: 0 (the default) waits exactly the capped delay, 0.5 a random half of it kept.
   */
  jitter?: number;
}

/**
 * The capped exponential delay before retry number `retry` (0 for the first):
 * `min(maxDelayMs, baseDelayMs · 2^retry)`. The ceiling every jittered wait stays under.
 */
export function backoffCap(policy: BackoffPolicy, retry: number): number {
  const { baseDelayMs, maxDelayMs } = policy;
  // 0 · 2^1100 would be NaN; a base of 0 means no wait at all.
  if (baseDelayMs <= 0 || maxDelayMs <= 0) return 0;
  return Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, retry));
}

/**
 * The wait before retry number `retry` (0 for the first), in whole milliseconds: the cap, of which
 * the `jitter` share is drawn from `random` (a function returning [0, 1), `Math.random` by
 * default; tests pass a fixed one, or use `jitter: 0`, to make waits deterministic).
 */
export function backoffDelay(policy: BackoffPolicy, retry: number, random: () => number = Math.random): number {
  const cap = backoffCap(policy, retry);
  const jitter = Math.min(1, Math.max(0, policy.jitter ?? 0));
  if (jitter === 0) return Math.round(cap);
  const fixed = cap * (1 - jitter);
  return Math.round(fixed + random() * (cap - fixed));
}
