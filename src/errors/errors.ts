/**
 * The codexkit error taxonomy. One class per failure a caller would handle differently; each has
 * a stable `code` (for logs and switch statements) and says whether retrying can help.
 * Messages and fields are redacted before they get here (see `redact.ts`).
 */

/** Stable machine-readable error codes. */
export type CodexErrorCode =
  | "codex_not_found"
  | "spawn_failed"
  | "process_exited"
  | "protocol_error"
  | "turn_failed"
  | "rate_limited"
  | "auth_failed"
  | "server_error"
  | "context_window_exceeded"
  | "usage_limit_exceeded"
  | "invalid_state"
  | "aborted"
  | "timeout"
  | "unsupported_feature"
  | "invalid_tool"
  | "output_schema_mismatch"
  | "mcp_error"
  | "attachment_error"
  | "invalid_options"
  | "rpc_error"
  | "connection_closed"
  | "untrusted_directory"
  | "unsafe_directory"
  | "queue_unavailable"
  | "cassette_mismatch";

/** Options shared by every codexkit error. */
export interface CodexErrorOptions {
  /** The underlying error, already redacted. */
  cause?: unknown;
  /** Overrides the class default for whether a retry can succeed. */
  retryable?: boolean;
}

/** Base class of every error codexkit throws. */
export class CodexError extends Error {
  /** Stable machine-readable code. */
  readonly code: CodexErrorCode;
  /** True when the same call may succeed if retried. */
  readonly retryable: boolean;

