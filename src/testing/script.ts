/**
 * What a MockModelServer can be scripted to do: the outputs of one model response (messages,
 * reasoning, tool calls) and the responses themselves (a normal stream, a failure, an HTTP
 * error, a stall, a disconnect). Everything here is a plain object, so tests can also write
 * them by hand, store them, and reuse them; ids are filled in only when a response is served.
 */
import { applyPatchCommand, buildPatch, type PatchFile } from "./patch.js";

/** How many chunks `deltas: true` splits a text into: enough to look like streaming, few enough to read. */
export const DEFAULT_DELTA_CHUNKS = 8;

/** Streams text as deltas: `true` for about eight chunks, a number for that many, `false`/absent for none. */
export type DeltaOption = boolean | number;

/** An assistant message (codex shows it as an `agent_message` item). */
export interface MockMessage {
  /** Discriminant: a message. */
  type: "message";
  /** The message's text. */
  text: string;
  /** Emit `output_item.added` and `output_text.delta` events before the finished item. */
  deltas?: DeltaOption;
  /** Item id; `msg_N` when absent. */
  id?: string;
}

/** A reasoning item with one summary (codex shows it as a `reasoning` item). */
export interface MockReasoning {
  /** Discriminant: a reasoning item. */
  type: "reasoning";
  /** The summary's text. */
  text: string;
  /** Emit `output_item.added` and `reasoning_summary_text.delta` events before the finished item. */
  deltas?: DeltaOption;
  /** Item id; `rs_N` when absent. */
  id?: string;
}

/** A function call the model makes; codex runs the named tool and answers in the next request. */
export interface MockFunctionCall {
  /** Discriminant: a function call. */
  type: "function_call";
  /** Tool name, e.g. `exec_command`, a codexkit tool, or an MCP tool's own name (with `namespace`). */
  name: string;
  /** The arguments as the raw JSON string the API sends (kept raw so malformed JSON can be scripted). */
  arguments: string;
  /** Call id echoed in the `function_call_output`; `call_N` when absent. */
  callId?: string;
  /** Namespace of the tool; codex routes MCP tools by it (`mcp__<server>`). */
  namespace?: string;
}

/** Any SSE event, sent as is: the escape hatch for API events the builders do not cover. */
export interface MockRawEvent {
  /** Discriminant: a raw event. */
  type: "raw_event";
  /** The event's JSON; its `type` field becomes the SSE `event:` name. */
  event: {
    /** The API event type, e.g. `response.output_item.done`. */
    type: string;
    [key: string]: unknown;
  };
}

/** One thing a scripted model response produces. */
export type MockOutput = MockMessage | MockReasoning | MockFunctionCall | MockRawEvent;

/** Token usage reported in `response.completed`, in the Responses API's shape. */
export interface MockUsage {
  /** Input tokens. */
  input_tokens: number;
  /** Details of the input tokens. */
  input_tokens_details: {
    /** Input tokens served from the prompt cache. */
    cached_tokens: number;
  };
  /** Output tokens. */
  output_tokens: number;
  /** Details of the output tokens. */
  output_tokens_details: {
    /** Reasoning output tokens. */
    reasoning_tokens: number;
  };
  /** Input plus output tokens. */
  total_tokens: number;
}

/** Usage overrides: any field, nested details included, may be left out. */
export type MockUsageOverrides = Partial<Omit<MockUsage, "input_tokens_details" | "output_tokens_details">> & {
  /** Overrides of `input_tokens_details`. */
  input_tokens_details?: Partial<MockUsage["input_tokens_details"]>;
  /** Overrides of `output_tokens_details`. */
  output_tokens_details?: Partial<MockUsage["output_tokens_details"]>;
};

/** The usage every stream reports unless overridden: small, non-zero, and every field distinct enough to spot. */
export const DEFAULT_USAGE: Readonly<MockUsage> = Object.freeze({
  input_tokens: 10,
  input_tokens_details: Object.freeze({ cached_tokens: 2 }),
  output_tokens: 5,
  output_tokens_details: Object.freeze({ reasoning_tokens: 1 }),
  total_tokens: 15,
});

/** A complete streamed response: `response.created`, the outputs' events, `response.completed`. */
export interface MockStream {
  /** Discriminant: a complete stream. */
  type: "stream";
  /** What the response produces, in order. */
  outputs: MockOutput[];
  /** Partial overrides of `DEFAULT_USAGE`; `total_tokens` follows input + output unless given. */
  usage?: MockUsageOverrides;
  /** Response id; `resp_N` when absent. */
  id?: string;
  /** Pause between events, to make timing-dependent behaviour (deltas, interrupts) observable. */
  delayMs?: number;
}

/**
 * A stream that starts and then reports `response.failed` with an API error. codex 0.169.0 fails
 * the turn with "stream disconnected before completion: <message>" (after `stream_max_retries`
 * reconnects); code `context_length_exceeded` instead gives its "ran out of room in the model's
 * context window" text, and `rate_limit_exceeded` with "try again in 1.5s" reconnects after that delay.
 */
