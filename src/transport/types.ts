/**
 * The contract between the turn layer and the transports. A transport speaks codex's wire and
 * manages processes: it maps the wire into events, and hands what codex asks of the caller (tool
 * calls, approvals) upward through a `TurnHost`, as plain calls. It decides nothing itself.
 */
import type { ApprovalDecision, ApprovalRequest } from "../approvals/index.js";
import type { Recorder } from "../diagnostics/index.js";
import type { FileOwner, StagedFile, ThreadAttachment } from "../files/index.js";
import type { Redactor } from "../errors/index.js";
import type { ThreadEvent } from "../events.js";
import type { NormalizedInput } from "../input.js";
import type { Logger } from "../logger.js";
import type { CodexOptions, CyberAccessProgram, ThreadOptions, TransportKind } from "../options/index.js";
import type { ElicitationRequest, ElicitationResponse, McpServerStatus } from "../mcp/types.js";
import type { ListThreadsOptions, ThreadSummary } from "../thread-summary.js";
import type { ToolCallOutcome, ToolContentItem, ToolSpec } from "../tools/index.js";

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
  /** Logs process starts and ends, and keeps them for `codex.diagnostics()`. */
  readonly recorder: Recorder;
}

/** One attempt at a turn. */
export interface TurnRequest {
  /** The thread to continue, or null to start a new one. */
  threadId: string | null;
  input: NormalizedInput;
  /** The thread's options, checked at `startThread`. */
  thread: ThreadOptions;
  /** JSON Schema for the final answer. */
  outputSchema?: Record<string, unknown>;
  cyberAccessProgram?: CyberAccessProgram;
  signal?: AbortSignal;
  /** The codexkit tools to offer codex for this turn; empty for none. */
  tools: readonly ToolSpec[];
  /** W3C trace context of the turn's span, for codex to continue (its own OpenTelemetry export). */
  trace?: TraceContext;
}

/** A W3C trace context: what codex reads from a `trace` member (app-server) or `TRACEPARENT` (exec). */
export interface TraceContext {
  traceparent: string;
  tracestate?: string;
}

/** A codexkit tool call codex asks for. */
export interface ToolCallRequest {
  tool: string;
  /** As codex sent them (an object, or JSON text); the turn layer validates them. */
  arguments: unknown;
  callId: string;
  threadId: string;
  turnId: string | null;
  /** Aborts when the answer is no longer needed (the turn ended, codex went away). */
  signal: AbortSignal;
}

/** What an approval decision may add to the turn's stream, and when to give up on it. */
export interface ApprovalContext {
  /** Aborts when the answer is no longer needed (the turn ended, codex went away). */
  signal: AbortSignal;
  /** Puts an event into the turn's stream at the request's place among codex's own events (a plain function: callers destructure it). */
  emit: (event: ThreadEvent) => void;
}

/** What a transport asks of the turn layer while a turn runs. No method rejects. */
export interface TurnHost {
  /**
   * Sees each event the moment the transport has it from codex, before any buffering (so its
   * timing is codex's, not the consumer's). Synchronous and cheap; must not throw.
   */
  observe(event: TransportEvent): void;
  /** Runs a codexkit tool and returns what goes back to codex. */
  callTool(call: ToolCallRequest): Promise<ToolCallOutcome>;
  /** Decides an approval request codex made. */
  decideApproval(request: ApprovalRequest, context: ApprovalContext): Promise<ApprovalDecision>;
  /** Answers an MCP server's elicitation (a request for the user's input) that codex passed on. */
  elicit(request: ElicitationRequest, context: ApprovalContext): Promise<ElicitationResponse>;
  /** Runs the upload of a staged file (to a remote host) in a span of its own under the turn's. Rejects as `fn` does. */
  traceUpload<T>(file: StagedFile, fn: () => Promise<T>): Promise<T>;
}

/**
 * A codexkit tool call as the wire reported it (app-server `dynamicToolCall` items, exec's
 * `mcp_tool_call` items of codexkit's own MCP endpoint). The turn layer turns it into the
 * `tool_call` item users see, the same on both transports.
 */
