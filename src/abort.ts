/** Signals and the `AbortError`s they become: for turns, calls and waits alike. */
import { AbortError, redactPatterns } from "./errors/index.js";

/** The error of a turn stopped by `thread.interrupt()`. */
export function interruptedError(): AbortError {
  return new AbortError("the turn was interrupted");
}

/**
 * The error for something `signal` aborted (`what`: "the turn" by default), keeping a custom
 * reason's (redacted) message. `thread.interrupt()` aborts with its own AbortError, kept as is.
 */
export function abortError(signal: AbortSignal, what = "the turn"): AbortError {
  const reason: unknown = signal.reason;
  if (reason instanceof AbortError) return reason;
  const detail = reason instanceof Error && reason.name !== "AbortError" ? `: ${redactPatterns(reason.message)}` : "";
  return new AbortError(`${what} was aborted${detail}`);
}

/**
 * A signal that aborts when any of `signals` does, and a `dispose` that drops the listeners
 * (`AbortSignal.any` needs Node 20.3; codexkit supports all of Node 20).
 */
export function anySignal(signals: readonly AbortSignal[]): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const cleanups: (() => void)[] = [];
  const dispose = (): void => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  };
  for (const signal of signals) {
    if (signal.aborted) {
      controller.abort(signal.reason);
      break;
    }
    const onAbort = (): void => {
      controller.abort(signal.reason);
      dispose();
    };
    signal.addEventListener("abort", onAbort, { once: true });
    cleanups.push(() => signal.removeEventListener("abort", onAbort));
  }
  if (controller.signal.aborted) dispose();
  return { signal: controller.signal, dispose };
}

/** Resolves after `ms`, or rejects with `AbortError` as soon as `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortError(signal));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
