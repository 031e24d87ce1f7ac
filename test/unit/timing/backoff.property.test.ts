import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { backoffCap, backoffDelay, type BackoffPolicy } from "../../../src/timing/index.js";

const policy = fc.record({
  baseDelayMs: fc.integer({ min: 0, max: 60_000 }),
  maxDelayMs: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  jitter: fc.double({ min: 0, max: 1, noNaN: true }),
});
const retry = fc.integer({ min: 0, max: 2_000 });
/** A random source as `Math.random` gives: [0, 1). */
const unit = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

describe("backoffDelay (properties)", () => {
  it("stays within [cap · (1 - jitter), cap] and never above maxDelayMs, whatever the retry count (no NaN, no Infinity)", () => {
    fc.assert(
      fc.property(policy, retry, unit, (p, n, r) => {
        const cap = backoffCap(p, n);
        const delay = backoffDelay(p, n, () => r);
        expect(Number.isFinite(delay)).toBe(true);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(Math.max(0, p.maxDelayMs));
        expect(delay).toBeGreaterThanOrEqual(Math.floor(cap * (1 - p.jitter)));
        expect(delay).toBeLessThanOrEqual(Math.ceil(cap));
      }),
    );
  });

  it("grows monotonically with the retry count up to the cap, and stays there", () => {
    fc.assert(
      fc.property(policy, retry, (p, n) => {
        expect(backoffCap(p, n + 1)).toBeGreaterThanOrEqual(backoffCap(p, n));
        expect(backoffCap(p, n)).toBeLessThanOrEqual(p.maxDelayMs);
        if (p.baseDelayMs > 0) expect(backoffCap(p, 2_000)).toBe(p.maxDelayMs);
        // Without jitter the waits themselves are the caps: deterministic and monotone.
        const exact: BackoffPolicy = { baseDelayMs: p.baseDelayMs, maxDelayMs: p.maxDelayMs };
        expect(backoffDelay(exact, n + 1, () => 0.99)).toBeGreaterThanOrEqual(backoffDelay(exact, n, () => 0));
        expect(backoffDelay(exact, n, () => 0.99)).toBe(backoffDelay(exact, n, () => 0));
      }),
    );
  });

  it("uses the whole jitter range: the lowest random draw gives the floor, the highest nears the cap", () => {
    fc.assert(
      fc.property(policy, retry, (p, n) => {
        const cap = backoffCap(p, n);
        expect(backoffDelay(p, n, () => 0)).toBe(Math.round(cap * (1 - p.jitter)));
        // Whole-millisecond settings make whole caps, which the highest draw reaches once rounded.
        expect(backoffDelay(p, n, () => 1 - Number.EPSILON)).toBe(cap);
      }),
    );
  });
});

describe("backoffDelay", () => {
  it("doubles from baseDelayMs up to maxDelayMs: 200, 400, 800 … 5000", () => {
    const p = { baseDelayMs: 200, maxDelayMs: 5_000 };
    expect([0, 1, 2, 3, 4, 5, 6].map((n) => backoffDelay(p, n))).toEqual([200, 400, 800, 1_600, 3_200, 5_000, 5_000]);
  });

  it("keeps a random half with jitter 0.5 (a turn retry's rule), drawn from the random source given", () => {
    const p = { baseDelayMs: 200, maxDelayMs: 10_000, jitter: 0.5 };
    expect(backoffDelay(p, 2, () => 0)).toBe(400);
    expect(backoffDelay(p, 2, () => 0.5)).toBe(600);
    expect(backoffDelay(p, 2, () => 0.999)).toBe(800);
  });

  it("is 0 for a base of 0 however many retries came before (0 · 2^2000 would be NaN)", () => {
    expect(backoffDelay({ baseDelayMs: 0, maxDelayMs: 5_000 }, 2_000)).toBe(0);
  });
});