export interface MockFailure {
  /** Discriminant: a failed stream. */
  type: "fail";
  /** The error message in `response.failed`. */
  message: string;
  /** Error code in the failure, e.g. `server_error`, `rate_limit_exceeded`, `context_length_exceeded`. */
  code?: string;
  /** Response id; `resp_N` when absent. */
  id?: string;
}

/** A plain HTTP error instead of a stream, e.g. a 429 with `retry-after` (how codex reacts: see http-replies.ts). */
export interface MockHttpError {
  /** Discriminant: an HTTP error. */
  type: "http_error";
  /** The HTTP status code. */
  status: number;
  /** Response body: a string is sent raw, anything else as JSON; defaults to `{error:{message,type,code}}`. */
  body?: unknown;
  /** Seconds, sent as the `retry-after` header. */
  retryAfter?: number;
  /** Milliseconds, sent as the `retry-after-ms` header. */
  retryAfterMs?: number;
  /** More response headers. */
  headers?: Record<string, string>;
}

/**
 * A stream that starts and then goes silent, holding the connection open until the client or
 * server leaves. codex waits `stream_idle_timeout_ms` (default 300000) and then fails the turn
 * with "stream disconnected before completion: idle timeout waiting for SSE".
 */
export interface MockStall {
  /** Discriminant: a stalled stream. */
  type: "stall";
  /** Outputs sent before the silence (after `response.created`). */
  outputs?: MockOutput[];
  /** Wait this long after the headers before sending any event, so even `response.created` comes late. */
  afterMs?: number;
  /** Response id; `resp_N` when absent. */
  id?: string;
}

/**
 * A stream that starts and then breaks off without `response.completed`. codex 0.169.0 keeps the
 * outputs sent before the break (an `agent_message` item, say) and fails the turn with "stream
 * disconnected before completion: Transport error: network error: error decoding response body",
 * or with "...: stream closed before response.completed" when `graceful`.
 */
export interface MockDisconnect {
  /** Discriminant: a broken-off stream. */
  type: "disconnect";
  /** Outputs sent before the break (after `response.created`). */
  outputs?: MockOutput[];
  /**
   * `false` (default): destroy the socket mid-body, like a dropped network connection.
   * `true`: end the HTTP body cleanly, so the stream just stops short of `response.completed`.
   */
  graceful?: boolean;
  /** Response id; `resp_N` when absent. */
  id?: string;
}

/** What one `POST /responses` request is answered with. */
export type MockResponse = MockStream | MockFailure | MockHttpError | MockStall | MockDisconnect;

/** Options of `say`. */
export interface SayOptions {
  /** Stream the text as deltas: `true` for about eight chunks, or a number of chunks. */
  deltas?: DeltaOption;
  /** Item id; `msg_N` when absent. */
  id?: string;
}

/** An assistant message saying `text`. */
export function say(text: string, options: SayOptions = {}): MockMessage {
  return withDefined({ type: "message" as const, text }, options);
}

/** Options of `think`. */
export interface ThinkOptions {
  /** Stream the summary as deltas: `true` for about eight chunks, or a number of chunks. */
  deltas?: DeltaOption;
  /** Item id; `rs_N` when absent. */
  id?: string;
}

/** A reasoning item whose summary is `text`. */
export function think(text: string, options: ThinkOptions = {}): MockReasoning {
  return withDefined({ type: "reasoning" as const, text }, options);
}

/** Options of `runCommand`. */
export interface RunCommandOptions {
  /** Call id; `call_N` when absent. */
  callId?: string;
  /** Working directory for the command (codex's `workdir` argument). */
  workdir?: string;
  /**
   * Ask to run outside the sandbox (`sandbox_permissions: "require_escalated"`), which makes codex
   * ask for approval under `on-request`. A string is used as the justification. Under exec's
   * `never` policy codex 0.169.0 refuses it without running anything and tells the model "approval
   * policy is Never; reject command — you cannot ask for escalated permissions if the approval policy is Never".
   */
  escalate?: boolean | string;
  /** More `exec_command` arguments, merged last (e.g. `yield_time_ms`). */
  args?: Record<string, unknown>;
}

/** The justification sent with an escalated command when none is given. */
export const DEFAULT_ESCALATION_JUSTIFICATION = "The mock model asks to run this command outside the sandbox.";

/**
 * A call of codex's `exec_command` tool running `cmd` in a shell. codex 0.169.0 runs it as
 * `/bin/bash -lc '<cmd>'` (a login shell, so profile output can precede the command's own).
 */
export function runCommand(cmd: string, options: RunCommandOptions = {}): MockFunctionCall {
  const args: Record<string, unknown> = { cmd };
  if (options.workdir !== undefined) args.workdir = options.workdir;
  if (options.escalate) {
    args.sandbox_permissions = "require_escalated";
    args.justification = typeof options.escalate === "string" ? options.escalate : DEFAULT_ESCALATION_JUSTIFICATION;
  }
  Object.assign(args, options.args);
  return withDefined({ type: "function_call" as const, name: "exec_command", arguments: JSON.stringify(args) }, { callId: options.callId });
}

