/**
 * Attribute, span and metric names: the OpenTelemetry GenAI semantic conventions where they have
 * a name for the thing, `codexkit.*` where they do not. These names are a public contract.
 */

/** GenAI semantic-convention attributes. */
export const GEN_AI = {
  OPERATION_NAME: "gen_ai.operation.name",
  PROVIDER_NAME: "gen_ai.provider.name",
  AGENT_NAME: "gen_ai.agent.name",
  CONVERSATION_ID: "gen_ai.conversation.id",
  REQUEST_MODEL: "gen_ai.request.model",
  USAGE_INPUT_TOKENS: "gen_ai.usage.input_tokens",
  USAGE_OUTPUT_TOKENS: "gen_ai.usage.output_tokens",
  USAGE_CACHE_READ_INPUT_TOKENS: "gen_ai.usage.cache_read.input_tokens",
  TOKEN_TYPE: "gen_ai.token.type",
  TOOL_NAME: "gen_ai.tool.name",
  TOOL_CALL_ID: "gen_ai.tool.call.id",
  TOOL_TYPE: "gen_ai.tool.type",
  TOOL_DESCRIPTION: "gen_ai.tool.description",
  /** Opt-in content (see `captureContent`). */
  TOOL_CALL_ARGUMENTS: "gen_ai.tool.call.arguments",
  TOOL_CALL_RESULT: "gen_ai.tool.call.result",
  INPUT_MESSAGES: "gen_ai.input.messages",
  OUTPUT_MESSAGES: "gen_ai.output.messages",
} as const;

/** General semantic-convention attributes. */
export const GENERAL = {
  ERROR_TYPE: "error.type",
  PROCESS_EXIT_CODE: "process.exit.code",
  /** Opt-in content: the command line a command item ran. */
  PROCESS_COMMAND_LINE: "process.command_line",
  MCP_METHOD_NAME: "mcp.method.name",
} as const;

/** codexkit's own attributes, for what the conventions do not name. */
export const CODEXKIT = {
  TRANSPORT: "codexkit.transport",
  TURN_ID: "codexkit.turn.id",
  TURN_OUTCOME: "codexkit.turn.outcome",
  TURN_ATTEMPTS: "codexkit.turn.attempts",
  ITEM_ID: "codexkit.item.id",
  ITEM_STATUS: "codexkit.item.status",
  FILE_CHANGE_COUNT: "codexkit.file_change.count",
  /** Opt-in content: the paths a file-change item touched. */
  FILE_CHANGE_PATHS: "codexkit.file_change.paths",
  MCP_SERVER: "codexkit.mcp.server",
  APPROVAL_KIND: "codexkit.approval.kind",
  APPROVAL_DECISION: "codexkit.approval.decision",
  APPROVAL_SOURCE: "codexkit.approval.source",
  APPROVAL_WAIT_MS: "codexkit.approval.wait_ms",
  RETRY_ATTEMPT: "codexkit.retry.attempt",
  RETRY_MAX_ATTEMPTS: "codexkit.retry.max_attempts",
  RETRY_DELAY_MS: "codexkit.retry.delay_ms",
  TOOL_OUTCOME: "codexkit.tool.outcome",
} as const;

/** Span names (the GenAI ones are `{operation} {target}`). */
export const SPAN = {
  invokeAgent: (agent: string) => `invoke_agent ${agent}`,
  executeTool: (tool: string) => `execute_tool ${tool}`,
  approval: (kind: string) => `codexkit.approval ${kind}`,
  retry: "codexkit.retry",
  mcpCall: (tool: string) => `tools/call ${tool}`,
} as const;

/** Metric names. */
export const METRIC = {
  TOKEN_USAGE: "gen_ai.client.token.usage",
  OPERATION_DURATION: "gen_ai.client.operation.duration",
  TOOL_DURATION: "gen_ai.execute_tool.duration",
} as const;

/** The agent name codexkit reports (`gen_ai.agent.name`). */
export const AGENT_NAME = "codex";
/** The instrumentation scope of codexkit's tracer and meter. */
export const SCOPE = "codexkit";

/** Tool types: called in the client (`function`, codexkit tools) or run by the agent (`extension`). */
export const TOOL_TYPE = { FUNCTION: "function", EXTENSION: "extension" } as const;
