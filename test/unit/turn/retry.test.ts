import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_RETRY, nextRetry, retryDelay, retryPolicy, type RetryPolicy } from "../../../src/turn/index.js";

describe("retryPolicy", () => {
  it("is off unless set, as in the official SDK", () => {
    expect(retryPolicy(undefined, undefined)).toBeNull();
    expect(retryPolicy(false, undefined)).toBeNull();
    expect(retryPolicy(undefined, false)).toBeNull();
  });

  it("true is the documented default policy: 3 attempts, 200 ms doubling to 10 s, one minute in all", () => {
    expect(DEFAULT_RETRY).toEqual({ maxAttempts: 3, baseDelayMs: 200, maxDelayMs: 10_000, maxElapsedMs: 60_000 });
    expect(retryPolicy(true, undefined)).toEqual(DEFAULT_RETRY);
    expect(retryPolicy(undefined, true)).toEqual(DEFAULT_RETRY);
    expect(retryPolicy({}, undefined)).toEqual(DEFAULT_RETRY);
  });

  it("merges the turn's options over the client's over the defaults; the turn's setting decides whether", () => {
    expect(retryPolicy({ maxAttempts: 5 }, { baseDelayMs: 1 })).toEqual({ ...DEFAULT_RETRY, maxAttempts: 5, baseDelayMs: 1 });
    expect(retryPolicy({ maxAttempts: 5 }, true)).toEqual({ ...DEFAULT_RETRY, maxAttempts: 5 });
    expect(retryPolicy(false, { maxAttempts: 2 })).toEqual({ ...DEFAULT_RETRY, maxAttempts: 2 });
    expect(retryPolicy({ maxAttempts: 4 }, false)).toBeNull();
    expect(retryPolicy({ maxAttempts: 1 }, undefined)).toBeNull();
    // An option given as undefined keeps the value under it.
    expect(retryPolicy({ maxAttempts: 4 }, { maxAttempts: undefined, maxElapsedMs: 5 })).toEqual({ ...DEFAULT_RETRY, maxAttempts: 4, maxElapsedMs: 5 });
  });
});

describe("retryDelay", () => {
  it("doubles from the base, keeps a random half, caps at the maximum, and honours a server delay within it", () => {
    const policy = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1_000, maxElapsedMs: 60_000 };
    expect(retryDelay(policy, 1, null, () => 0)).toBe(50);
    expect(retryDelay(policy, 1, null, () => 1)).toBe(100);
    expect(retryDelay(policy, 3, null, () => 1)).toBe(400);
    expect(retryDelay(policy, 10, null, () => 1)).toBe(1_000);
    expect(retryDelay(policy, 1, 700, () => 0)).toBe(700);
    expect(retryDelay(policy, 1, 5_000, () => 0)).toBeNull();
  });

  it("always lies between half the capped backoff and the cap, and never below a server delay", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 60_000 }),
        fc.integer({ min: 1, max: 40 }),
        fc.option(fc.integer({ min: 0, max: 60_000 }), { nil: null }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (baseDelayMs, maxDelayMs, attempt, retryAfterMs, random) => {
          const delay = retryDelay({ maxAttempts: 3, baseDelayMs, maxDelayMs, maxElapsedMs: 60_000 }, attempt, retryAfterMs, () => random);
          if (retryAfterMs !== null && retryAfterMs > maxDelayMs) {
            expect(delay).toBeNull();
            return;
          }
          const capped = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
          expect(delay).not.toBeNull();
          expect(delay!).toBeGreaterThanOrEqual(Math.max(Math.floor(capped / 2), retryAfterMs ?? 0));
          expect(delay!).toBeLessThanOrEqual(Math.max(Math.ceil(capped), retryAfterMs ?? 0));
        },
      ),
    );
  });
});

