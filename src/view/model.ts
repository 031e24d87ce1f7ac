/**
 * The run viewer's model: `ThreadEvent`s (with when and where each happened) folded into threads,
 * turns and timeline entries, the shape the page renders. Built incrementally, so the live view
 * adds one event at a time and pushes only what changed (`drain()`); every entity carries a
 * version `v` that grows with each change, so the page can drop an update older than what it has.
 *
 * The builder trusts nothing: unknown event types are skipped, and fields of the wrong type read
 * as absent. It does not redact: the server redacts everything it sends, whole texts at once (a
 * secret split across two deltas is still found). Entities are named by `ref`, not `key`: the
 * redactor hides the value of any field whose name looks secret.
 */
import type { ApprovalDecision, ApprovalDecisionSource, ApprovalRequest } from "../approvals/index.js";
import type { ThreadError, ThreadEvent, Usage } from "../events.js";
import type { ThreadItem } from "../items.js";
import type { TransportKind } from "../options/index.js";
import { turnError } from "../turn/index.js";
import { addUsage, toUsage } from "../usage.js";

/**
 * A turn that ended without a `ThreadEvent` saying so: an interrupted turn, or a stored turn read
 * from codex (whose usage codex does not keep). Used by the viewer's sources only.
 */
export interface TurnEndedEvent {
  /** Discriminant: a turn ended. */
  type: "turn.ended";
  /** How it ended. */
  status: "completed" | "failed" | "interrupted";
  /** Why it failed, for `failed`. */
  error?: ThreadError;
  /** The turn's id, when known. */
  turnId?: string;
  /** The turn's duration as codex measured it, when known. */
  durationMs?: number;
}

/** One event for the viewer, with what the event itself does not say. */
export interface ViewEvent {
  /** The event. */
  event: ThreadEvent | TurnEndedEvent;
  /** When it happened, in milliseconds since the epoch, when known. */
  at?: number;
  /** The thread it belongs to, when known (else the thread of the last `thread.started`). */
  threadId?: string | null;
  /** The turn's text input, on `turn.started`. */
  prompt?: string;
  /** The transport that ran the turn. */
  transport?: TransportKind;
}

/** How a turn stands. `unfinished`: the record ends while the turn was running. */
export type ViewTurnStatus = "running" | "completed" | "failed" | "interrupted" | "unfinished";

/** A turn's failure, with the `code` of the error `run()` throws for it. */
export interface ViewError {
  /** What went wrong. */
  message: string;
  /** The stable error code (`CodexErrorCode`). */
  code: string;
}

/** A retry of a turn that failed before doing any work. */
export interface ViewRetry {
  /** The attempt that failed. */
  attempt: number;
  /** Attempts in all. */
  maxAttempts: number;
  /** The wait before the next attempt. */
  delayMs: number;
  /** Why the attempt failed. */
  error: ViewError;
}

/** An approval codex asked for, and its answer. */
export interface ViewApproval {
  /** What codex asked to approve (without the raw wire params). */
  request: Omit<ApprovalRequest, "raw">;
  /** The answer sent to codex; null while waiting. */
  decision: ApprovalDecision | null;
  /** Who decided; null while waiting. */
  source: ApprovalDecisionSource | null;
  /** How long the answer took, when both times are known. */
  waitMs: number | null;
}

/** What a timeline entry shows. */
export type ViewEntryKind = ThreadItem["type"] | "approval" | "stream_error";

/** One line of a turn's timeline: an item, an approval, or an error of the event stream. */
export interface ViewEntry {
  /** Unique within the thread. */
  ref: string;
  /** What it is. */
  kind: ViewEntryKind;
  /** The item's (or approval's) status, when it has one. */
  status: string | null;
  /** When it started and ended (ms since the epoch), when known. */
  startedAt: number | null;
  /** When it ended, when known. */
  endedAt: number | null;
  /** How long it took, when known. */
  durationMs: number | null;
  /** The item, for item entries. */
  item?: ThreadItem;
  /** The approval, for approval entries. */
  approval?: ViewApproval;
  /** The message, for stream errors. */
  message?: string;
  /** Grows with each change. */
  v: number;
}

