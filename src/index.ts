/**
 * codexkit: drive the Codex coding agent from Node.js. A drop-in superset of
 * `@openai/codex-sdk`: change the import, keep your code.
 */
export { Codex } from "./codex.js";
export { Thread, type Turn, type RunResult, type StreamedTurn, type RunStreamedResult, type StructuredOutput } from "./thread.js";
export type * from "./events.js";
export type * from "./items.js";
export type {
  ApprovalMode,
  CodexMcpServer,
  CodexOptions,
  CyberAccessProgram,
  Input,
  ModelReasoningEffort,
  OutputSchema,
  AppServerOptions,
  RemoteAppServerOptions,
  SandboxMode,
  ThreadOptions,
  TransportKind,
  TurnOptions,
  UserInput,
  WebSearchMode,
  ZodLike,
} from "./options/index.js";
export type { CodexConfigObject, CodexConfigValue } from "./config/index.js";
export { withJsonSchema, type StandardSchemaV1, type StandardSchemaWithJson } from "./schema/index.js";
export type { Logger } from "./logger.js";
export type { ListThreadsOptions, ThreadSummary } from "./thread-summary.js";
export {
  tool,
  ToolRegistry,
  type ToolDefinition,
  type Tool,
  type ToolArguments,
  type ToolContentItem,
  type ToolContext,
  type ToolInfo,
  type ToolParameters,
  type ToolResult,
  type JsonSchema,
  type AfterToolCallHook,
  type AfterToolCallResult,
  type BeforeToolCallHook,
  type BeforeToolCallResult,
  type ToolCallInfo,
  type ToolCallOutcomeInfo,
  type ToolFileItem,
} from "./tools/index.js";
export {
  approvalRules,
  type ApprovalRulesHandler,
  type ApprovalHandlerSettings,
  type ApprovalContext,
  type ApprovalDecision,
  type ApprovalDecisionSource,
  type ApprovalHandler,
  type ApprovalPattern,
  type ApprovalRequest,
  type ApprovalRequestBase,
  type ApprovalRulesOptions,
  type CommandAction,
  type CommandApprovalRequest,
  type CommandExecutionApprovalKind,
  type NetworkApprovalContext,
  type RequestPermissionProfile,
  type FileChange,
  type FileChangeApprovalRequest,
  type McpToolApprovalRequest,
  type OtherApprovalRequest,
  type PermissionsApprovalRequest,
} from "./approvals/index.js";
export {
  CodexError,
  CodexNotFoundError,
  CodexSpawnError,
  CodexExitError,
  ProtocolError,
  TurnFailedError,
  RateLimitError,
  AuthError,
  ServerError,
  ContextWindowError,
  UsageLimitError,
  ThreadStateError,
  AbortError,
  TimeoutError,
  UnsupportedFeatureError,
  ToolError,
  OutputSchemaError,
  McpError,
  AttachmentError,
  InvalidOptionsError,
  RpcError,
  ConnectionClosedError,
  UntrustedDirectoryError,
  UnsafeDirectoryError,
  REDACTED,
  isCodexError,
  type CodexErrorCode,
  type CodexErrorOptions,
  type CodexErrorInfo,
  type TurnFailure,
} from "./errors/index.js";
export type { RetryInfo, RetryOptions, RetrySetting } from "./turn/index.js";
export {
  McpClients,
  McpServerConnection,
  MCP_DEFAULTS,
  type ElicitationHandler,
  type ElicitationRequest,
  type ElicitationResponse,
  type McpCallOptions,
  type McpConnectOptions,
  type McpContent,
  type McpHttpServer,
  type McpPrompt,
  type McpPromptResult,
  type McpResource,
  type McpResourceContents,
  type McpRestartOptions,
  type McpServerConfig,
  type McpServerInfo,
  type McpServerStatus,
  type McpStatus,
  type McpStdioServer,
  type McpTool,
  type McpToolPattern,
  type McpToolResult,
  type McpToolsOptions,
  type StatusListener as McpStatusListener,
  type ToolsListener as McpToolsListener,
} from "./mcp/index.js";
export { LOG_EVENTS, type LogEventName } from "./log-events.js";
export type { Diagnostics, ErrorReport, McpConnectionReport, ProcessKind, ProcessReport, RunningTurnReport } from "./diagnostics/index.js";
export {
  CODEXKIT,
  GEN_AI,
  GENERAL,
  METRIC,
  SPAN,
  type AttributeValue,
  type Attributes,
  type OtelHistogram,
  type OtelMeter,
  type OtelSpan,
  type OtelSpanContext,
  type OtelSpanOptions,
  type OtelTracer,
} from "./telemetry/index.js";
export type { SchemaIssue } from "./schema/index.js";
export { CODEXKIT_VERSION } from "./version.js";
export { CodexFiles, type AttachmentInput, type FileOwner, type FilesOptions, type StagedFile, type StageOptions, type StageSource, type ThreadAttachment } from "./files/index.js";
