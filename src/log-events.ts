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
  "process.spawn": {
    /** The level it is logged at. */
    level: "debug",
    /** The message it is logged with. */
    msg: "process started",
  },
  /** A child process ended. Fields: kind, pid, label, exitCode, signal, uptimeMs, expected (codexkit stopped it). */
  "process.exit": {
    /** The level it is logged at. */
    level: "debug",
    /** The message it is logged with. */
    msg: "process exited",
  },
  /** The app-server died and a new one replaces it. Fields: pid, restarts. */
  "process.restart": {
    /** The level it is logged at. */
    level: "info",
    /** The message it is logged with. */
    msg: "codex app-server restarted",
  },
  /** A turn began. Fields: threadId (null for a new thread), transport. */
  "turn.start": {
    /** The level it is logged at. */
    level: "info",
    /** The message it is logged with. */
    msg: "turn started",
  },
  /** A turn ended. Fields: threadId, turnId, transport, outcome (completed | failed | aborted), code, durationMs, attempts, inputTokens, outputTokens. */
  "turn.end": {
    /** The level it is logged at. */
    level: "info",
    /** The message it is logged with. */
    msg: "turn ended",
  },
  /** A failed attempt is retried. Fields: threadId, attempt, maxAttempts, delayMs, code. */
  "turn.retry": {
    /** The level it is logged at. */
    level: "info",
    /** The message it is logged with. */
    msg: "retrying the turn",
  },
  /** A codexkit tool call ended. Fields: threadId, turnId, callId, tool, outcome (success | error | vetoed), durationMs. */
  "tool.call": {
    /** The level it is logged at. */
    level: "debug",
    /** The message it is logged with. */
    msg: "tool call ended",
  },
  /** An approval was decided. Fields: threadId, turnId, kind, decision, source, waitMs. */
  "approval.decision": {
    /** The level it is logged at. */
    level: "info",
    /** The message it is logged with. */
    msg: "approval decided",
  },
  /** An MCP server codexkit connects to changed state. Fields: server, state, restarts, pid, code. */
  "mcp.state": {
    /** The level it is logged at. */
    level: "info",
    /** The message it is logged with. */
    msg: "MCP server state changed",
  },
  /** A user hook threw. Fields: hook, threadId, error. */
  "hook.error": {
    /** The level it is logged at. */
    level: "warn",
    /** The message it is logged with. */
    msg: "a hook threw",
  },
  /** A file was staged. Fields: id, sha256, size, mimeType, persistent, existing. */
  "file.staged": {
    /** The level it is logged at. */
    level: "debug",
    /** The message it is logged with. */
    msg: "file staged",
  },
  /** Staged files were removed. Fields: count, bytes, reason (ttl | close | startup | remove). */
  "file.swept": {
    /** The level it is logged at. */
    level: "debug",
    /** The message it is logged with. */
    msg: "staged files removed",
  },
  /** A staged file was uploaded to a remote app-server. Fields: id, threadId, bytes, existing. */
  "file.uploaded": {
    /** The level it is logged at. */
    level: "debug",
    /** The message it is logged with. */
    msg: "file uploaded",
  },
  /** A staged file was attached to a thread. Fields: id, threadId, created. */
  "file.attached": {
    /** The level it is logged at. */
    level: "debug",
    /** The message it is logged with. */
    msg: "file attached",
  },
  /** A producer queued a turn. Fields: queue, jobId, threadId (null for a new thread), seq. */
  "queue.enqueue": {
    /** The level it is logged at. */
    level: "info",
    /** The message it is logged with. */
    msg: "turn queued",
  },
  /** A worker started an attempt at a queued turn. Fields: queue, worker, jobId, threadId, seq, attempt, fence, waitMs. */
  "queue.start": {
    /** The level it is logged at. */
    level: "info",
    /** The message it is logged with. */
    msg: "queued turn started",
  },
  /** A worker checkpointed a thread's rollout after a turn. Fields: queue, worker, jobId, threadId, seq, bytes, totalBytes. */
  "queue.checkpoint": {
    /** The level it is logged at. */
    level: "debug",
    /** The message it is logged with. */
    msg: "rollout checkpointed",
  },
  /** A worker runs a turn again after the attempt before it was lost, or restores a thread from its checkpoint. Fields: queue, worker, jobId, threadId, seq, attempt, reason (worker_lost | attempt_failed | moved), bytes. */
  "queue.recover": {
    /** The level it is logged at. */
    level: "info",
    /** The message it is logged with. */
    msg: "queued turn recovered",
  },
  /** A queued turn ended. Fields: queue, worker, jobId, threadId, seq, outcome (completed | failed | aborted | stale | skipped), code, durationMs. */
  "queue.complete": {
    /** The level it is logged at. */
    level: "info",
    /** The message it is logged with. */
    msg: "queued turn ended",
  },
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
