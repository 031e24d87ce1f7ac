/**
 * A failed turn as a typed error. app-server says why in `codexErrorInfo`; exec only prints the
 * message, so the message text is read the way codex 0.169.0 writes it. Both transports give the
 * same class for the same failure (see test/integration/core/failures.test.ts).
 */
import {
  AuthError,
  ContextWindowError,
  RateLimitError,
  refinedFailure,
  ServerError,
  TurnFailedError,
  UsageLimitError,
  type CodexErrorInfo,
  type TurnFailure,
} from "../errors/index.js";
import type { ThreadError } from "../events.js";

/** The typed error for a `turn.failed` event's `error`. */
export function turnError(error: ThreadError): TurnFailedError {
  const message = error.message;
  const info = (error.codexErrorInfo ?? null) as CodexErrorInfo;
  const status = statusOf(info) ?? statusIn(message);
  const failure: TurnFailure = { codexErrorInfo: info, httpStatusCode: status };
  const refined = refinedFailure(message, failure);
  if (refined !== undefined) return refined;
  const kind = typeof info === "string" ? info : null;
  if (kind === "contextWindowExceeded" || /context window/i.test(message)) return new ContextWindowError(message, failure);
  if (kind === "usageLimitExceeded" || kind === "sessionBudgetExceeded" || /quota exceeded|usage limit/i.test(message)) {
    return new UsageLimitError(message, failure);
  }
  if (kind === "unauthorized" || status === 401 || status === 403) return new AuthError(message, failure);
  if (kind === "rateLimitExceeded" || status === 429) return new RateLimitError(message, { ...failure, retryAfterMs: retryAfterIn(message) });
  if (isServerSide(info, status, message)) return new ServerError(message, failure);
  return new TurnFailedError(message, failure);
}

/** 5xx, overload, and connections or streams that broke without a client error status. */
function isServerSide(info: CodexErrorInfo, status: number | null, message: string): boolean {
  if (status !== null) return status >= 500;
  if (info === "internalServerError" || info === "serverOverloaded") return true;
  if (info !== null && typeof info === "object") {
    return ["httpConnectionFailed", "responseStreamConnectionFailed", "responseStreamDisconnected", "responseTooManyFailedAttempts"].some((key) => key in info);
  }
  // exec: codex's wording for a 500 ("We're currently experiencing high demand") and for a broken stream.
  return /experiencing high demand|stream disconnected before completion/i.test(message);
}

/** The HTTP status inside an object `codexErrorInfo` variant (`{httpConnectionFailed: {httpStatusCode}}`). */
function statusOf(info: CodexErrorInfo): number | null {
  if (info === null || typeof info !== "object") return null;
  for (const value of Object.values(info)) {
    const status = (value as { httpStatusCode?: unknown } | null)?.httpStatusCode;
    if (typeof status === "number" && Number.isInteger(status)) return status;
  }
  return null;
}

/** The status in codex's messages: "unexpected status 401 Unauthorized", "last status: 429 Too Many Requests". */
function statusIn(message: string): number | null {
  const match = /\bstatus:?\s+([1-5]\d\d)\b/i.exec(message);
  return match ? Number(match[1]) : null;
}

/** A delay the message names ("retry after 20s", "try again in 1.5 seconds"), in ms. */
function retryAfterIn(message: string): number | null {
  const match = /(?:retry after|try again in)\s+(\d+(?:\.\d+)?)\s*(ms|milliseconds?|s|sec|seconds?|m|min|minutes?)\b/i.exec(message);
  if (!match) return null;
  const value = Number(match[1]);
  const unit = match[2]!.toLowerCase();
  const factor = unit.startsWith("ms") || unit.startsWith("milli") ? 1 : unit.startsWith("m") ? 60_000 : 1_000;
  return Math.round(value * factor);
}
