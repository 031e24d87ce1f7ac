/** The contract between `Thread` and the transports that run turns. */
import type { Redactor } from "../errors/index.js";
import type { ThreadEvent } from "../events.js";
import type { NormalizedInput } from "../input.js";
import type { Logger } from "../logger.js";
import type { CodexOptions, CyberAccessProgram, ThreadOptions, TransportKind } from "../options.js";
import type { ListThreadsOptions, ThreadSummary } from "../thread-summary.js";
import type { ToolSet } from "../tools/types.js";
import type { ApprovalHandler } from "../approvals/index.js";

export type { ListThreadsOptions };

/** One page of `thread/list`. */
export interface ThreadPage {
  threads: ThreadSummary[];
  nextCursor: string | null;
}

/** Services a `Codex` client shares with its transports. */
export interface ClientContext {
  readonly options: CodexOptions;
  readonly redactor: Redactor;
  readonly logger: Logger;
}

/** One turn to run. */
export interface TurnRequest {
  /** The thread to continue, or null to start a new one. */
  threadId: string | null;
  input: NormalizedInput;
  thread: ThreadOptions;
  /** JSON Schema for the final answer. */
  outputSchema?: Record<string, unknown>;
  cyberAccessProgram?: CyberAccessProgram;
  signal?: AbortSignal;
  /** The turn's codexkit tools (client registry plus thread tools); absent or empty: none. */
  tools?: ToolSet;
  /** Who answers codex's approval requests for this turn (app-server). */
  approvals?: TurnApprovals;
}

/** The approval settings of one turn. */
export interface TurnApprovals {
  /** The thread's `onApproval`, else the client's; none means decline. */
  handler?: ApprovalHandler;
  /** Deadline for the handler (default 60000). */
  timeoutMs?: number;
}

/**
 * Runs turns and yields normalized `ThreadEvent`s. `turn.completed.usage` is the turn's own
 * usage. Nothing starts before the first `next()`; `return()` stops everything the turn started.
 */
export interface Transport {
  readonly kind: TransportKind;
  runTurn(request: TurnRequest): AsyncGenerator<ThreadEvent, void, undefined>;
  /** Adds input to the thread's running turn. */
  steer(threadId: string | null, input: NormalizedInput): Promise<void>;
  /** Stops the thread's running turn (its stream then throws `AbortError`); no turn: no-op. */
  interrupt(threadId: string): Promise<void>;
  /** Copies a thread's history into a new thread; returns the new id. */
  fork(threadId: string | null, thread: ThreadOptions): Promise<string>;
  /** Stops every process the transport owns. */
  close(): Promise<void>;
}