describe("nextRetry", () => {
  const policy: RetryPolicy = { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1_000, maxElapsedMs: 5_000 };
  const fresh = { attempts: 1, requests: 1, lastRequests: 1, elapsedMs: 0 };

  it("counts codex's own retries: an attempt codex retried once costs two of maxAttempts, and the next is counted as costly", () => {
    expect(nextRetry(policy, fresh, null, () => 1)).toEqual({ delayMs: 100 });
    expect(nextRetry(policy, { attempts: 2, requests: 2, lastRequests: 1, elapsedMs: 0 }, null, () => 1)).toEqual({ delayMs: 200 });
    expect(nextRetry(policy, { attempts: 3, requests: 3, lastRequests: 1, elapsedMs: 0 }, null)).toEqual({ refused: "max_attempts" });
    expect(nextRetry(policy, { attempts: 1, requests: 2, lastRequests: 2, elapsedMs: 0 }, null)).toEqual({ refused: "max_attempts" });
    expect(nextRetry({ ...policy, maxAttempts: 4 }, { attempts: 1, requests: 2, lastRequests: 2, elapsedMs: 0 }, null, () => 1)).toEqual({ delayMs: 100 });
    // codex alone went past the budget: codexkit adds nothing.
    expect(nextRetry(policy, { attempts: 1, requests: 6, lastRequests: 6, elapsedMs: 0 }, null)).toEqual({ refused: "max_attempts" });
  });

  it("refuses a wait that would end after maxElapsedMs, and a server delay beyond maxDelayMs", () => {
    expect(nextRetry(policy, { ...fresh, elapsedMs: 4_950 }, null, () => 1)).toEqual({ refused: "max_elapsed" });
    expect(nextRetry(policy, { ...fresh, elapsedMs: 4_900 }, null, () => 1)).toEqual({ delayMs: 100 });
    expect(nextRetry(policy, fresh, 2_000)).toEqual({ refused: "max_delay" });
    expect(nextRetry(policy, { ...fresh, elapsedMs: 4_001 }, 1_000)).toEqual({ refused: "max_elapsed" });
    expect(nextRetry(policy, { ...fresh, elapsedMs: 4_000 }, 1_000)).toEqual({ delayMs: 1_000 });
  });

  it("never lets the turn's model requests or time pass the budget, if codex retries every attempt alike", () => {
    fc.assert(
      fc.property(
        fc.record({
          maxAttempts: fc.integer({ min: 1, max: 100 }),
          baseDelayMs: fc.integer({ min: 0, max: 5_000 }),
          maxDelayMs: fc.integer({ min: 0, max: 20_000 }),
          maxElapsedMs: fc.integer({ min: 0, max: 120_000 }),
        }),
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.option(fc.integer({ min: 0, max: 30_000 }), { nil: null }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (budget, codexRetries, attemptMs, retryAfterMs, random) => {
          // Play a persistent failure through the policy: each attempt takes attemptMs and 1 + codexRetries requests.
          let spent = { attempts: 1, requests: 1 + codexRetries, lastRequests: 1 + codexRetries, elapsedMs: attemptMs };
          for (;;) {
            const next = nextRetry(budget, spent, retryAfterMs, () => random);
            if ("refused" in next) break;
            expect(spent.elapsedMs + next.delayMs).toBeLessThanOrEqual(budget.maxElapsedMs);
            expect(next.delayMs).toBeGreaterThanOrEqual(retryAfterMs ?? 0);
            spent = {
              attempts: spent.attempts + 1,
              requests: spent.requests + 1 + codexRetries,
              lastRequests: 1 + codexRetries,
              elapsedMs: spent.elapsedMs + next.delayMs + attemptMs,
            };
          }
          // Within maxAttempts, unless codex's first attempt alone went past it (then codexkit added none).
          expect(spent.requests).toBeLessThanOrEqual(Math.max(budget.maxAttempts, 1 + codexRetries));
          if (spent.attempts > 1) expect(spent.requests).toBeLessThanOrEqual(budget.maxAttempts);
        },
      ),
    );
  });
});