/** A turn: its prompt, timeline, answer, timing, tokens and failure. */
export interface ViewTurn {
  /** Unique within the thread (the turn's number). */
  ref: string;
  /** 1 for the thread's first turn (of those the source holds). */
  index: number;
  /** codex's turn id, when known. */
  turnId: string | null;
  /** The turn's text input, when the source has it. */
  prompt: string | null;
  /** The last agent message. */
  answer: string | null;
  /** How the turn stands. */
  status: ViewTurnStatus;
  /** When it started (ms since the epoch), when known. */
  startedAt: number | null;
  /** When it ended, when known. */
  endedAt: number | null;
  /** How long it took, when known. */
  durationMs: number | null;
  /** The turn's tokens; null when the source does not have them. */
  usage: Usage | null;
  /** Why it failed. */
  error: ViewError | null;
  /** Attempts that failed and were retried. */
  retries: ViewRetry[];
  /** The timeline, in the order things started. */
  entries: ViewEntry[];
  /** Grows with each change (of the turn itself; entries have their own). */
  v: number;
}

/** A thread and its turns. */
export interface ViewThread {
  /** codex's thread id. */
  id: string;
  /** A title: the first prompt, shortened. */
  title: string;
  /** The transport that ran it, when known. */
  transport: TransportKind | null;
  /** When it started and was last updated (ms since the epoch), when known. */
  startedAt: number | null;
  /** When it last changed. */
  updatedAt: number | null;
  /** Tokens of the turns that report them. */
  usage: Usage | null;
  /** Its turns in order. */
  turns: ViewTurn[];
  /** Grows with each change (of the thread's header). */
  v: number;
}

/** A thread without its turns, for lists and updates. */
export type ViewThreadHeader = Omit<ViewThread, "turns"> & {
  /** How many turns it has. */
  turnCount: number;
  /** How its last turn stands. */
  status: ViewTurnStatus | null;
};

/** A turn without its entries, for updates. */
export type ViewTurnHeader = Omit<ViewTurn, "entries">;

/** One change, as the page receives it: the entity's whole current state. */
export type ViewUpdate =
  | { type: "thread"; thread: ViewThreadHeader }
  | { type: "turn"; threadId: string; turn: ViewTurnHeader }
  | { type: "entry"; threadId: string; turnRef: string; entry: ViewEntry };

/** The most text one item field keeps (command output, a message); the middle of longer text is cut. */
export const MAX_TEXT_CHARS = 200_000;
const TITLE_CHARS = 80;
/** The thread id used for events that name no thread. */
export const UNKNOWN_THREAD = "(unknown thread)";

/** Folds view events into threads; see the file comment. */
export class ViewBuilder {
  readonly #threads = new Map<string, ViewThread>();
  /** The thread of the last `thread.started`, for events that name none. */
  #current: string | null = null;
  #version = 0;
  /** What changed since the last `drain()`, in order of first change. */
  readonly #dirty = new Map<string, ViewUpdateRef>();
  /** Per thread: the turn the next `turn.started` continues (after `turn.retrying`). */
  readonly #retrying = new Set<string>();
  /** Pending approvals per thread, by request identity. */
  readonly #approvals = new Map<string, Map<string, { turn: ViewTurn; entry: ViewEntry; at: number | null }>>();
  /** Entries by key, per thread. */
  readonly #entries = new Map<string, Map<string, { turn: ViewTurn; entry: ViewEntry }>>();

  /** How many threads it holds. */
  get size(): number {
    return this.#threads.size;
  }

