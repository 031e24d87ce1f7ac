/**
 * Attribute, span and metric names: the OpenTelemetry GenAI semantic conventions where they have
 * a name for the thing, `codexkit.*` where they do not. These names are a public contract.
 */

/** GenAI semantic-convention attributes. */
export const GEN_AI = {
  /** The operation: `invoke_agent` for a turn, `execute_tool` for a tool call. */
  OPERATION_NAME: "gen_ai.operation.name",
  /** The model provider's name. */
  PROVIDER_NAME: "gen_ai.provider.name",
  /** The agent's name (`codex`). */
  AGENT_NAME: "gen_ai.agent.name",
  /** The thread id. */
  CONVERSATION_ID: "gen_ai.conversation.id",
  /** The model the turn asked for. */
  REQUEST_MODEL: "gen_ai.request.model",
  /** Input tokens the turn used. */
  USAGE_INPUT_TOKENS: "gen_ai.usage.input_tokens",
  /** Output tokens the turn used. */
  USAGE_OUTPUT_TOKENS: "gen_ai.usage.output_tokens",
  /** Input tokens read from the cache. */
  USAGE_CACHE_READ_INPUT_TOKENS: "gen_ai.usage.cache_read.input_tokens",
  /** `input` or `output`, on the token-usage metric. */
  TOKEN_TYPE: "gen_ai.token.type",
  /** The tool's name. */
  TOOL_NAME: "gen_ai.tool.name",
  /** The tool call's id (the item id for tools the agent runs). */
  TOOL_CALL_ID: "gen_ai.tool.call.id",
  /** `function` or `extension` (see `TOOL_TYPE`). */
  TOOL_TYPE: "gen_ai.tool.type",
  /** The tool's description. */
  TOOL_DESCRIPTION: "gen_ai.tool.description",
  /** Opt-in content (see `captureContent`). */
  TOOL_CALL_ARGUMENTS: "gen_ai.tool.call.arguments",
  /** Opt-in content (see `captureContent`). */
  TOOL_CALL_RESULT: "gen_ai.tool.call.result",
  /** Opt-in content: the turn's input. */
  INPUT_MESSAGES: "gen_ai.input.messages",
  /** Opt-in content: the turn's final response. */
  OUTPUT_MESSAGES: "gen_ai.output.messages",
} as const;

/** General semantic-convention attributes. */
export const GENERAL = {
  /** Why an operation failed (an error code or class); absent on success. */
  ERROR_TYPE: "error.type",
  /** The exit code of a command item. */
  PROCESS_EXIT_CODE: "process.exit.code",
  /** Opt-in content: the command line a command item ran. */
  PROCESS_COMMAND_LINE: "process.command_line",
  /** The MCP method called (`tools/call`). */
  MCP_METHOD_NAME: "mcp.method.name",
} as const;

/** codexkit's own attributes, for what the conventions do not name. */
export const CODEXKIT = {
  /** The transport the turn ran on (`exec` or `app-server`). */
  TRANSPORT: "codexkit.transport",
  /** The turn's id, when codex reports one. */
  TURN_ID: "codexkit.turn.id",
  /** `completed`, `failed` or `aborted`. */
  TURN_OUTCOME: "codexkit.turn.outcome",
  /** How many attempts the turn took (1 without retries). */
  TURN_ATTEMPTS: "codexkit.turn.attempts",
  /** The id of the item a span is about. */
  ITEM_ID: "codexkit.item.id",
  /** The status an item ended with. */
  ITEM_STATUS: "codexkit.item.status",
  /** How many files a file-change item touched. */
  FILE_CHANGE_COUNT: "codexkit.file_change.count",
  /** Opt-in content: the paths a file-change item touched. */
  FILE_CHANGE_PATHS: "codexkit.file_change.paths",
  /** The name of the MCP server a tool call went to. */
  MCP_SERVER: "codexkit.mcp.server",
  /** The kind of approval asked for. */
  APPROVAL_KIND: "codexkit.approval.kind",
  /** The decision given. */
  APPROVAL_DECISION: "codexkit.approval.decision",
  /** What made the decision. */
  APPROVAL_SOURCE: "codexkit.approval.source",
  /** Milliseconds spent waiting for the decision. */
  APPROVAL_WAIT_MS: "codexkit.approval.wait_ms",
  /** The attempt that failed (1 for the first). */
  RETRY_ATTEMPT: "codexkit.retry.attempt",
  /** The most attempts the turn may make. */
  RETRY_MAX_ATTEMPTS: "codexkit.retry.max_attempts",
  /** Milliseconds waited before the next attempt. */
  RETRY_DELAY_MS: "codexkit.retry.delay_ms",
  /** `success` or `error`, for a codexkit tool call. */
  TOOL_OUTCOME: "codexkit.tool.outcome",
  /** A staged file's id (its SHA-256). */
  FILE_ID: "codexkit.file.id",
  /** A staged file's size in bytes. */
  FILE_SIZE: "codexkit.file.size",
  /** A staged file's MIME type. */
  FILE_MIME_TYPE: "codexkit.file.mime_type",
  /** Whether a staged file is persistent. */
  FILE_PERSISTENT: "codexkit.file.persistent",
} as const;

/** Span names (the GenAI ones are `{operation} {target}`). */
export const SPAN = {
  /** A turn: `invoke_agent {agent}`. */
  invokeAgent: (agent: string) => `invoke_agent ${agent}`,
  /** A tool call: `execute_tool {tool}`. */
  executeTool: (tool: string) => `execute_tool ${tool}`,
  /** A wait for an approval decision: `codexkit.approval {kind}`. */
  approval: (kind: string) => `codexkit.approval ${kind}`,
  /** The backoff before a retry. */
  retry: "codexkit.retry",
  /** Staging a file (`codex.files.stage`). */
  fileStage: "codexkit.file.stage",
  /** Uploading a staged file to a remote app-server's host. */
  fileUpload: "codexkit.file.upload",
  /** A tool call made through an MCP server connection: `tools/call {tool}`. */
  mcpCall: (tool: string) => `tools/call ${tool}`,
} as const;

/** Metric names. */
export const METRIC = {
  /** Tokens used per turn, by `gen_ai.token.type`. */
  TOKEN_USAGE: "gen_ai.client.token.usage",
  /** Turn duration, in seconds. */
  OPERATION_DURATION: "gen_ai.client.operation.duration",
  /** Tool call duration, in seconds. */
  TOOL_DURATION: "gen_ai.execute_tool.duration",
} as const;

/** The agent name codexkit reports (`gen_ai.agent.name`). */
export const AGENT_NAME = "codex";
/** The instrumentation scope of codexkit's tracer and meter. */
export const SCOPE = "codexkit";

/** Tool types: called in the client (`function`, codexkit tools) or run by the agent (`extension`). */
export const TOOL_TYPE = { FUNCTION: "function", EXTENSION: "extension" } as const;