export interface ToolCallReport {
  type: "tool_call.report";
  /** Which item event it becomes. */
  phase: "item.started" | "item.updated" | "item.completed";
  /** The item's id on the wire. */
  id: string;
  tool: string;
  arguments: unknown;
  status: "in_progress" | "completed" | "failed";
  /** What went back to the model: text and images, other blocks as codex gave them. */
  content?: ReadonlyArray<ToolContentItem | Record<string, unknown>>;
  /** codex's own error, for a call that failed outside the tool (refused, undeliverable). */
  error?: string;
  /** The call's duration, when the wire says. */
  durationMs?: number;
}

/** codex is retrying a failed model request itself (app-server: an `error` with `willRetry`); counted by `retry`. */
export interface CodexRetryReport {
  type: "codex_retry.report";
}

/** What a transport yields: the public events, and reports the turn layer shapes. */
export type TransportEvent = ThreadEvent | ToolCallReport | CodexRetryReport;

/**
 * Runs turns on one of codex's machine interfaces. Nothing starts before the first `next()`;
 * `return()` stops everything the turn started. `turn.completed.usage` is the turn's own usage.
 */
export interface Transport {
  readonly kind: TransportKind;
  /** True when codex runs on another machine: input paths are the agent host's. */
  readonly remote?: boolean;
  /** One attempt at a turn; codex's requests go to `host`. */
  runTurn(request: TurnRequest, host: TurnHost): AsyncGenerator<TransportEvent, void, undefined>;
  /** Adds input to the thread's running turn. */
  steer(threadId: string | null, input: NormalizedInput): Promise<void>;
  /** Stops the thread's running turn (its stream then throws `AbortError`); no turn: no-op. */
  interrupt(threadId: string): Promise<void>;
  /**
   * Lets codex drop the thread from memory now, so its next turn reads the rollout from disk;
   * resolves once codex has done so. No-op when the thread is not loaded (and on exec, where every
   * turn is a new process). Rejects with `ThreadStateError` while a turn of the thread runs, and
   * with `TimeoutError` when codex keeps the thread loaded. Absent: a no-op.
   */
  /**
   * Starts (or connects to) codex now and completes its handshake, so the first turn does not
   * pay for it. Idempotent; turns started meanwhile wait for the same start. A transport without
   * it (exec: every turn is a new process) has nothing to start.
   */
  warm?(): Promise<void>;
  unload?(threadId: string): Promise<void>;
  /** Copies a thread's history into a new thread; returns the new id. */
  fork(threadId: string | null, thread: ThreadOptions): Promise<string>;
  /**
   * Drops a failed turn and everything after it from the thread's stored history, so that a retry
   * does not repeat its input. Absent where the transport cannot (then turns are not retried).
   */
  revertTurn?(threadId: string, turnId: string): Promise<void>;
  /**
   * Where codex can read a staged file for `threadId`, when that is not the file's own path (a
   * remote app-server: the file is uploaded to the agent's host). Absent: codex reads it in place.
   */
  placeFile?(threadId: string, file: StagedFile): Promise<string>;
  /** What codex stores about threads (listing, archiving, attachments, MCP status), whatever runs the turns. */
  readonly store: ThreadStore;
  /** Stops every process the transport owns (its store's included), and frees what suspended turns hold. */
  close(): Promise<void>;
}

/**
 * codex's stored threads and what it keeps about them, behind the transport: the client asks
 * this, never a particular transport. On exec, codex keeps these only through an app-server, so
 * exec's store starts a short-lived one, and only when one of these methods is called (records
 * of exec turns are journaled on disk until then: see `DeferredThreadStore`).
 */
export interface ThreadStore {
  /** One page of stored threads (`thread/list`). */
  listThreads(options: ListThreadsOptions): Promise<ThreadPage>;
  /** Archives a stored thread (`thread/archive`). */
  archiveThread(threadId: string): Promise<void>;
  /** The MCP servers codex knows (every page), those a thread runs too when `threadId` is given. */
  mcpStatus(threadId?: string): Promise<McpServerStatus[]>;
  /** Records that `threadId` was given `files`; resolves once written (or, on exec before the store is opened, kept to write). */
  recordAttachments(threadId: string, files: readonly StagedFile[]): Promise<void>;
  /** The staged files recorded for `threadId`, oldest first. */
  listAttachments(threadId: string): Promise<ThreadAttachment[]>;
  /** The threads recorded as given the staged file `fileId`. */
  attachmentOwners(fileId: string): Promise<FileOwner[]>;
}