  /** Every thread, most recently updated first. */
  threads(): ViewThreadHeader[] {
    return [...this.#threads.values()].map(threadHeader).sort((a, b) => (b.updatedAt ?? 0) - (a.updatedAt ?? 0));
  }

  /** One thread with its turns, or undefined. */
  thread(id: string): ViewThread | undefined {
    return this.#threads.get(id);
  }

  /** Removes a thread (the live view keeps a bounded number). */
  forget(id: string): void {
    this.#threads.delete(id);
    this.#entries.delete(id);
    this.#approvals.delete(id);
    this.#retrying.delete(id);
    for (const [key, ref] of this.#dirty) if (ref.threadId === id) this.#dirty.delete(key);
  }

  /**
   * What changed since the last call, each as its current state (the builder's own objects:
   * serialize them before adding more); thread, then turns, then entries.
   */
  drain(): ViewUpdate[] {
    const updates: ViewUpdate[] = [];
    for (const ref of this.#dirty.values()) {
      const thread = this.#threads.get(ref.threadId);
      if (!thread) continue;
      if (ref.entry) updates.push({ type: "entry", threadId: thread.id, turnRef: ref.turn!.ref, entry: ref.entry });
      else if (ref.turn) updates.push({ type: "turn", threadId: thread.id, turn: turnHeader(ref.turn) });
      else updates.push({ type: "thread", thread: threadHeader(thread) });
    }
    this.#dirty.clear();
    const rank = { thread: 0, turn: 1, entry: 2 } as const;
    return updates.sort((a, b) => rank[a.type] - rank[b.type]);
  }

  /** Marks turns still running as `unfinished`: for a record that is complete (a file, a stored thread). */
  finish(): void {
    for (const thread of this.#threads.values()) {
      for (const turn of thread.turns) {
        if (turn.status !== "running") continue;
        turn.status = "unfinished";
        this.#touchTurn(thread, turn);
      }
    }
  }

  /** Adds one event. */
  add(input: ViewEvent): void {
    const event = input.event as { type?: unknown };
    if (!event || typeof event.type !== "string") return;
    const at = typeof input.at === "number" && Number.isFinite(input.at) ? input.at : null;
    const e = input.event;
    if (e.type === "thread.started") {
      if (typeof e.thread_id !== "string" || e.thread_id === "") return;
      this.#current = e.thread_id;
    }
    const thread = this.#thread(typeof input.threadId === "string" && input.threadId !== "" ? input.threadId : (this.#current ?? UNKNOWN_THREAD), at);
    if (input.transport === "exec" || input.transport === "app-server") thread.transport = input.transport;
    switch (e.type) {
      case "thread.started":
        this.#touchThread(thread, at);
        return;
      case "turn.started":
        this.#turnStarted(thread, at, e.turnId, input.prompt);
        return;
      case "turn.completed":
        this.#turnEnded(thread, at, { status: "completed", turnId: e.turnId, usage: e.usage === undefined || e.usage === null ? null : toUsage(e.usage) });
        return;
      case "turn.failed":
        this.#turnEnded(thread, at, { status: "failed", turnId: e.turnId, error: e.error });
        return;
      case "turn.ended":
        this.#turnEnded(thread, at, { status: e.status, turnId: e.turnId, error: e.error, durationMs: e.durationMs, usage: null });
        return;
      case "turn.retrying":
        this.#turnRetrying(thread, at, e);
        return;
      case "item.started":
      case "item.updated":
      case "item.completed":
        this.#item(thread, at, e.type, e.item);
        return;
      case "item.delta":
        this.#delta(thread, at, e.itemId, e.kind, e.delta);
        return;
      case "approval.requested":
      case "approval.resolved":
        this.#approval(thread, at, e);
        return;
      case "error":
        this.#streamError(thread, at, e.message);
        return;
      default:
        return;
    }
  }

  #thread(id: string, at: number | null): ViewThread {
    let thread = this.#threads.get(id);
    if (!thread) {
      thread = { id, title: "", transport: null, startedAt: at, updatedAt: at, usage: null, turns: [], v: 0 };
      this.#threads.set(id, thread);
      this.#entries.set(id, new Map());
      this.#approvals.set(id, new Map());
      this.#touchThread(thread, at);
    }
    return thread;
  }

  #touchThread(thread: ViewThread, at: number | null): void {
    if (at !== null) {
      thread.startedAt ??= at;
      thread.updatedAt = Math.max(thread.updatedAt ?? at, at);
    }
    thread.v = ++this.#version;
    this.#mark({ threadId: thread.id });
  }

