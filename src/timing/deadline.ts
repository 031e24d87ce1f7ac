/**
 * Racing work against a time limit and an abort signal, with the timer and the listener always
 * cleaned up: the one way codexkit waits "at most this long" (handlers, tool calls, a process's
 * exit, an interrupted turn's end). The result is a tagged value, never a rejection.
 */
import { MAX_TIMER_MS } from "./limits.js";

/** How a race ended: the work's value or error, the time limit, or the signal. */
export type Raced<T> = { kind: "value"; value: T } | { kind: "error"; error: unknown } | { kind: "timeout" } | { kind: "cancelled" };

/** The limits of a race. */
export interface RaceOptions {
  /**
   * The time limit in milliseconds. Undefined, `Infinity` or more than a timer can hold
   * (`MAX_TIMER_MS`): no limit. 0 times out as soon as timers run.
   */
  timeoutMs?: number;
  /** Ends the race `cancelled` as soon as it aborts (at once when it already has). */
  signal?: AbortSignal;
  /** The reason the work's own signal aborts with when the time limit passes (the platform's default when not given). */
  timeoutReason?: () => unknown;
  /**
   * Whether the work's own signal aborts also after the work settled by itself (so anything it
   * still waits on can stop). By default it aborts only on timeout and cancel.
   */
  abortWhenDone?: boolean;
}

/** Work to race: a promise, or a function started with a signal that aborts when the race is lost. */
export type RaceWork<T> = PromiseLike<T> | ((signal: AbortSignal) => T | PromiseLike<T>);

/**
 * Runs `work` against `options.timeoutMs` and `options.signal`. A function is called at once
 * (unless the signal already aborted) with a signal of its own that aborts when the race is lost;
 * its synchronous throw, a rejection, even a hostile thenable become `{ kind: "error" }`. Once
 * settled, nothing the work does later changes the outcome, and no timer or listener is left.
 */
export function race<T>(work: RaceWork<T>, options: RaceOptions = {}): Promise<Raced<Awaited<T>>> {
  const { timeoutMs, signal, timeoutReason, abortWhenDone = false } = options;
  const controller = new AbortController();
  if (signal?.aborted) {
    controller.abort(signal.reason);
    return Promise.resolve({ kind: "cancelled" });
  }
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    let done = false;
    // Resolve first, then abort: work that rejects on abort cannot change the verdict.
    const settle = (outcome: Raced<Awaited<T>>, abort: { reason: unknown } | null): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      resolve(outcome);
      if (abort) controller.abort(abort.reason);
    };
    const onAbort = (): void => settle({ kind: "cancelled" }, { reason: signal?.reason });
    signal?.addEventListener("abort", onAbort, { once: true });
    if (timeoutMs !== undefined && timeoutMs <= MAX_TIMER_MS) {
      timer = setTimeout(() => settle({ kind: "timeout" }, { reason: timeoutReason?.() }), Math.max(0, timeoutMs));
    }
    const finished = abortWhenDone ? { reason: undefined } : null;
    let pending: T | PromiseLike<T>;
    try {
      pending = typeof work === "function" ? work(controller.signal) : work;
    } catch (error) {
      settle({ kind: "error", error }, finished);
      return;
    }
    // Abandoned work is not awaited; the handlers stay attached only to swallow its end.
    Promise.resolve(pending).then(
      (value) => settle({ kind: "value", value }, finished),
      (error: unknown) => settle({ kind: "error", error }, finished),
    );
  });
}

/**
 * `promise`'s value, or "timeout" once `timeoutMs` passed (the timer is cleared either way). A
 * rejection passes through: this only bounds the wait.
 */
export async function within<T>(promise: PromiseLike<T>, timeoutMs: number): Promise<Awaited<T> | "timeout"> {
  const outcome = await race(promise, { timeoutMs });
  if (outcome.kind === "error") throw outcome.error;
  return outcome.kind === "value" ? outcome.value : "timeout";
}

/**
 * Asks the caller's code (an approval or elicitation handler, a tool) for an answer codex waits
 * on: calls `handler(signal)` and settles with its value or error, `timeout` after `timeoutMs`
 * (Infinity: never), or `cancelled` as soon as `signal` aborts — never a rejection. The
 * handler's own signal aborts in every case once the answer is settled, so whatever it still
 * waits on can stop.
 */
export function askWithDeadline(handler: (signal: AbortSignal) => unknown, timeoutMs: number, signal?: AbortSignal): Promise<Raced<unknown>> {
  return race(handler, { timeoutMs, abortWhenDone: true, ...(signal ? { signal } : {}) });
}
