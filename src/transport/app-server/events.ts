/**
 * Maps the app-server v2 notifications of ONE turn to codexkit `ThreadEvent`s, so that an
 * app-server turn yields the stream `codex exec --json` prints for the same turn, plus
 * `item.delta` events. The rules are those of codex exec's JSONL processor (which itself consumes
 * these notifications), checked against recordings of the pinned binary
 * (`test/fixtures/app-server/`, made by `scripts/record-app-server.ts`):
 *
 * - `turn/started` → `turn.started {turnId}`; `thread.started` is the transport's job.
 * - `item/started` → `item.started`, except for agent messages and reasoning, which (as in exec)
 *   appear only once complete; a second start of a file change is an `item.updated`.
 *   `item/completed` → `item.completed`. User messages and other item types exec does not show are
 *   dropped, and so is reasoning whose summary is blank.
 * - Item ids are app-server's own item ids (exec numbers items `item_N` per process instead), so
 *   they match `item.delta.itemId`, approval requests and `thread/read`. Items codexkit makes up
 *   (to-do lists, warnings) get `codexkit_item_N`.
 * - `item/agentMessage/delta`, `item/reasoning/summaryTextDelta`,
 *   `item/commandExecution/outputDelta` → `item.delta` (kinds agent_message, reasoning,
 *   command_output). exec has no counterpart.
 * - `turn/plan/updated` → a `todo_list` item: started on the first plan, updated after, completed
 *   when the turn ends.
 * - `warning`, `configWarning`, `deprecationNotice`, `model/rerouted` → a completed `error` item.
 *   `error` → a top-level `error` event (also for `willRetry` reconnect notices, as exec); one
 *   with `willRetry` is followed by a `codex_retry.report`, so the turn layer can count codex's
 *   own retries.
 * - `turn/completed`: `completed` → `turn.completed {usage, turnId}`; `failed` → `turn.failed
 *   {error: {message, codexErrorInfo}, turnId}` (the turn's error, else the last `error`
 *   notification's); `interrupted` → no event, `interrupted` becomes true. Items started but not
 *   completed that the turn lists are completed first, as exec does.
 * - Usage is THIS turn's: the sum of `tokenUsage.last` over the turn's `thread/tokenUsage/updated`
 *   notifications (one per model request; `last` alone is only the last request), skipping
 *   repeats whose `total` did not move. Zero when none arrived.
 */
import type { ThreadEvent, ItemDeltaKind, ThreadError, Usage } from "../../events.js";
import type { TransportEvent } from "../types.js";
import type { TodoItem } from "../../items.js";
import { addUsage, emptyUsage } from "../../usage.js";
import type { ServerNotification } from "./protocol/index.js";
import {
  asObject,
  asString,
  itemId,
  itemType,
  MAPPED_ITEM_TYPES,
  toCodexkitItem,
  toCodexkitUsage,
  toToolCallReport,
  toTodoItems,
  withDetails,
  type Json,
} from "./items.js";

/** Options of `TurnEventMapper`. */
export interface TurnEventMapperOptions {
  /** The thread the turn runs on; notifications naming another thread are ignored. */
  threadId: string;
  /**
   * The turn to follow, when known up front. Without it the mapper follows the first turn that
   * `turn/started` announces and ignores notifications of other turns from then on.
   */
  turnId?: string;
}

/** A method name of a server notification. */
type Method = ServerNotification["method"];

const DELTA_KINDS: ReadonlyMap<string, ItemDeltaKind> = new Map<Method, ItemDeltaKind>([
  ["item/agentMessage/delta", "agent_message"],
  ["item/reasoning/summaryTextDelta", "reasoning"],
  ["item/commandExecution/outputDelta", "command_output"],
]);

/** Item types exec only shows once they complete. */
const COMPLETED_ONLY = new Set(["agentMessage", "reasoning"]);

let synthesizedIds = 0;

/** An id for an item app-server has no id for; unique within this process. */
function synthesizedId(): string {
  synthesizedIds += 1;
  return `codexkit_item_${synthesizedIds}`;
}

