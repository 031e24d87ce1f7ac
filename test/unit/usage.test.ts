import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Usage } from "../../src/events.js";
import { addUsage, emptyUsage, toUsage, usageSince } from "../../src/usage.js";

const FIELDS = ["input_tokens", "cached_input_tokens", "cache_write_input_tokens", "output_tokens", "reasoning_output_tokens"] as const;

const count = fc.nat({ max: 1e12 });
const usage: fc.Arbitrary<Usage> = fc.record({
  input_tokens: count,
  cached_input_tokens: count,
  cache_write_input_tokens: count,
  output_tokens: count,
  reasoning_output_tokens: count,
});
/** A pair `[previous, total]` with total >= previous field by field. */
const growing = fc.tuple(usage, usage).map(([previous, extra]) => [previous, addUsage(previous, extra)] as const);

describe("emptyUsage", () => {
  it("is all zeros and a fresh object each time", () => {
    const a = emptyUsage();
    expect(a).toEqual({ input_tokens: 0, cached_input_tokens: 0, cache_write_input_tokens: 0, output_tokens: 0, reasoning_output_tokens: 0 });
    a.input_tokens = 5;
    expect(emptyUsage().input_tokens).toBe(0);
  });
});

describe("addUsage / usageSince", () => {
  it("adds field by field", () => {
    expect(
      addUsage(
        { input_tokens: 1, cached_input_tokens: 2, cache_write_input_tokens: 3, output_tokens: 4, reasoning_output_tokens: 5 },
        { input_tokens: 10, cached_input_tokens: 20, cache_write_input_tokens: 30, output_tokens: 40, reasoning_output_tokens: 50 },
      ),
    ).toEqual({ input_tokens: 11, cached_input_tokens: 22, cache_write_input_tokens: 33, output_tokens: 44, reasoning_output_tokens: 55 });
  });

  it("addUsage(previous, usageSince(total, previous)) equals total when total >= previous", () => {
    fc.assert(
      fc.property(growing, ([previous, total]) => {
        expect(addUsage(previous, usageSince(total, previous))).toEqual(total);
      }),
    );
  });

  it("usageSince(addUsage(a, b), a) equals b", () => {
    fc.assert(
      fc.property(usage, usage, (a, b) => {
        expect(usageSince(addUsage(a, b), a)).toEqual(b);
      }),
    );
  });

  it("never returns a negative count, and falls back to the total when a count went down", () => {
    fc.assert(
      fc.property(usage, usage, (total, previous) => {
        const since = usageSince(total, previous);
        for (const field of FIELDS) {
          expect(since[field]).toBeGreaterThanOrEqual(0);
          expect(since[field]).toBe(total[field] >= previous[field] ? total[field] - previous[field] : total[field]);
        }
      }),
    );
  });

  it("treats a reset total as the turn's usage", () => {
    const previous = { ...emptyUsage(), input_tokens: 1000, output_tokens: 50 };
    const total = { ...emptyUsage(), input_tokens: 300, output_tokens: 70 };
    expect(usageSince(total, previous)).toEqual({ ...emptyUsage(), input_tokens: 300, output_tokens: 20 });
  });

  it("is commutative and has emptyUsage as identity", () => {
    fc.assert(
      fc.property(usage, usage, (a, b) => {
        expect(addUsage(a, b)).toEqual(addUsage(b, a));
        expect(addUsage(a, emptyUsage())).toEqual(a);
        expect(usageSince(a, emptyUsage())).toEqual(a);
        expect(usageSince(a, a)).toEqual(emptyUsage());
      }),
    );
  });

  it("does not modify its arguments", () => {
    const a = { ...emptyUsage(), input_tokens: 3 };
    const b = { ...emptyUsage(), input_tokens: 1 };
    addUsage(a, b);
    usageSince(a, b);
    expect(a.input_tokens).toBe(3);
    expect(b.input_tokens).toBe(1);
  });
});

describe("toUsage", () => {
  it("reads a full usage object and drops unknown fields", () => {
    expect(
      toUsage({
        input_tokens: 10,
        cached_input_tokens: 2,
        cache_write_input_tokens: 1,
        output_tokens: 5,
        reasoning_output_tokens: 3,
        total_tokens: 21,
      }),
    ).toEqual({ input_tokens: 10, cached_input_tokens: 2, cache_write_input_tokens: 1, output_tokens: 5, reasoning_output_tokens: 3 });
  });

  it.each([null, undefined, 0, 42, "usage", true, [], [1, 2, 3]])("reads %j as zeros", (value) => {
    expect(toUsage(value)).toEqual(emptyUsage());
  });

  it("turns missing and non-numeric counts into 0", () => {
    expect(
      toUsage({ input_tokens: "10", cached_input_tokens: null, output_tokens: Number.NaN, reasoning_output_tokens: Infinity, cache_write_input_tokens: 7 }),
    ).toEqual({ ...emptyUsage(), cache_write_input_tokens: 7 });
    expect(toUsage({ output_tokens: 9 })).toEqual({ ...emptyUsage(), output_tokens: 9 });
  });

  it("always returns exactly the five finite fields, for any input", () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.dictionary(fc.constantFrom(...FIELDS, "other"), fc.anything())), (value) => {
        const out = toUsage(value);
        expect(Object.keys(out).sort()).toEqual([...FIELDS].sort());
        for (const field of FIELDS) expect(Number.isFinite(out[field])).toBe(true);
      }),
    );
  });
});
