/**
 * `recordEvents(path)`: an `onEvent` hook that appends every event of every turn to an events
 * file (JSON Lines, see events-file.ts), secrets redacted, for `codexkit view <file>` to show.
 * Each line is written before the consumer sees the event (a synchronous append), so a program
 * that crashes keeps every event it yielded.
 */
import { closeSync, openSync, writeSync } from "node:fs";
import path from "node:path";
import type { EventHook, EventHookInfo, ThreadEvent } from "../events.js";
import { InvalidOptionsError, Redactor } from "../errors/index.js";
import { formatRecordedEvent } from "./events-file.js";

/** Options of `recordEvents`. */
export interface RecordEventsOptions {
  /**
   * Also record `item.delta` events (default false: the completed items hold the whole text, and
   * a long answer streams hundreds of deltas).
   */
  deltas?: boolean;
  /**
   * Values to hide besides those found by default: the values of environment variables whose
   * names look secret, and anything credential-shaped (API keys, bearer tokens). Give the secrets
   * you passed to `Codex` in code (an `apiKey`, `secrets`) here too.
   */
  secrets?: readonly string[];
  /** Start the file anew instead of appending to it (default false: append). */
  truncate?: boolean;
}

/** An `onEvent` hook that writes an events file; `close()` it when done. */
export interface EventRecorder extends EventHook {
  /** The events file, as an absolute path. */
  readonly path: string;
  /** Closes the file. Events after `close()` open it again (appending). Idempotent. */
  close(): void;
}

/**
 * An `onEvent` hook that records every event to `file` (JSON Lines), for `codexkit view <file>`:
 * `new Codex({ onEvent: recordEvents("run.jsonl") })`. Each line is the event with `at` (ISO
 * time), `threadId`, and on `turn.started` the turn's `prompt` and `transport`. Strings are
 * redacted first (see `RecordEventsOptions.secrets`). The file is opened at the first event.
 */
export function recordEvents(file: string, options: RecordEventsOptions = {}): EventRecorder {
  if (typeof file !== "string" || file === "") throw new InvalidOptionsError("recordEvents needs the path of the events file");
  const target = path.resolve(file);
  const redactor = new Redactor().add(...(options.secrets ?? [])).addEnv(process.env);
  let fd: number | null = null;
  let truncate = options.truncate === true;
  const hook = (event: ThreadEvent, info: EventHookInfo): void => {
    if (event.type === "item.delta" && options.deltas !== true) return;
    const line = formatRecordedEvent(redactor.redactValue(event), { ...info, prompt: info.prompt === undefined ? undefined : redactor.redact(info.prompt) }, new Date());
    if (fd === null) {
      fd = openSync(target, truncate ? "w" : "a");
      truncate = false;
    }
    writeSync(fd, `${line}\n`);
  };
  return Object.assign(hook, {
    path: target,
    close(): void {
      if (fd === null) return;
      const open = fd;
      fd = null;
      closeSync(open);
    },
  });
}