  #touchTurn(thread: ViewThread, turn: ViewTurn): void {
    turn.v = ++this.#version;
    this.#mark({ threadId: thread.id, turn });
  }

  #touchEntry(thread: ViewThread, turn: ViewTurn, entry: ViewEntry): void {
    entry.v = ++this.#version;
    this.#mark({ threadId: thread.id, turn, entry });
  }

  #mark(ref: ViewUpdateRef): void {
    const key = ref.entry ? `e:${ref.threadId}:${ref.entry.ref}` : ref.turn ? `t:${ref.threadId}:${ref.turn.ref}` : `h:${ref.threadId}`;
    // Re-inserted, so an entity keeps the place of its latest change.
    this.#dirty.delete(key);
    this.#dirty.set(key, ref);
  }

  /** The turn events without a turn of their own go to: the last one, or a new one. */
  #currentTurn(thread: ViewThread, at: number | null): ViewTurn {
    return thread.turns.at(-1) ?? this.#newTurn(thread, at, undefined, undefined);
  }

  #newTurn(thread: ViewThread, at: number | null, turnId: string | undefined, prompt: string | undefined): ViewTurn {
    const index = thread.turns.length + 1;
    const turn: ViewTurn = {
      ref: String(index),
      index,
      turnId: typeof turnId === "string" ? turnId : null,
      prompt: typeof prompt === "string" ? cut(prompt) : null,
      answer: null,
      status: "running",
      startedAt: at,
      endedAt: null,
      durationMs: null,
      usage: null,
      error: null,
      retries: [],
      entries: [],
      v: 0,
    };
    thread.turns.push(turn);
    if (!thread.title && turn.prompt) thread.title = shorten(turn.prompt);
    this.#touchTurn(thread, turn);
    this.#touchThread(thread, at);
    return turn;
  }

  #turnStarted(thread: ViewThread, at: number | null, turnId: unknown, prompt: string | undefined): void {
    const last = thread.turns.at(-1);
    if (last && this.#retrying.delete(thread.id)) {
      // The next attempt of a retried turn: the same turn goes on.
      last.status = "running";
      if (typeof turnId === "string") last.turnId = turnId;
      this.#touchTurn(thread, last);
      return;
    }
    // A turn still running when the next starts ended without a terminal event: interrupted.
    if (last && last.status === "running") {
      if (last.entries.length === 0 && last.prompt === null && last.turnId === null) {
        // Events without a turn.started made this one up: it is the turn starting now.
        if (typeof turnId === "string") last.turnId = turnId;
        if (typeof prompt === "string") last.prompt = cut(prompt);
        last.startedAt ??= at;
        this.#touchTurn(thread, last);
        return;
      }
      this.#end(last, at, "interrupted");
      this.#touchTurn(thread, last);
    }
    this.#newTurn(thread, at, typeof turnId === "string" ? turnId : undefined, prompt);
  }

  #turnEnded(
    thread: ViewThread,
    at: number | null,
    end: { status: "completed" | "failed" | "interrupted"; turnId?: unknown; error?: ThreadError; durationMs?: number; usage?: Usage | null },
  ): void {
    const turn = this.#currentTurn(thread, at);
    if (typeof end.turnId === "string") turn.turnId = end.turnId;
    this.#end(turn, at, end.status, end.durationMs);
    if (end.error) turn.error = viewError(end.error);
    if (end.usage) {
      turn.usage = end.usage;
      thread.usage = thread.usage ? addUsage(thread.usage, end.usage) : end.usage;
    }
    // Items still open when the turn ended end with it.
    for (const entry of turn.entries) {
      if (entry.endedAt === null && turn.endedAt !== null && entry.startedAt !== null) {
        entry.endedAt = turn.endedAt;
        entry.durationMs = entry.endedAt - entry.startedAt;
        this.#touchEntry(thread, turn, entry);
      }
    }
    this.#touchTurn(thread, turn);
    this.#touchThread(thread, at);
  }

  #end(turn: ViewTurn, at: number | null, status: ViewTurnStatus, durationMs?: number): void {
    turn.status = status;
    turn.endedAt = at ?? turn.endedAt;
    if (typeof durationMs === "number" && Number.isFinite(durationMs)) turn.durationMs = durationMs;
    else if (turn.startedAt !== null && turn.endedAt !== null) turn.durationMs = Math.max(0, turn.endedAt - turn.startedAt);
  }

  #turnRetrying(thread: ViewThread, at: number | null, e: Extract<ThreadEvent, { type: "turn.retrying" }>): void {
    const turn = this.#currentTurn(thread, at);
    const error = e.error && typeof e.error === "object" ? e.error : { message: "", code: "turn_failed" as const };
    turn.retries.push({
      attempt: numberOr(e.attempt, turn.retries.length + 1),
      maxAttempts: numberOr(e.maxAttempts, 0),
      delayMs: numberOr(e.delayMs, 0),
      error: { message: String(error.message ?? ""), code: typeof error.code === "string" ? error.code : viewError(error).code },
    });
    this.#retrying.add(thread.id);
    this.#touchTurn(thread, turn);
  }

  #entry(thread: ViewThread, turn: ViewTurn, key: string, kind: ViewEntryKind, at: number | null): ViewEntry {
    const entries = this.#entries.get(thread.id)!;
    const found = entries.get(`${turn.ref}/${key}`);
    if (found) return found.entry;
    const entry: ViewEntry = { ref: `${turn.ref}/${key}`, kind, status: null, startedAt: at, endedAt: null, durationMs: null, v: 0 };
    turn.entries.push(entry);
    entries.set(entry.ref, { turn, entry });
    return entry;
  }

  #item(thread: ViewThread, at: number | null, phase: "item.started" | "item.updated" | "item.completed", raw: unknown): void {
    const item = asItem(raw);
    if (!item) return;
    const turn = this.#currentTurn(thread, at);
    // An item first seen complete has no start of its own (exec shows messages only then).
    const entry = this.#entry(thread, turn, `item:${item.id}`, item.type, phase === "item.completed" ? null : at);
    entry.kind = item.type;
    entry.item = mergeItem(entry.item, item);
    entry.status = "status" in item && typeof item.status === "string" ? item.status : phase === "item.completed" ? "completed" : null;
    let timed = entry.startedAt !== null;
    if (phase === "item.completed") {
      entry.endedAt = at ?? entry.endedAt;
      if (!timed && entry.endedAt !== null && item.type === "tool_call" && typeof item.duration_ms === "number") {
        entry.startedAt = entry.endedAt - item.duration_ms;
        timed = true;
      }
      // Placed at its end on the waterfall, without a duration.
      entry.startedAt ??= entry.endedAt;
      if (item.type === "agent_message") {
        turn.answer = item.text;
        this.#touchTurn(thread, turn);
      }
    }
    entry.durationMs = durationOf(entry, item, timed);
    this.#touchEntry(thread, turn, entry);
    this.#touchThread(thread, at);
  }

  #delta(thread: ViewThread, at: number | null, itemId: unknown, kind: unknown, delta: unknown): void {
    if (typeof itemId !== "string" || typeof delta !== "string") return;
    const turn = this.#currentTurn(thread, at);
    const type = kind === "command_output" ? "command_execution" : kind === "reasoning" ? "reasoning" : kind === "agent_message" ? "agent_message" : null;
    if (type === null) return;
    const entry = this.#entry(thread, turn, `item:${itemId}`, type, at);
    const item = entry.item;
    if (type === "command_execution") {
      if (item?.type === "command_execution") item.aggregated_output = cut(item.aggregated_output + delta);
      else if (!item) entry.item = { id: itemId, type, command: "", aggregated_output: cut(delta), status: "in_progress" };
      entry.status ??= "in_progress";
    } else if (item?.type === "agent_message" || item?.type === "reasoning") {
      item.text = cut(item.text + delta);
    } else if (!item) {
      entry.item = { id: itemId, type, text: cut(delta) };
    }
    if (entry.item?.type === "agent_message" && entry.endedAt === null) {
      turn.answer = entry.item.text;
      this.#touchTurn(thread, turn);
    }
    this.#touchEntry(thread, turn, entry);
  }

  #approval(thread: ViewThread, at: number | null, e: Extract<ThreadEvent, { type: "approval.requested" | "approval.resolved" }>): void {
    const request = e.request && typeof e.request === "object" ? e.request : null;
    if (!request) return;
    const pending = this.#approvals.get(thread.id)!;
    const identity = [request.method, request.itemId ?? "", "approvalId" in request ? (request.approvalId ?? "") : ""].join("\u0000");
    let open = pending.get(identity);
    if (!open) {
      const turn = this.#currentTurn(thread, at);
      const entry = this.#entry(thread, turn, `approval:${turn.entries.length}`, "approval", at);
      const { raw: _raw, ...shown } = request;
      entry.approval = { request: shown, decision: null, source: null, waitMs: null };
      entry.status = "waiting";
      open = { turn, entry, at };
      pending.set(identity, open);
    }
    const { turn, entry } = open;
    if (e.type === "approval.resolved") {
      pending.delete(identity);
      entry.approval!.decision = typeof e.decision === "string" ? e.decision : null;
      entry.approval!.source = typeof e.source === "string" ? e.source : null;
      entry.status = entry.approval!.decision;
      entry.endedAt = at;
      if (open.at !== null && at !== null) entry.approval!.waitMs = entry.durationMs = Math.max(0, at - open.at);
    }
    this.#touchEntry(thread, turn, entry);
    this.#touchThread(thread, at);
  }

  #streamError(thread: ViewThread, at: number | null, message: unknown): void {
    const turn = this.#currentTurn(thread, at);
    const entry = this.#entry(thread, turn, `error:${turn.entries.length}`, "stream_error", at);
    entry.message = typeof message === "string" ? message : String(message);
    entry.endedAt = at;
    this.#touchEntry(thread, turn, entry);
  }
}

