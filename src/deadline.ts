/**
 * Asking the caller's code (an approval or elicitation handler) for an answer codex waits on: the
 * handler runs under a deadline, with a signal that aborts when the answer is no longer needed,
 * and whatever it does (returns, throws, hangs, is overtaken) becomes a value, never a rejection.
 */
import { race } from "./timing/index.js";

/** How asking a handler ended. */
export type Answer = { kind: "value"; value: unknown } | { kind: "error"; error: unknown } | { kind: "timeout" } | { kind: "cancelled" };

/**
 * Calls `handler(signal)`; settles with its value or error, `timeout` after `timeoutMs` (Infinity:
 * never), or `cancelled` as soon as `signal` aborts. The handler's own signal aborts in every case
 * once the answer is settled, so whatever it still waits on can stop.
 */
export function askWithDeadline(handler: (signal: AbortSignal) => unknown, timeoutMs: number, signal?: AbortSignal): Promise<Answer> {
  return race(handler, { timeoutMs, abortWhenDone: true, ...(signal ? { signal } : {}) });
}
