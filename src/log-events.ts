/**
 * The lifecycle log contract: one stable event name per step, with a fixed level and message and
 * a documented field set. Every line carries `event`, so logs can be filtered and alerted on by
 * name; fields are redacted by the client's logger like every other line. Changing a name or a
 * field is a breaking change (the golden log fixtures in the tests catch it).
 */
import type { Logger } from "./logger.js";

/** Every lifecycle step codexkit logs, with its level, message and fields. */
export const LOG_EVENTS = {
  /** A child process started. Fields: kind (app-server | exec | mcp), pid, label. */
  "process.spawn": { level: "debug", msg: "process started" },
  /** A child process ended. Fields: kind, pid, label, exitCode, signal, uptimeMs, expected (codexkit stopped it). */
  "process.exit": { level: "debug", msg: "process exited" },
  /** The app-server died and a new one replaces it. Fields: pid, restarts. */
  "process.restart": { level: "info", msg: "codex app-server restarted" },
  /** A turn began. Fields: threadId (null for a new thread), transport. */
  "turn.start": { level: "info", msg: "turn started" },
  /** A turn ended. Fields: threadId, turnId, transport, outcome (completed | failed | aborted), code, durationMs, attempts, inputTokens, outputTokens. */
  "turn.end": { level: "info", msg: "turn ended" },
  /** A failed attempt is retried. Fields: threadId, attempt, maxAttempts, delayMs, code. */
  "turn.retry": { level: "info", msg: "retrying the turn" },
  /** A codexkit tool call ended. Fields: threadId, turnId, callId, tool, outcome (success | error | vetoed), durationMs. */
  "tool.call": { level: "debug", msg: "tool call ended" },
  /** An approval was decided. Fields: threadId, turnId, kind, decision, source, waitMs. */
  "approval.decision": { level: "info", msg: "approval decided" },
  /** An MCP server codexkit connects to changed state. Fields: server, state, restarts, pid, code. */
  "mcp.state": { level: "info", msg: "MCP server state changed" },
  /** A user hook threw. Fields: hook, threadId, error. */
  "hook.error": { level: "warn", msg: "a hook threw" },
  /** A file was staged. Fields: id, sha256, size, mimeType, persistent, existing. */
  "file.staged": { level: "debug", msg: "file staged" },
  /** Staged files were removed. Fields: count, bytes, reason (ttl | close | startup | remove). */
  "file.swept": { level: "debug", msg: "staged files removed" },
  /** A staged file was uploaded to a remote app-server. Fields: id, threadId, bytes, existing. */
  "file.uploaded": { level: "debug", msg: "file uploaded" },
  /** A staged file was attached to a thread. Fields: id, threadId, created. */
  "file.attached": { level: "debug", msg: "file attached" },
} as const satisfies Record<string, { level: keyof Logger; msg: string }>;

/** A lifecycle event name. */
export type LogEventName = keyof typeof LOG_EVENTS;

/** Logs lifecycle step `event` with `fields` at its fixed level and message. Never throws. */
export function logEvent(logger: Logger, event: LogEventName, fields: Record<string, unknown>): void {
  const { level, msg } = LOG_EVENTS[event];
  try {
    logger[level]({ event, ...fields }, msg);
  } catch {
    // A broken logger must never break codexkit.
  }
}
