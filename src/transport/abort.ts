/** The `AbortError` a transport throws when the caller's signal aborts a turn. */
import { AbortError, redactPatterns } from "../errors/index.js";

/** Builds the error for an aborted turn, keeping a custom reason's (redacted) message. */
export function abortError(signal: AbortSignal): AbortError {
  const reason: unknown = signal.reason;
  const detail = reason instanceof Error && reason.name !== "AbortError" ? `: ${redactPatterns(reason.message)}` : "";
  return new AbortError(`the turn was aborted${detail}`);
}
