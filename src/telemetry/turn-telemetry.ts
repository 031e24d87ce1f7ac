/**
 * The spans and metrics of one turn. One `invoke_agent` span covers the turn, retries included,
 * under the caller's active span; under it, one span per tool call codexkit ran, per command,
 * file change and MCP call codex ran (timed from when codex reported the item's start to its
 * end), per approval (the wait for a decision), and per retry backoff. Token usage and the
 * outcome land on the turn's span and in the GenAI metrics.
 */
import type { ApprovalOutcome, ApprovalRequest } from "../approvals/index.js";
import { errorCode, type CodexError } from "../errors/index.js";
import type { ThreadEvent, Usage } from "../events.js";
import type { ThreadItem } from "../items.js";
import type { Attributes, OtelSpan } from "./api.js";
import { SpanKind, SpanStatusCode } from "./api.js";
import { AGENT_NAME, CODEXKIT, GEN_AI, GENERAL, SPAN, TOOL_TYPE } from "./conventions.js";
import { now, traceContextOf, type Telemetry } from "./telemetry.js";

/** What the turn's span says before the turn runs. */
export interface TurnTelemetryInit {
  /** The context of the caller's active span when the turn was asked for. */
  parent: unknown;
  transport: string;
  /** `gen_ai.provider.name`: the model provider codex is configured with. */
  provider: string;
  /** The requested model, when known. */
  model?: string;
  /** The thread, when it exists already. */
  threadId: string | null;
  /** The user's input, recorded only with `captureContent`. */
  input: unknown;
}

/** How a turn ended, for its span. */
export interface TurnEnd {
  /** The error the turn ended with (failed, aborted, broken). */
  error?: CodexError | Error;
}

/** A codexkit tool call, as its span describes it. */
export interface ToolCallFacts {
  tool: string;
  callId: string;
  arguments: unknown;
  description?: string;
}

/** What a tool call's span records of its outcome. */
export interface ToolCallResultFacts {
  success: boolean;
  error?: string;
  content?: unknown;
}

interface OpenItem {
  span: OtelSpan;
  startedAt: number;
  toolName: string;
  toolType: string;
}

/** The telemetry of one turn. */
export class TurnTelemetry {
  private readonly span: OtelSpan;
  private readonly context: unknown;
  private readonly startedAt = now();
  private readonly items = new Map<string, OpenItem>();
  private readonly baseAttributes: Attributes;
  private usage: Usage | null = null;
  private finalResponse: string | undefined;
  private attempts = 1;
  private ended = false;

  constructor(
    private readonly telemetry: Telemetry,
    init: TurnTelemetryInit,
  ) {
    this.baseAttributes = { [GEN_AI.OPERATION_NAME]: "invoke_agent", [GEN_AI.PROVIDER_NAME]: init.provider, [GEN_AI.REQUEST_MODEL]: init.model };
    this.span = telemetry.startSpan(SPAN.invokeAgent(AGENT_NAME), { kind: SpanKind.CLIENT, startTime: this.startedAt }, init.parent);
    this.context = telemetry.contextWith(init.parent, this.span);
    telemetry.set(this.span, {
      ...this.baseAttributes,
      [GEN_AI.AGENT_NAME]: AGENT_NAME,
      [GEN_AI.CONVERSATION_ID]: init.threadId ?? undefined,
      [CODEXKIT.TRANSPORT]: init.transport,
      [GEN_AI.INPUT_MESSAGES]: this.span.isRecording() ? telemetry.content(inputMessages(init.input)) : undefined,
    });
  }

  /** The W3C trace context codex should continue (the turn's span), when there is a valid one. */
  traceContext(): { traceparent: string; tracestate?: string } | undefined {
    return traceContextOf(this.span);
  }

  /** Runs `fn` with the turn's span active (for the user's tool code, hooks and handlers). */
  run<T>(fn: () => T): T {
    return this.telemetry.run(this.context, fn);
  }