  constructor(code: CodexErrorCode, message: string, options: CodexErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}

/** The codex binary could not be found; `searched` lists every place that was tried. */
export class CodexNotFoundError extends CodexError {
  /** The paths and packages looked at, in order. */
  readonly searched: string[];
  constructor(message: string, searched: string[], options?: CodexErrorOptions) {
    super("codex_not_found", message, options);
    this.searched = searched;
  }
}

/** The operating system refused to start the codex process (permissions, missing file, ...). */
export class CodexSpawnError extends CodexError {
  /** The executable that failed to start. */
  readonly executable: string;
  constructor(message: string, executable: string, options?: CodexErrorOptions) {
    super("spawn_failed", message, options);
    this.executable = executable;
  }
}

/** The codex process ended unexpectedly. */
export class CodexExitError extends CodexError {
  /** Exit code, or null when it was killed by a signal. */
  readonly exitCode: number | null;
  /** The signal that ended it, if any. */
  readonly signal: NodeJS.Signals | null;
  /** The last part of what codex printed on stderr, redacted. */
  readonly stderrTail: string;
  constructor(
    message: string,
    fields: { exitCode: number | null; signal: NodeJS.Signals | null; stderrTail: string },
    options?: CodexErrorOptions,
  ) {
    super("process_exited", message, options);
    this.exitCode = fields.exitCode;
    this.signal = fields.signal;
    this.stderrTail = fields.stderrTail;
  }
}

/** codex printed something that is not the protocol codexkit expects. */
export class ProtocolError extends CodexError {
  /** An excerpt of the offending line (bounded, redacted). */
  readonly line: string;
  constructor(message: string, line: string, options?: CodexErrorOptions) {
    super("protocol_error", message, options);
    this.line = line;
  }
}

/** Details codex reports about why a turn failed (app-server `codexErrorInfo`), when known. */
export type CodexErrorInfo = string | Record<string, unknown> | null;

/** Fields of a failed turn's error. */
export interface TurnFailure {
  /** codex's structured reason (app-server), else null (exec reports only the message). */
  codexErrorInfo?: CodexErrorInfo;
  /** The model API's HTTP status, when codex reported one. */
  httpStatusCode?: number | null;
}

/**
 * The agent's turn ended in failure. The subclasses say why when codex's report allows it (rate
 * limit, credentials, server, context window, usage limit); this class is the rest. The message
 * is codex's own.
 */
export class TurnFailedError extends CodexError {
  /** Structured failure details from codex, when the transport provides them. */
  readonly codexErrorInfo: CodexErrorInfo;
  /** The model API's HTTP status, when codex reported one. */
  readonly httpStatusCode: number | null;
  constructor(message: string, failure: TurnFailure | CodexErrorInfo = null, options?: CodexErrorOptions, code: CodexErrorCode = "turn_failed") {
    super(code, message, options);
    const fields = isTurnFailure(failure) ? failure : { codexErrorInfo: failure };
    this.codexErrorInfo = fields.codexErrorInfo ?? null;
    this.httpStatusCode = fields.httpStatusCode ?? null;
  }
}

function isTurnFailure(value: unknown): value is TurnFailure {
  return typeof value === "object" && value !== null && ("codexErrorInfo" in value || "httpStatusCode" in value);
}

/** The model API rate-limited the turn (HTTP 429). Retryable. */
export class RateLimitError extends TurnFailedError {
  /** How long the server asked to wait, when it said (codex 0.169 rarely passes it on). */
  readonly retryAfterMs: number | null;
  constructor(message: string, failure: TurnFailure & { retryAfterMs?: number | null } = {}, options?: CodexErrorOptions) {
    super(message, failure, { ...options, retryable: options?.retryable ?? true }, "rate_limited");
    this.retryAfterMs = failure.retryAfterMs ?? null;
  }
}

/** The model API rejected the credentials (HTTP 401 or 403). */
export class AuthError extends TurnFailedError {
  constructor(message: string, failure: TurnFailure = {}, options?: CodexErrorOptions) {
    super(message, failure, options, "auth_failed");
  }
}

/**
 * The model API failed or could not be reached (HTTP 5xx, overload, a stream that broke after
 * codex's own reconnects). Retryable.
 */
export class ServerError extends TurnFailedError {
  constructor(message: string, failure: TurnFailure = {}, options?: CodexErrorOptions) {
    super(message, failure, { ...options, retryable: options?.retryable ?? true }, "server_error");
  }
}

/** The conversation no longer fits the model's context window; start a new thread or compact. */
export class ContextWindowError extends TurnFailedError {
  constructor(message: string, failure: TurnFailure = {}, options?: CodexErrorOptions) {
    super(message, failure, options, "context_window_exceeded");
  }
}

/** The account's quota or usage limit (or the session's budget) is used up. */
export class UsageLimitError extends TurnFailedError {
  constructor(message: string, failure: TurnFailure = {}, options?: CodexErrorOptions) {
    super(message, failure, options, "usage_limit_exceeded");
  }
}

/** The caller aborted the operation through an `AbortSignal`. Its `name` is "AbortError". */
export class AbortError extends CodexError {
  constructor(message = "The operation was aborted", options?: CodexErrorOptions) {
    super("aborted", message, options);
    this.name = "AbortError";
  }
}

/** An operation did not finish within its time limit. */
export class TimeoutError extends CodexError {
  /** The limit that was exceeded. */
  readonly timeoutMs: number;
  constructor(message: string, timeoutMs: number, options?: CodexErrorOptions) {
    super("timeout", message, { ...options, retryable: options?.retryable ?? true });
    this.timeoutMs = timeoutMs;
  }
}

/** The requested feature is not available on the chosen transport or binary. */
export class UnsupportedFeatureError extends CodexError {
  /** The feature that was asked for. */
  readonly feature: string;
  constructor(message: string, feature: string, options?: CodexErrorOptions) {
    super("unsupported_feature", message, options);
    this.feature = feature;
  }
}

/** The agent's final answer did not match the requested output schema. */
export class OutputSchemaError extends CodexError {
  /** The agent's raw final text, so nothing is lost. */
  readonly rawText: string;
  /** What did not match, as reported by the validator. */
  readonly issues: string[];
  constructor(message: string, rawText: string, issues: string[], options?: CodexErrorOptions) {
    super("output_schema_mismatch", message, options);
    this.rawText = rawText;
    this.issues = issues;
  }
}

/** An MCP server or one of its calls failed: it could not start, crashed, timed out or refused the call. */
export class McpError extends CodexError {
  /** The server's name, as given to `codex.mcp.connect`. */
  readonly server: string;
  /** The JSON-RPC error code the server (or the MCP SDK) reported, when there was one. */
  readonly mcpCode: number | null;
  constructor(message: string, server: string, fields: { mcpCode?: number | null } = {}, options?: CodexErrorOptions) {
    super("mcp_error", message, options);
    this.server = server;
    this.mcpCode = fields.mcpCode ?? null;
  }
}

/** A file could not be staged or attached. */
export class AttachmentError extends CodexError {
  /** The path involved. */
  readonly path: string;
  constructor(message: string, path: string, options?: CodexErrorOptions) {
    super("attachment_error", message, options);
    this.path = path;
  }
}

/**
 * A call that does not fit the thread's state: a second turn while one runs, a steer with no
 * turn running, a fork before the thread exists.
 */
export class ThreadStateError extends CodexError {
  constructor(message: string, options?: CodexErrorOptions) {
    super("invalid_state", message, options);
  }
}

/** Options passed to codexkit are invalid (a bad config value, an unknown transport, ...). */
export class InvalidOptionsError extends CodexError {
  constructor(message: string, options?: CodexErrorOptions, code: CodexErrorCode = "invalid_options") {
    super(code, message, options);
  }
}

/**
 * A codexkit tool definition is unusable (bad name, schema or settings), or its name is taken.
 * Its own class, not an `InvalidOptionsError`: a broken tool is a bug in the tool, not in the
 * options given to codexkit, and `catch` can tell the two apart.
 */
export class ToolError extends CodexError {
  /** The tool's name ("" when the definition has none). */
  readonly tool: string;
  constructor(message: string, tool: string, options?: CodexErrorOptions) {
    super("invalid_tool", message, options);
    this.tool = tool;
  }
}

/** codex answered a JSON-RPC request with an error response. */
export class RpcError extends CodexError {
  /** The JSON-RPC error code codex sent (-32601 method not found, -32603 internal error, ...). */
  readonly rpcCode: number;
  /** The method of the request that failed. */
  readonly method: string;
  /** The error's `data` member, when codex sent one. */
  readonly data?: unknown;
  constructor(message: string, fields: { rpcCode: number; method: string; data?: unknown }, options?: CodexErrorOptions) {
    super("rpc_error", message, options);
    this.rpcCode = fields.rpcCode;
    this.method = fields.method;
    this.data = fields.data;
  }
}

/** The JSON-RPC connection was closed before a request got its answer; a new one may succeed. */
export class ConnectionClosedError extends CodexError {
  constructor(message: string, options?: CodexErrorOptions) {
    super("connection_closed", message, { ...options, retryable: options?.retryable ?? true });
  }
}

/**
 * The working directory is not inside a git repository and `skipGitRepoCheck` was not set: codex
 * refuses to run there (exec), and codexkit refuses the same way on app-server, before the model
 * is asked. The message starts with codex's own sentence.
 */
export class UntrustedDirectoryError extends CodexError {
  /** The working directory that was refused. */
  readonly directory: string;
  constructor(message: string, directory: string, options?: CodexErrorOptions) {
    super("untrusted_directory", message, options);
    this.directory = directory;
  }
}

/**
 * A directory codexkit would keep files in is not private to this user: another user owns it (or
 * a directory above it), or group or others can write it. Nothing was written into it.
 */
export class UnsafeDirectoryError extends CodexError {
  /** The directory that was refused. */
  readonly directory: string;
  constructor(message: string, directory: string, options?: CodexErrorOptions) {
    super("unsafe_directory", message, options);
    this.directory = directory;
  }
}

/**
 * What kind of error `error` is, as logs, spans and diagnostics name it: a codexkit error's `code`
 * (or any string `code`, such as Node's `ENOENT`), else the error's class name.
 */
export function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  if (typeof code === "string") return code;
  return error instanceof Error ? error.name || "Error" : "unknown";
}

/** True when `value` is an error codexkit threw (any `CodexError` subclass). */
export function isCodexError(value: unknown): value is CodexError {
  return value instanceof CodexError;
}