/** Turns the notifications of one app-server turn into codexkit `ThreadEvent`s. */
export class TurnEventMapper {
  readonly threadId: string;
  #turnId: string | null;
  #done = false;
  #interrupted = false;
  #usage: Usage = emptyUsage();
  #lastTotal: Usage | null = null;
  #lastError: ThreadError | null = null;
  #todo: { id: string; items: TodoItem[] } | null = null;
  /** Raw ids of items shown as started (not agent messages/reasoning) and not completed yet. */
  readonly #open = new Set<string>();

  constructor(options: TurnEventMapperOptions) {
    this.threadId = options.threadId;
    this.#turnId = options.turnId ?? null;
  }

  /** The followed turn's id, once known. */
  get turnId(): string | null {
    return this.#turnId;
  }

  /** True once the turn ended (`turn/completed` with any final status); later input is ignored. */
  get done(): boolean {
    return this.#done;
  }

  /** True when the turn ended as `interrupted` (no terminal event was emitted for it). */
  get interrupted(): boolean {
    return this.#interrupted;
  }

  /** This turn's token usage so far. */
  get usage(): Usage {
    return { ...this.#usage };
  }

  /**
   * The events for one notification: none for notifications of other threads or turns, for
   * methods the mapper does not know, for malformed params, and for anything after the turn ended.
   * Never throws.
   */
  map(method: string, params: unknown): TransportEvent[] {
    if (this.#done) return [];
    const p = asObject(params);
    if (!p || !this.#concernsThisTurn(method, p)) return [];
    const deltaKind = DELTA_KINDS.get(method);
    if (deltaKind) return this.#delta(deltaKind, p);
    switch (method as Method) {
      case "turn/started":
        return this.#turnStarted(p);
      case "turn/completed":
        return this.#turnCompleted(p);
      case "item/started":
        return this.#itemStarted(p.item);
      case "item/completed":
        return this.#itemCompleted(p.item);
      case "item/fileChange/patchUpdated":
        return this.#patchUpdated(p);
      case "turn/plan/updated":
        return this.#planUpdated(p.plan);
      case "thread/tokenUsage/updated":
        this.#tokenUsage(p.tokenUsage);
        return [];
      case "error":
        return this.#error(p);
      case "warning":
        return typeof p.message === "string" ? [this.#errorItem(p.message)] : [];
      case "configWarning":
      case "deprecationNotice":
        return typeof p.summary === "string" ? [this.#errorItem(withDetails(p.summary, p.details))] : [];
      case "model/rerouted":
        return [this.#errorItem(`model rerouted: ${asString(p.fromModel)} -> ${asString(p.toModel)} (${asString(p.reason)})`)];
      default:
        return [];
    }
  }

  /** False for notifications that name another thread, or another turn than the followed one. */
  #concernsThisTurn(method: string, p: Json): boolean {
    if (typeof p.threadId === "string" && p.threadId !== this.threadId) return false;
    const turnId = method === "turn/started" || method === "turn/completed" ? asObject(p.turn)?.id : p.turnId;
    if (method === "turn/started" || method === "turn/completed") {
      if (typeof turnId !== "string") return false;
    }
    return typeof turnId !== "string" || this.#turnId === null || turnId === this.#turnId;
  }

  #turnStarted(p: Json): TransportEvent[] {
    const turnId = asString(asObject(p.turn)?.id);
    this.#turnId = turnId;
    return [{ type: "turn.started", turnId }];
  }

  #turnCompleted(p: Json): TransportEvent[] {
    const turn = asObject(p.turn) ?? {};
    const status = turn.status;
    if (status !== "completed" && status !== "failed" && status !== "interrupted") return [];
    const turnId = asString(turn.id);
    this.#turnId ??= turnId;
    const events: TransportEvent[] = [];
    if (this.#todo) {
      events.push({ type: "item.completed", item: { id: this.#todo.id, type: "todo_list", items: this.#todo.items } });
      this.#todo = null;
    }
    // Items the turn lists that were started and never completed: complete them now (as exec does).
    if (Array.isArray(turn.items)) {
      for (const item of turn.items) if (this.#open.has(itemId(item))) events.push(...this.#itemCompleted(item));
    }
    this.#done = true;
    if (status === "completed") {
      events.push({ type: "turn.completed", usage: this.usage, turnId });
    } else if (status === "failed") {
      events.push({ type: "turn.failed", error: this.#turnError(turn.error), turnId });
    } else {
      this.#interrupted = true;
    }
    return events;
  }

  #turnError(value: unknown): ThreadError {
    const error = asObject(value);
    if (error && typeof error.message === "string") {
      const out: ThreadError = { message: withDetails(error.message, error.additionalDetails) };
      if (error.codexErrorInfo !== null && error.codexErrorInfo !== undefined) out.codexErrorInfo = error.codexErrorInfo;
      return out;
    }
    return this.#lastError ?? { message: "turn failed" };
  }

  #error(p: Json): TransportEvent[] {
    const error = asObject(p.error);
    if (!error || typeof error.message !== "string") return [];
    const message = withDetails(error.message, error.additionalDetails);
    this.#lastError = { message };
    if (error.codexErrorInfo !== null && error.codexErrorInfo !== undefined) this.#lastError.codexErrorInfo = error.codexErrorInfo;
    return p.willRetry === true ? [{ type: "error", message }, { type: "codex_retry.report" }] : [{ type: "error", message }];
  }

  #itemStarted(raw: unknown): TransportEvent[] {
    const type = itemType(raw);
    if (type === null || !MAPPED_ITEM_TYPES.has(type) || COMPLETED_ONLY.has(type)) return [];
    const rawId = itemId(raw);
    if (type === "dynamicToolCall") {
      if (rawId) this.#open.add(rawId);
      return [toToolCallReport(raw, rawId || synthesizedId(), "item.started")];
    }
    const item = toCodexkitItem(raw, rawId || synthesizedId());
    if (!item) return [];
    const again = type === "fileChange" && this.#open.has(rawId);
    if (rawId) this.#open.add(rawId);
    return [{ type: again ? "item.updated" : "item.started", item }];
  }

  #itemCompleted(raw: unknown): TransportEvent[] {
    const type = itemType(raw);
    if (type === null || !MAPPED_ITEM_TYPES.has(type)) return [];
    const rawId = itemId(raw);
    this.#open.delete(rawId);
    if (type === "dynamicToolCall") return [toToolCallReport(raw, rawId || synthesizedId(), "item.completed")];
    const item = toCodexkitItem(raw, rawId || synthesizedId());
    return item ? [{ type: "item.completed", item }] : [];
  }

  #patchUpdated(p: Json): ThreadEvent[] {
    if (typeof p.itemId !== "string" || p.itemId === "") return [];
    const item = toCodexkitItem({ type: "fileChange", id: p.itemId, changes: p.changes, status: "inProgress" }, p.itemId);
    if (!item) return [];
    this.#open.add(p.itemId);
    return [{ type: "item.updated", item }];
  }

  #planUpdated(plan: unknown): ThreadEvent[] {
    if (!Array.isArray(plan)) return [];
    const items = toTodoItems(plan);
    if (this.#todo) {
      this.#todo.items = items;
      return [{ type: "item.updated", item: { id: this.#todo.id, type: "todo_list", items } }];
    }
    this.#todo = { id: synthesizedId(), items };
    return [{ type: "item.started", item: { id: this.#todo.id, type: "todo_list", items } }];
  }

  #tokenUsage(value: unknown): void {
    const tokenUsage = asObject(value);
    if (!tokenUsage) return;
    const total = toCodexkitUsage(tokenUsage.total);
    if (this.#lastTotal && sameUsage(total, this.#lastTotal)) return;
    this.#lastTotal = total;
    // Before `turn/started` it is the thread's restored total (after a resume), not this turn's.
    if (this.#turnId === null) return;
    this.#usage = addUsage(this.#usage, toCodexkitUsage(tokenUsage.last));
  }

  #delta(kind: ItemDeltaKind, p: Json): ThreadEvent[] {
    if (typeof p.itemId !== "string" || typeof p.delta !== "string") return [];
    return [{ type: "item.delta", itemId: p.itemId, kind, delta: p.delta }];
  }

  #errorItem(message: string): ThreadEvent {
    return { type: "item.completed", item: { id: synthesizedId(), type: "error", message } };
  }
}

function sameUsage(a: Usage, b: Usage): boolean {
  return (Object.keys(a) as (keyof Usage)[]).every((key) => a[key] === b[key]);
}