  /** Follows the turn's events as codex reports them (before any buffering). */
  observe(event: ThreadEvent): void {
    switch (event.type) {
      case "thread.started":
        this.telemetry.set(this.span, { [GEN_AI.CONVERSATION_ID]: event.thread_id });
        return;
      case "turn.started":
        if (event.turnId) this.telemetry.set(this.span, { [CODEXKIT.TURN_ID]: event.turnId });
        return;
      case "turn.completed":
        this.usage = event.usage;
        return;
      case "item.started":
        this.itemStarted(event.item);
        return;
      case "item.completed":
        if (event.item.type === "agent_message") this.finalResponse = event.item.text;
        this.itemCompleted(event.item);
        return;
      default:
        return;
    }
  }

  /** Runs a codexkit tool call inside its `execute_tool` span; `run` never rejects. */
  async tool<T extends ToolCallResultFacts>(call: ToolCallFacts, run: () => Promise<T>): Promise<T> {
    const startedAt = now();
    const span = this.telemetry.startSpan(SPAN.executeTool(call.tool), { kind: SpanKind.INTERNAL, startTime: startedAt }, this.context);
    this.telemetry.set(span, {
      [GEN_AI.OPERATION_NAME]: "execute_tool",
      [GEN_AI.TOOL_NAME]: call.tool,
      [GEN_AI.TOOL_CALL_ID]: call.callId,
      [GEN_AI.TOOL_TYPE]: TOOL_TYPE.FUNCTION,
      [GEN_AI.TOOL_DESCRIPTION]: call.description,
      [GEN_AI.TOOL_CALL_ARGUMENTS]: span.isRecording() ? this.telemetry.content(call.arguments) : undefined,
    });
    const outcome = await this.telemetry.run(this.telemetry.contextWith(this.context, span), run);
    const endedAt = now();
    this.telemetry.set(span, {
      [CODEXKIT.TOOL_OUTCOME]: outcome.success ? "success" : "error",
      [GENERAL.ERROR_TYPE]: outcome.success ? undefined : "tool_error",
      [GEN_AI.TOOL_CALL_RESULT]: span.isRecording() ? this.telemetry.content(outcome.content) : undefined,
    });
    if (!outcome.success) span.setStatus({ code: SpanStatusCode.ERROR, message: this.telemetry.redact(outcome.error ?? "tool call failed") });
    span.end(endedAt);
    this.recordToolDuration(call.tool, TOOL_TYPE.FUNCTION, endedAt - startedAt, outcome.success ? undefined : "tool_error");
    return outcome;
  }

  /** Waits for an approval decision inside a span that shows the wait and the answer. */
  async approval(request: ApprovalRequest, decide: () => Promise<ApprovalOutcome>): Promise<ApprovalOutcome> {
    const startedAt = now();
    const span = this.telemetry.startSpan(SPAN.approval(request.kind), { kind: SpanKind.INTERNAL, startTime: startedAt }, this.context);
    this.telemetry.set(span, { [CODEXKIT.APPROVAL_KIND]: request.kind, [CODEXKIT.ITEM_ID]: request.itemId });
    const outcome = await this.telemetry.run(this.telemetry.contextWith(this.context, span), decide);
    const endedAt = now();
    this.telemetry.set(span, {
      [CODEXKIT.APPROVAL_DECISION]: outcome.decision,
      [CODEXKIT.APPROVAL_SOURCE]: outcome.source,
      [CODEXKIT.APPROVAL_WAIT_MS]: Math.round(endedAt - startedAt),
    });
    span.end(endedAt);
    return outcome;
  }

  /** Runs the upload of a staged file to a remote host in a `codexkit.file.upload` span under the turn's. */
  upload<T>(file: { id: string; size: number }, fn: () => Promise<T>): Promise<T> {
    const attributes = { [CODEXKIT.FILE_ID]: file.id, [CODEXKIT.FILE_SIZE]: file.size };
    return this.telemetry.inSpan(SPAN.fileUpload, { kind: SpanKind.INTERNAL, attributes, parent: this.context }, fn);
  }