/** Options of `applyPatch`. */
export interface ApplyPatchOptions {
  /** Call id; `call_N` when absent. */
  callId?: string;
  /** Working directory the patch's relative paths resolve against. */
  workdir?: string;
}

/**
 * An `exec_command` running `apply_patch` with a heredoc, which codex intercepts and reports as
 * a `file_change` item (models without a native apply_patch tool edit files this way). `patch`
 * is full patch text (wrapped in Begin/End markers if it lacks them) or files for `buildPatch`.
 *
 * codex 0.169.0 applies it only when the sandbox lets it write (`workspace-write` or
 * `danger-full-access`). Under the default `read-only` sandbox exec emits no item at all; the
 * model alone learns "patch rejected: writing is blocked by read-only sandbox; rejected by user
 * approval settings".
 */
export function applyPatch(patch: string | PatchFile | readonly PatchFile[], options: ApplyPatchOptions = {}): MockFunctionCall {
  return runCommand(applyPatchCommand(typeof patch === "string" ? patch : buildPatch(patch)), options);
}

/** Options of `callTool`. */
export interface CallToolOptions {
  /** Call id; `call_N` when absent. */
  callId?: string;
  /** Tool namespace; codex offers MCP server `<server>`'s tools under `mcp__<server>`. */
  namespace?: string;
}

/** A call of any tool by name, with `args` sent as JSON (`{}` when undefined). */
export function callTool(name: string, args: unknown, options: CallToolOptions = {}): MockFunctionCall {
  const json = args === undefined ? "{}" : JSON.stringify(args);
  return withDefined({ type: "function_call" as const, name, arguments: json }, options);
}

/** Sends one arbitrary SSE event, for API events no other builder produces. */
export function rawEvent(event: MockRawEvent["event"]): MockRawEvent {
  return { type: "raw_event", event };
}

/** Options of `stream`. */
export interface StreamOptions {
  /** Partial overrides of `DEFAULT_USAGE`. */
  usage?: MockUsageOverrides;
  /** Response id; `resp_N` when absent. */
  id?: string;
  /** Pause between events. */
  delayMs?: number;
}

/** A complete streamed response made of `outputs` (what `model.reply(...)` enqueues). */
export function stream(outputs: MockOutput[], options: StreamOptions = {}): MockStream {
  return withDefined({ type: "stream" as const, outputs }, options);
}

/** Options of `fail`. */
export interface FailOptions {
  /** Error code (default `server_error`); codex special-cases e.g. `context_length_exceeded`. */
  code?: string;
  /** Response id; `resp_N` when absent. */
  id?: string;
}

/** A response that starts streaming and then fails with `message` (`response.failed`). */
export function fail(message: string, options: FailOptions = {}): MockFailure {
  return withDefined({ type: "fail" as const, message }, options);
}

/** Options of `httpError`. */
export interface HttpErrorOptions {
  /** Response body: a string is sent raw, anything else as JSON. */
  body?: unknown;
  /** Seconds, sent as `retry-after` (the only retry header codex 0.169.0 honours). */
  retryAfter?: number;
  /** Milliseconds, sent as `retry-after-ms` (ignored by codex 0.169.0; for other clients). */
  retryAfterMs?: number;
  /** More response headers. */
  headers?: Record<string, string>;
}

/** A plain HTTP error response with `status` (JSON error body by default). */
export function httpError(status: number, options: HttpErrorOptions = {}): MockHttpError {
  if (!Number.isInteger(status) || status < 400 || status > 599) {
    throw new RangeError(`httpError status must be an integer from 400 to 599, got ${status}`);
  }
  return withDefined({ type: "http_error" as const, status }, options);
}

/** Options of `stall`. */
export interface StallOptions {
  /** Outputs sent before the silence. */
  outputs?: MockOutput[];
  /** Wait this long after the headers before sending any event. */
  afterMs?: number;
  /** Response id; `resp_N` when absent. */
  id?: string;
}

/** A response that starts and then sends nothing more, until the client gives up or the server closes. */
export function stall(options: StallOptions = {}): MockStall {
  return withDefined({ type: "stall" as const }, options);
}

/** Options of `disconnect`. */
export interface DisconnectOptions {
  /** Outputs sent before the break. */
  outputs?: MockOutput[];
  /** End the body cleanly instead of destroying the socket. */
  graceful?: boolean;
  /** Response id; `resp_N` when absent. */
  id?: string;
}

/** A response that starts and then breaks off before `response.completed`. */
export function disconnect(options: DisconnectOptions = {}): MockDisconnect {
  return withDefined({ type: "disconnect" as const }, options);
}

/** `base` plus the defined fields of `extra`, so built objects never carry `key: undefined` (and compare cleanly). */
function withDefined<T extends object, E extends object>(base: T, extra: E): T & E {
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(extra)) if (value !== undefined) out[key] = value;
  return out as T & E;
}
