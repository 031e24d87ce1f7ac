import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { TimeoutError } from "../../../src/errors/index.js";
import { askWithDeadline, race, within } from "../../../src/timing/index.js";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** A promise that never settles. */
const never = (): Promise<never> => new Promise(() => {});

describe("race", () => {
  it("settles with the work's value and leaves no timer behind", async () => {
    const outcome = race(Promise.resolve(7), { timeoutMs: 1_000 });
    await expect(outcome).resolves.toEqual({ kind: "value", value: 7 });
    expect(vi.getTimerCount()).toBe(0);
  });

  it("times out after timeoutMs exactly, aborting the work's signal with the reason asked for", async () => {
    let seen: AbortSignal | undefined;
    const outcome = race(
      (signal) => {
        seen = signal;
        return never();
      },
      { timeoutMs: 1_000, timeoutReason: () => new TimeoutError("too slow", 1_000) },
    );
    await vi.advanceTimersByTimeAsync(999);
    expect(seen?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await expect(outcome).resolves.toEqual({ kind: "timeout" });
    expect(seen?.reason).toBeInstanceOf(TimeoutError);
  });

  it("turns a synchronous throw, a rejection and a hostile thenable into an error, never a rejection", async () => {
    const boom = new Error("boom");
    await expect(race(() => { throw boom; })).resolves.toEqual({ kind: "error", error: boom });
    await expect(race(Promise.reject(boom))).resolves.toEqual({ kind: "error", error: boom });
    const hostile = { get then(): never { throw boom; } };
    await expect(race(() => hostile)).resolves.toEqual({ kind: "error", error: boom });
  });

  it("is cancelled as soon as the signal aborts, passing its reason to the work, and removes its listener", async () => {
    const controller = new AbortController();
    const remove = vi.spyOn(controller.signal, "removeEventListener");
    let seen: AbortSignal | undefined;
    const outcome = race((signal) => ((seen = signal), never()), { timeoutMs: 60_000, signal: controller.signal });
    controller.abort("stop");
    await expect(outcome).resolves.toEqual({ kind: "cancelled" });
    expect(seen?.reason).toBe("stop");
    expect(remove).toHaveBeenCalledWith("abort", expect.any(Function));
    expect(vi.getTimerCount()).toBe(0);
  });

  it("does not start the work when the signal has already aborted", async () => {
    const work = vi.fn();
    await expect(race(work, { signal: AbortSignal.abort() })).resolves.toEqual({ kind: "cancelled" });
    expect(work).not.toHaveBeenCalled();
  });

  it("keeps the outcome once settled: a work that rejects when aborted does not turn a timeout into an error", async () => {
    const outcome = race((signal) => new Promise((_, reject) => signal.addEventListener("abort", () => reject(new Error("aborted")))), { timeoutMs: 10 });
    await vi.advanceTimersByTimeAsync(10);
    await expect(outcome).resolves.toEqual({ kind: "timeout" });
  });

  it("aborts the work's signal after its own answer only with abortWhenDone", async () => {
    let kept: AbortSignal | undefined;
    await race((signal) => ((kept = signal), 1));
    expect(kept?.aborted).toBe(false);
    let stopped: AbortSignal | undefined;
    await race((signal) => ((stopped = signal), 1), { abortWhenDone: true });
    expect(stopped?.aborted).toBe(true);
  });

  it("sets no timer without a limit, or with one longer than a timer can hold", () => {
    void race(never());
    void race(never(), { timeoutMs: Number.POSITIVE_INFINITY });
    void race(never(), { timeoutMs: 2 ** 31 });
    expect(vi.getTimerCount()).toBe(0);
    void race(never(), { timeoutMs: 2 ** 31 - 1 });
    expect(vi.getTimerCount()).toBe(1);
  });
});

describe("within", () => {
  it("gives the value, or 'timeout' once the time is up; a rejection passes through", async () => {
    await expect(within(Promise.resolve("ok"), 5)).resolves.toBe("ok");
    const late = within(never(), 5);
    await vi.advanceTimersByTimeAsync(5);
    await expect(late).resolves.toBe("timeout");
    await expect(within(Promise.reject(new Error("no")), 5)).rejects.toThrow("no");
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe("askWithDeadline", () => {
  it("aborts the handler's signal once it answered, so what it still waits on can stop", async () => {
    let seen: AbortSignal | undefined;
    await expect(askWithDeadline((signal) => ((seen = signal), "yes"), 1_000)).resolves.toEqual({ kind: "value", value: "yes" });
    expect(seen?.aborted).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("times out after timeoutMs, and never with Infinity", async () => {
    const late = askWithDeadline(() => never(), 100);
    await vi.advanceTimersByTimeAsync(100);
    await expect(late).resolves.toEqual({ kind: "timeout" });
    void askWithDeadline(() => never(), Number.POSITIVE_INFINITY);
    expect(vi.getTimerCount()).toBe(0);
  });
});