  /** A retry: an event on the turn's span, and a span over the backoff; call the result when the wait is over. */
  retry(info: { attempt: number; maxAttempts: number; delayMs: number; error: CodexError }): () => void {
    this.attempts = info.attempt + 1;
    const attributes = {
      [CODEXKIT.RETRY_ATTEMPT]: info.attempt,
      [CODEXKIT.RETRY_MAX_ATTEMPTS]: info.maxAttempts,
      [CODEXKIT.RETRY_DELAY_MS]: info.delayMs,
      [GENERAL.ERROR_TYPE]: info.error.code,
    };
    const span = this.telemetry.startSpan(SPAN.retry, { kind: SpanKind.INTERNAL, startTime: now() }, this.context);
    this.telemetry.set(span, attributes);
    if (this.span.isRecording()) this.span.addEvent("codexkit.turn.retry", attributes);
    return () => span.end(now());
  }

  /** Ends the turn's span (and any item span codex never ended) and records the turn's metrics. */
  end(result: TurnEnd = {}): void {
    if (this.ended) return;
    this.ended = true;
    const endedAt = now();
    for (const [id, open] of this.items) this.endItem(id, open, endedAt, { status: "incomplete", error: "the turn ended before the item did" });
    const errorType = result.error ? errorCode(result.error) : undefined;
    this.telemetry.set(this.span, {
      [GEN_AI.USAGE_INPUT_TOKENS]: this.usage?.input_tokens,
      [GEN_AI.USAGE_OUTPUT_TOKENS]: this.usage?.output_tokens,
      [GEN_AI.USAGE_CACHE_READ_INPUT_TOKENS]: this.usage?.cached_input_tokens,
      [CODEXKIT.TURN_ATTEMPTS]: this.attempts,
      [CODEXKIT.TURN_OUTCOME]: !result.error ? "completed" : errorType === "aborted" ? "aborted" : "failed",
      [GENERAL.ERROR_TYPE]: errorType,
      [GEN_AI.OUTPUT_MESSAGES]: this.span.isRecording() && this.finalResponse !== undefined ? this.telemetry.content(outputMessages(this.finalResponse)) : undefined,
    });
    if (result.error) this.span.setStatus({ code: SpanStatusCode.ERROR, message: this.telemetry.redact(result.error.message) });
    this.span.end(endedAt);
    const instruments = this.telemetry.instruments();
    if (!instruments) return;
    const attributes: Attributes = { ...this.baseAttributes, [GENERAL.ERROR_TYPE]: errorType };
    instruments.operationDuration.record((endedAt - this.startedAt) / 1000, defined(attributes));
    if (this.usage) {
      instruments.tokenUsage.record(this.usage.input_tokens, defined({ ...this.baseAttributes, [GEN_AI.TOKEN_TYPE]: "input" }));
      instruments.tokenUsage.record(this.usage.output_tokens, defined({ ...this.baseAttributes, [GEN_AI.TOKEN_TYPE]: "output" }));
    }
  }

  private itemStarted(item: ThreadItem): void {
    const tool = agentTool(item);
    if (!tool || this.items.has(item.id)) return;
    const startedAt = now();
    const span = this.telemetry.startSpan(SPAN.executeTool(tool.name), { kind: SpanKind.INTERNAL, startTime: startedAt }, this.context);
    this.telemetry.set(span, {
      [GEN_AI.OPERATION_NAME]: "execute_tool",
      [GEN_AI.TOOL_NAME]: tool.name,
      [GEN_AI.TOOL_CALL_ID]: item.id,
      [GEN_AI.TOOL_TYPE]: TOOL_TYPE.EXTENSION,
      ...(span.isRecording() ? this.itemAttributes(item) : {}),
    });
    this.items.set(item.id, { span, startedAt, toolName: tool.name, toolType: TOOL_TYPE.EXTENSION });
  }

