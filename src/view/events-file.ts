/**
 * Events files: JSON Lines of `ThreadEvent`s, as `recordEvents(path)` writes them and
 * `codexkit view <file>` reads them. Each line is one event, as the stream yielded it, with a few
 * fields of the record beside the event's own: `at` (an ISO 8601 time), `threadId`, and on
 * `turn.started` the turn's `prompt` and `transport`. A line without them is read too (a stream
 * you wrote yourself with `JSON.stringify(event)`): the viewer then has no times for it.
 */
import { readFile } from "node:fs/promises";
import type { EventHookInfo, ThreadEvent } from "../events.js";
import { InvalidOptionsError } from "../errors/index.js";
import type { ViewEvent } from "./model.js";

/** One line of an events file: the event, and when and where it happened. */
export type RecordedEvent = ThreadEvent & {
  /** When codexkit yielded the event (ISO 8601). */
  at?: string;
  /** The thread the event belongs to, once known. */
  threadId?: string;
  /** The turn's text input, on `turn.started`. */
  prompt?: string;
  /** The transport that ran the turn, on `turn.started`. */
  transport?: EventHookInfo["transport"];
};

/** The fields a record adds to an event; an event of codexkit never has them itself. */
const RECORD_FIELDS = ["at", "threadId", "prompt", "transport"] as const;

/** One event as a line of an events file (without the newline). */
export function formatRecordedEvent(event: ThreadEvent, info: EventHookInfo, at: Date): string {
  const line: Record<string, unknown> = { ...event, at: at.toISOString() };
  if (info.threadId) line.threadId = info.threadId;
  if (event.type === "turn.started") {
    if (typeof info.prompt === "string") line.prompt = info.prompt;
    if (info.transport) line.transport = info.transport;
  }
  return JSON.stringify(line);
}

/** What an events file held: its events, and how many lines were not events. */
export interface ParsedEventsFile {
  /** The events, in order. */
  events: ViewEvent[];
  /** Lines skipped: not JSON, or not an object with a `type` (a line cut short by a crash, say). */
  skipped: number;
}

/** Reads the lines of an events file. Blank lines are ignored; lines that are not events are counted. */
export function parseEventsFile(text: string): ParsedEventsFile {
  const events: ViewEvent[] = [];
  let skipped = 0;
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      skipped += 1;
      continue;
    }
    const event = toViewEvent(value);
    if (event) events.push(event);
    else skipped += 1;
  }
  return { events, skipped };
}

/** Reads an events file; a missing or unreadable file is an `InvalidOptionsError` naming it. */
export async function readEventsFile(file: string): Promise<ParsedEventsFile> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InvalidOptionsError(`cannot read the events file ${file}${code ? ` (${code})` : ""}`);
  }
  return parseEventsFile(text);
}

function toViewEvent(value: unknown): ViewEvent | null {
  if (!value || typeof value !== "object" || Array.isArray(value)) return null;
  const record = value as Record<string, unknown>;
  if (typeof record.type !== "string" || record.type === "turn.ended") return null;
  const event: Record<string, unknown> = { ...record };
  for (const field of RECORD_FIELDS) delete event[field];
  const out: ViewEvent = { event: event as ThreadEvent };
  const at = typeof record.at === "string" ? Date.parse(record.at) : typeof record.at === "number" ? record.at : NaN;
  if (Number.isFinite(at)) out.at = at;
  if (typeof record.threadId === "string") out.threadId = record.threadId;
  if (typeof record.prompt === "string") out.prompt = record.prompt;
  if (record.transport === "exec" || record.transport === "app-server") out.transport = record.transport;
  return out;
}
