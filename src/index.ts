/**
 * codexkit: drive the Codex coding agent from Node.js. A drop-in superset of
 * `@openai/codex-sdk`: change the import, keep your code.
 *
 * The values here are what a program constructs, calls or catches: `Codex`, `Thread`, `tool`,
 * `approvalRules`, `withJsonSchema`, `recordEvents`, the error classes and `isCodexError`.
 * Everything else is a type. Telemetry names live in `codexkit/telemetry`, the offline testing kit
 * in `codexkit/testing`.
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
  type ToolRegistry,
  type ToolDefinition,
  type Tool,
  type ToolArguments,
  type ToolContentItem,
  type ToolContext,
  type ToolInfo,
  type ToolParameters,
  type ToolResult,
  type ToolResultValue,
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
  isCodexError,
  type CodexErrorCode,
  type CodexErrorOptions,
  type CodexErrorInfo,
  type TurnFailure,
} from "./errors/index.js";
export type { RetryInfo, RetryOptions, RetrySetting } from "./turn/index.js";
export type {
  McpClients,
  McpServerConnection,
  McpConnectionState,
  McpStatusListener,
  McpToolsListener,
  ElicitationHandler,
  ElicitationRequest,
  ElicitationResponse,
  McpCallOptions,
  McpConnectOptions,
  McpContent,
  McpHttpServer,
  McpPrompt,
  McpPromptResult,
  McpResource,
  McpResourceContents,
  McpRestartOptions,
  McpServerConfig,
  McpServerInfo,
  McpServerStatus,
  McpStdioServer,
  McpTool,
  McpToolPattern,
  McpToolResult,
  McpToolsOptions,
} from "./mcp/index.js";
export type { Diagnostics, ErrorReport, McpConnectionReport, ProcessKind, ProcessReport, RunningTurnReport } from "./diagnostics/index.js";
export type { SchemaIssue } from "./schema/index.js";
export type { CodexFiles, AttachmentInput, FileOwner, FilesOptions, StagedFile, StageOptions, StageSource, ThreadAttachment } from "./files/index.js";
export { recordEvents, type EventRecorder, type RecordEventsOptions } from "./view/recorder.js";
export type { RecordedEvent } from "./view/events-file.js";
export type { ViewOptions } from "./view/options.js";
