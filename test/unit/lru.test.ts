/** LruMap: bounded, forgets the least recently used first, and forgets on request. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LruMap } from "../../src/lru.js";

describe("LruMap", () => {
  it("never holds more than its capacity, and keeps exactly the most recently used keys", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.array(fc.tuple(fc.constantFrom("get", "set"), fc.integer({ min: 0, max: 20 })), { maxLength: 200 }), (capacity, ops) => {
        const lru = new LruMap<number, number>(capacity);
        // The model: keys in order of last use, only those present.
        let order: number[] = [];
        for (const [op, key] of ops) {
          if (op === "set") {
            lru.set(key, key * 10);
            order = [...order.filter((k) => k !== key), key].slice(-capacity);
          } else {
            expect(lru.get(key)).toBe(order.includes(key) ? key * 10 : undefined);
            if (order.includes(key)) order = [...order.filter((k) => k !== key), key];
          }
          expect(lru.size).toBe(order.length);
          expect(lru.size).toBeLessThanOrEqual(capacity);
        }
        for (const key of order) expect(lru.find((_, k) => k === key)).toEqual([key, key * 10]);
      }),
    );
  });

  it("forgets entries by key or by value", () => {
    const lru = new LruMap<string, string>(10);
    lru.set("a", "x").set("b", "y").set("c", "x");
    lru.deleteWhere((value) => value === "x");
    expect(lru.size).toBe(1);
    expect(lru.find((value) => value === "y")).toEqual(["b", "y"]);
    expect(lru.delete("b")).toBe(true);
    expect(lru.size).toBe(0);
  });
});
