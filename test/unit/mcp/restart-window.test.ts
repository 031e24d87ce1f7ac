/** The MCP restart budget: `maxRestarts` within a sliding `windowMs`, on a clock the test moves. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RestartWindow } from "../../../src/mcp/restart-window.js";

function clocked(max: number, windowMs: number): { window: RestartWindow; advance: (ms: number) => void } {
  let now = 1_000;
  return { window: new RestartWindow(max, windowMs, () => now), advance: (ms) => (now += ms) };
}

describe("RestartWindow", () => {
  it("gives maxRestarts in a burst, then none until the oldest leaves the window", () => {
    const { window, advance } = clocked(3, 60_000);
    expect([window.take(), window.take(), window.take(), window.take()]).toEqual([0, 1, 2, undefined]);
    advance(59_999);
    expect(window.take()).toBeUndefined();
    advance(1);
    // The three left the window together: a fresh budget, and the backoff starts over.
    expect(window.take()).toBe(0);
  });

  it("restarts a server that crashes once a day for ever", () => {
    const { window, advance } = clocked(5, 60_000);
    for (let day = 0; day < 30; day++) {
      expect(window.take()).toBe(0);
      advance(24 * 3_600_000);
    }
  });

  it("0 never restarts", () => {
    expect(clocked(0, 60_000).window.take()).toBeUndefined();
  });

  it("never gives more than max restarts within any window", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 1, max: 1_000 }), fc.array(fc.integer({ min: 0, max: 600 }), { maxLength: 60 }), (max, windowMs, gaps) => {
        const { window, advance } = clocked(max, windowMs);
        const granted: number[] = [];
        let now = 0;
        for (const gap of gaps) {
          advance(gap);
          now += gap;
          const recent = window.take();
          const inWindow = granted.filter((t) => now - t < windowMs).length;
          // It refuses exactly when the window is full, and reports what the window held.
          expect(recent).toBe(inWindow < max ? inWindow : undefined);
          if (recent !== undefined) granted.push(now);
        }
      }),
    );
  });
});
