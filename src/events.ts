/**
 * Thread events: the one stream users see, whichever transport runs the turn. The official
 * `@openai/codex-sdk` union, plus codexkit additions that never break it (new event types, and
 * optional fields on existing ones).
 */
import type { ApprovalDecision, ApprovalDecisionSource, ApprovalRequest } from "./approvals/index.js";
import type { CodexErrorCode } from "./errors/index.js";
import type { ThreadItem } from "./items.js";

/** Emitted when a new thread is started, as the first event. */
export type ThreadStartedEvent = {
  /** Discriminant: a thread started. */
  type: "thread.started";
  /** The identifier of the new thread. Can be used to resume the thread later. */
  thread_id: string;
};

/** Emitted when a turn starts: everything until `turn.completed`/`turn.failed` belongs to it. */
export type TurnStartedEvent = {
  /** Discriminant: a turn started. */
  type: "turn.started";
  /** The turn's id, when the transport knows it (app-server). codexkit addition. */
  turnId?: string;
};

/** Token usage. */
export type Usage = {
  /** Input tokens. */
  input_tokens: number;
  /** Input tokens served from the prompt cache. */
  cached_input_tokens: number;
  /** Input tokens written to the prompt cache. */
  cache_write_input_tokens: number;
  /** Output tokens. */
  output_tokens: number;
  /** Reasoning output tokens. */
  reasoning_output_tokens: number;
};

/**
 * Emitted when a turn completes. `usage` is THIS turn's tokens in codexkit (the official SDK
 * passes through codex exec's running total; see the README on this deliberate difference).
 */
export type TurnCompletedEvent = {
  /** Discriminant: a turn completed. */
  type: "turn.completed";
  /** The tokens this turn used. */
  usage: Usage;
  /** The turn's id, when the transport knows it (app-server). codexkit addition. */
  turnId?: string;
};

/** Fatal error of a turn. */
export type ThreadError = {
  /** What went wrong. */
  message: string;
  /** Structured failure details, when the transport reports them (app-server). codexkit addition. */
  codexErrorInfo?: unknown;
};

/** Indicates that a turn failed with an error. */
export type TurnFailedEvent = {
  /** Discriminant: a turn failed. */
  type: "turn.failed";
  /** Why the turn failed. */
  error: ThreadError;
  /** The turn's id, when the transport knows it. codexkit addition. */
  turnId?: string;
};

/**
 * A turn failed with a retryable error before doing any work, and runs again after `delayMs`
 * (codexkit addition). It takes the place of the attempt's `turn.failed`; a `turn.started`
 * follows for the next attempt.
 */
export type TurnRetryingEvent = {
  /** Discriminant: a turn is retried. */
  type: "turn.retrying";
  /** The attempt that failed (1 for the first). */
  attempt: number;
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** How long codexkit waits before the next attempt. */
  delayMs: number;
  /** Why the attempt failed, with the code of the error `run()` would have thrown. */
  error: ThreadError & {
    /** The code of the error `run()` would have thrown. */
    code: CodexErrorCode;
  };
};

/** Emitted when a new item is added to the thread; typically "in progress" at first. */
export type ItemStartedEvent = {
  /** Discriminant: an item started. */
  type: "item.started";
  /** The item as it starts. */
  item: ThreadItem;
};

/** Emitted when an item is updated. */
export type ItemUpdatedEvent = {
  /** Discriminant: an item changed. */
  type: "item.updated";
  /** The item as it is now. */
  item: ThreadItem;
};

/** Signals that an item has reached a terminal state: success or failure. */
export type ItemCompletedEvent = {
  /** Discriminant: an item completed. */
  type: "item.completed";
  /** The item in its final state. */
  item: ThreadItem;
};

/** Which part of an item a delta extends. */
export type ItemDeltaKind = "agent_message" | "reasoning" | "command_output";

/** Incremental content of an item while it streams (codexkit addition, app-server). */
export type ItemDeltaEvent = {
  /** Discriminant: an item's content grew. */
  type: "item.delta";
  /** The id of the item the delta extends. */
  itemId: string;
  /** Which part of the item the delta extends. */
  kind: ItemDeltaKind;
  /** The text to append. */
  delta: string;
};

/** An error reported by the event stream itself (codex also uses it for non-fatal notices). */
export type ThreadErrorEvent = {
  /** Discriminant: a stream error. */
  type: "error";
  /** The error message. */
  message: string;
};

/** codex asked for an approval; codexkit is asking your `onApproval` (app-server). */
export type ApprovalRequestedEvent = {
  /** Discriminant: an approval was asked for. */
  type: "approval.requested";
  /** What codex asks to approve. */
  request: ApprovalRequest;
};

/** An approval was decided and answered to codex. */
export type ApprovalResolvedEvent = {
  /** Discriminant: an approval was answered. */
  type: "approval.resolved";
  /** What codex asked to approve. */
  request: ApprovalRequest;
  /** The answer sent to codex. */
  decision: ApprovalDecision;
  /** Who decided: your handler, or the fallback that stood in (no handler, timeout, error, invalid answer). */
  source: ApprovalDecisionSource;
};

/** Every event a turn can yield. */
export type ThreadEvent =
  | ThreadStartedEvent
  | TurnStartedEvent
  | TurnCompletedEvent
  | TurnFailedEvent
  | TurnRetryingEvent
  | ItemStartedEvent
  | ItemUpdatedEvent
  | ItemCompletedEvent
  | ItemDeltaEvent
  | ApprovalRequestedEvent
  | ApprovalResolvedEvent
  | ThreadErrorEvent;

/** What `onEvent` is told besides the event. */
export interface EventHookInfo {
  /** The thread, once known. */
  threadId: string | null;
  /** The turn's text input (its text parts joined by blank lines). codexkit addition. */
  prompt?: string;
  /** The transport that runs the turn (`TransportKind`). codexkit addition. */
  transport?: "exec" | "app-server";
}

/** `onEvent`: sees every event of every turn, in order, before the consumer does. */
export type EventHook = (event: ThreadEvent, info: EventHookInfo) => void | Promise<void>;
