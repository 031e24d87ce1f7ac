import { describe, expect, it, vi } from "vitest";
import { RefCount } from "../../../src/timing/index.js";

describe("RefCount", () => {
  it("calls onBusy on the first hold and onIdle when the last is released, not in between", () => {
    const onBusy = vi.fn();
    const onIdle = vi.fn();
    const count = new RefCount({ onBusy, onIdle });
    const a = count.acquire();
    const b = count.acquire();
    expect(onBusy).toHaveBeenCalledTimes(1);
    expect(count.count).toBe(2);
    a();
    expect(onIdle).not.toHaveBeenCalled();
    b();
    expect(onIdle).toHaveBeenCalledTimes(1);
    expect(count.count).toBe(0);
    count.acquire();
    expect(onBusy).toHaveBeenCalledTimes(2);
  });

  it("makes a second call of the same release a no-op (the count never drops below what is held)", () => {
    const onIdle = vi.fn();
    const count = new RefCount({ onIdle });
    const a = count.acquire();
    count.acquire();
    a();
    a();
    expect(count.count).toBe(1);
    expect(onIdle).not.toHaveBeenCalled();
  });

  it("resolves idle() at once with no hold, and once the last hold is released otherwise", async () => {
    const count = new RefCount();
    await expect(count.idle()).resolves.toBeUndefined();
    const release = count.acquire();
    let idle = false;
    const waiting = count.idle().then(() => (idle = true));
    await Promise.resolve();
    expect(idle).toBe(false);
    release();
    await waiting;
    expect(idle).toBe(true);
  });

  it("stops waiting for idle when `until` settles first, and forgets the waiter", async () => {
    const count = new RefCount();
    count.acquire();
    let gone!: () => void;
    const closed = new Promise<void>((resolve) => (gone = resolve));
    const waiting = count.idle(closed);
    const waiters = (count as unknown as { idleWaiters: Set<unknown> }).idleWaiters;
    expect(waiters.size).toBe(1);
    gone();
    await waiting;
    expect(waiters.size).toBe(0);
    // A rejected \`until\` ends the wait too.
    const failing = count.idle(Promise.reject(new Error("closed")));
    await expect(failing).resolves.toBeUndefined();
    expect(waiters.size).toBe(0);
  });
});