  private itemCompleted(item: ThreadItem): void {
    if (!agentTool(item)) return;
    // exec reports some items (file changes) only once they are done: a span of no length.
    if (!this.items.has(item.id)) this.itemStarted(item);
    const open = this.items.get(item.id);
    if (!open) return;
    const status = "status" in item ? item.status : "completed";
    const failed = status === "failed" || status === "declined" || (item.type === "command_execution" && typeof item.exit_code === "number" && item.exit_code !== 0);
    const error = item.type === "mcp_tool_call" ? item.error?.message : undefined;
    this.telemetry.set(open.span, open.span.isRecording() ? this.itemAttributes(item) : {});
    this.endItem(item.id, open, now(), { status, error: failed ? (error ?? `${item.type} ${status}`) : undefined });
  }

  private endItem(id: string, open: OpenItem, endedAt: number, outcome: { status: string; error?: string }): void {
    this.items.delete(id);
    const errorType = outcome.error === undefined ? undefined : outcome.status === "completed" ? "exit_code" : outcome.status;
    this.telemetry.set(open.span, { [CODEXKIT.ITEM_STATUS]: outcome.status, [GENERAL.ERROR_TYPE]: errorType });
    if (outcome.error !== undefined) open.span.setStatus({ code: SpanStatusCode.ERROR, message: this.telemetry.redact(outcome.error) });
    open.span.end(endedAt);
    this.recordToolDuration(open.toolName, open.toolType, endedAt - open.startedAt, errorType);
  }

  /** What a span shows of an item (content only with `captureContent`). */
  private itemAttributes(item: ThreadItem): Attributes {
    switch (item.type) {
      case "command_execution":
        return {
          [GENERAL.PROCESS_EXIT_CODE]: typeof item.exit_code === "number" ? item.exit_code : undefined,
          [GENERAL.PROCESS_COMMAND_LINE]: this.telemetry.content(item.command),
        };
      case "file_change":
        return {
          [CODEXKIT.FILE_CHANGE_COUNT]: item.changes.length,
          [CODEXKIT.FILE_CHANGE_PATHS]: this.telemetry.captureContent ? item.changes.map((change) => change.path) : undefined,
        };
      case "mcp_tool_call":
        return {
          [GENERAL.MCP_METHOD_NAME]: "tools/call",
          [CODEXKIT.MCP_SERVER]: item.server,
          [GEN_AI.TOOL_CALL_ARGUMENTS]: this.telemetry.content(item.arguments),
          [GEN_AI.TOOL_CALL_RESULT]: item.result ? this.telemetry.content(item.result.content) : undefined,
        };
      default:
        return {};
    }
  }

  private recordToolDuration(tool: string, type: string, ms: number, errorType: string | undefined): void {
    const instruments = this.telemetry.instruments();
    instruments?.toolDuration.record(Math.max(0, ms) / 1000, defined({
      [GEN_AI.OPERATION_NAME]: "execute_tool",
      [GEN_AI.TOOL_NAME]: tool,
      [GEN_AI.TOOL_TYPE]: type,
      [GENERAL.ERROR_TYPE]: errorType,
    }));
  }
}

/** The tool an item shows codex using, or null for items that are not tool use. */
function agentTool(item: ThreadItem): { name: string } | null {
  switch (item.type) {
    case "command_execution":
      return { name: "shell" };
    case "file_change":
      return { name: "apply_patch" };
    case "mcp_tool_call":
      return { name: item.tool };
    default:
      return null;
  }
}


/** The input as GenAI input messages (text parts; images and files by reference). */
function inputMessages(input: unknown): unknown {
  const parts = Array.isArray(input)
    ? input.map((entry: { type?: string; text?: string; path?: string; url?: string }) =>
        entry.type === "text" ? { type: "text", content: entry.text } : { type: entry.type, uri: entry.path ?? entry.url },
      )
    : [{ type: "text", content: String(input) }];
  return [{ role: "user", parts }];
}

function outputMessages(text: string): unknown {
  return [{ role: "assistant", parts: [{ type: "text", content: text }], finish_reason: "stop" }];
}

/** Metric attributes without the unset ones (span attributes drop them in `Telemetry.set`). */
function defined(attributes: Attributes): Attributes {
  return Object.fromEntries(Object.entries(attributes).filter(([, value]) => value !== undefined));
}