/** What changed: a thread header, a turn header, or an entry. */
interface ViewUpdateRef {
  threadId: string;
  turn?: ViewTurn;
  entry?: ViewEntry;
}

function threadHeader(thread: ViewThread): ViewThreadHeader {
  const { turns, ...header } = thread;
  return { ...header, turnCount: turns.length, status: turns.at(-1)?.status ?? null };
}

function turnHeader(turn: ViewTurn): ViewTurnHeader {
  const { entries: _entries, ...header } = turn;
  return header;
}

/** A turn failure with the code `run()` would throw it with. */
function viewError(error: ThreadError): ViewError {
  const message = typeof error?.message === "string" ? error.message : "turn failed";
  return { message, code: turnError({ message, codexErrorInfo: error?.codexErrorInfo }).code };
}

/** `raw` as an item when it has the fields every item has. */
function asItem(raw: unknown): ThreadItem | null {
  if (!raw || typeof raw !== "object") return null;
  const item = raw as { id?: unknown; type?: unknown };
  if (typeof item.id !== "string" || typeof item.type !== "string") return null;
  return raw as ThreadItem;
}

/** The item as it is now; streamed text is kept when the update has none yet, long text is cut. */
function mergeItem(previous: ThreadItem | undefined, next: ThreadItem): ThreadItem {
  const item: ThreadItem = { ...next };
  if (item.type === "command_execution") {
    const streamed = previous?.type === "command_execution" ? previous.aggregated_output : "";
    const output = typeof item.aggregated_output === "string" ? item.aggregated_output : "";
    item.aggregated_output = cut(output === "" && item.status === "in_progress" ? streamed : output);
  } else if (item.type === "agent_message" || item.type === "reasoning") {
    item.text = cut(typeof item.text === "string" ? item.text : "");
  }
  return item;
}

