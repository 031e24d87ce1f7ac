import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvalidOptionsError } from "../../../src/errors/index.js";
import { checkRetry, DEFAULT_RETRY, retryDelay, retryPolicy } from "../../../src/turn/index.js";

describe("retryPolicy", () => {
  it("defaults, merges the turn's setting over the client's, and turns off with false or one attempt", () => {
    expect(retryPolicy(undefined, undefined)).toEqual(DEFAULT_RETRY);
    expect(retryPolicy({ maxAttempts: 5 }, { baseDelayMs: 1 })).toEqual({ ...DEFAULT_RETRY, maxAttempts: 5, baseDelayMs: 1 });
    expect(retryPolicy(false, undefined)).toBeNull();
    expect(retryPolicy(false, { maxAttempts: 2 })).toEqual({ ...DEFAULT_RETRY, maxAttempts: 2 });
    expect(retryPolicy({ maxAttempts: 4 }, false)).toBeNull();
    expect(retryPolicy({ maxAttempts: 1 }, undefined)).toBeNull();
  });
});

describe("checkRetry", () => {
  it.each([null, 3, "yes", [], { maxAttempts: 0 }, { maxAttempts: 1.5 }, { maxAttempts: 101 }, { baseDelayMs: -1 }, { maxDelayMs: Infinity }, { maxDelayMs: 2 ** 31 }])(
    "refuses %j",
    (value) => {
      expect(() => checkRetry(value, "retry")).toThrow(InvalidOptionsError);
    },
  );

  it.each([undefined, false, {}, { maxAttempts: 1 }, { maxAttempts: 10, baseDelayMs: 0, maxDelayMs: 0 }])("accepts %j", (value) => {
    expect(() => checkRetry(value, "retry")).not.toThrow();
  });
});

describe("retryDelay", () => {
  it("doubles from the base, keeps a random half, caps at the maximum, and honours a server delay within it", () => {
    const policy = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1_000 };
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
          const delay = retryDelay({ maxAttempts: 3, baseDelayMs, maxDelayMs }, attempt, retryAfterMs, () => random);
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
