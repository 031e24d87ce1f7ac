/**
 * Asking the caller's code (an approval or elicitation handler) for an answer codex waits on: the
 * handler runs under a deadline, with a signal that aborts when the answer is no longer needed,
 * and whatever it does (returns, throws, hangs, is overtaken) becomes a value, never a rejection.
 */
import { MAX_TIMER_MS } from "./timers.js";

/** How asking a handler ended. */
export type Answer = { kind: "value"; value: unknown } | { kind: "error"; error: unknown } | { kind: "timeout" } | { kind: "cancelled" };

/**
 * Calls `handler(signal)`; settles with its value or error, `timeout` after `timeoutMs` (Infinity:
 * never), or `cancelled` as soon as `signal` aborts. The handler's own signal aborts in every case
 * once the answer is settled, so whatever it still waits on can stop.
 */
export async function askWithDeadline(handler: (signal: AbortSignal) => unknown, timeoutMs: number, signal?: AbortSignal): Promise<Answer> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const stop = new Promise<Answer>((resolve) => {
    if (timeoutMs <= MAX_TIMER_MS) timer = setTimeout(() => resolve({ kind: "timeout" }), timeoutMs);
    onAbort = () => {
      controller.abort(signal?.reason);
      resolve({ kind: "cancelled" });
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
  try {
    if (signal?.aborted) return { kind: "cancelled" };
    return await Promise.race([call(handler, controller.signal), stop]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener("abort", onAbort);
    controller.abort();
  }
}

// Sync throws, rejections and hostile thenables alike become a value, so the race never rejects.
async function call(handler: (signal: AbortSignal) => unknown, signal: AbortSignal): Promise<Answer> {
  try {
    return { kind: "value", value: await handler(signal) };
  } catch (error) {
    return { kind: "error", error };
  }
}