/** The item's own duration (a tool call's), else the time from its start to its end when both were seen. */
function durationOf(entry: ViewEntry, item: ThreadItem, timed: boolean): number | null {
  if (item.type === "tool_call" && typeof item.duration_ms === "number") return item.duration_ms;
  if (timed && entry.startedAt !== null && entry.endedAt !== null) return Math.max(0, entry.endedAt - entry.startedAt);
  return null;
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === "number" && Number.isFinite(value) ? value : fallback;
}

/** The line that stands for the cut middle of a long text. */
export const CUT_MARKER = `\n[... the middle of this text was cut: the viewer keeps ${MAX_TEXT_CHARS} characters, its start and its end ...]\n`;

/** `text` with its middle cut when longer than `MAX_TEXT_CHARS` (streamed text is cut again as it grows). */
export function cut(text: string): string {
  if (text.length <= MAX_TEXT_CHARS + CUT_MARKER.length) return text;
  const head = Math.floor(MAX_TEXT_CHARS / 4);
  const tail = MAX_TEXT_CHARS - head;
  return `${text.slice(0, head)}${CUT_MARKER}${text.slice(-tail)}`;
}

/** The first line of `text`, at most `TITLE_CHARS` long. */
function shorten(text: string): string {
  const line = text.trim().split("\n")[0] ?? "";
  return line.length > TITLE_CHARS ? `${line.slice(0, TITLE_CHARS - 1)}…` : line;
}
