/**
 * The only door to the app-server protocol types, which are generated from the pinned codex binary
 * (`npm run gen:protocol`) into `./generated/`. Names are listed one by one rather than
 * `export *` because generate-ts has same-named v1 (top-level) and v2 types; codexkit speaks v2,
 * so where both exist the v2 one is exported.
 */

export { CODEX_PROTOCOL_VERSION } from "./generated/version.js";

// JSON-RPC envelopes: every method with its params, per direction.
export type { ClientNotification } from "./generated/ClientNotification.js";
export type { ClientRequest } from "./generated/ClientRequest.js";
export type { InitializeParams } from "./generated/InitializeParams.js";
export type { InitializeResponse } from "./generated/InitializeResponse.js";
export type { RequestId } from "./generated/RequestId.js";
export type { ServerNotification } from "./generated/ServerNotification.js";
export type { ServerRequest } from "./generated/ServerRequest.js";
export type { JsonValue } from "./generated/serde_json/JsonValue.js";

// Thread lifecycle.
export type { AskForApproval } from "./generated/v2/AskForApproval.js";
export type { SandboxMode } from "./generated/v2/SandboxMode.js";
export type { SandboxPolicy } from "./generated/v2/SandboxPolicy.js";
export type { Thread } from "./generated/v2/Thread.js";
export type { ThreadArchiveParams } from "./generated/v2/ThreadArchiveParams.js";
export type { ThreadArchiveResponse } from "./generated/v2/ThreadArchiveResponse.js";
export type { ThreadForkParams } from "./generated/v2/ThreadForkParams.js";
export type { ThreadForkResponse } from "./generated/v2/ThreadForkResponse.js";
export type { ThreadListParams } from "./generated/v2/ThreadListParams.js";
export type { ThreadListResponse } from "./generated/v2/ThreadListResponse.js";
export type { ThreadSourceKind } from "./generated/v2/ThreadSourceKind.js";
export type { ListMcpServerStatusParams } from "./generated/v2/ListMcpServerStatusParams.js";
export type { ThreadReadParams } from "./generated/v2/ThreadReadParams.js";
export type { ThreadReadResponse } from "./generated/v2/ThreadReadResponse.js";
export type { ThreadResumeParams } from "./generated/v2/ThreadResumeParams.js";
export type { ThreadResumeResponse } from "./generated/v2/ThreadResumeResponse.js";
export type { ThreadStartParams } from "./generated/v2/ThreadStartParams.js";
export type { ThreadStartResponse } from "./generated/v2/ThreadStartResponse.js";
export type { ThreadStatus } from "./generated/v2/ThreadStatus.js";

// Turns, their input and items.
export type { CodexErrorInfo } from "./generated/v2/CodexErrorInfo.js";
export type { ThreadItem } from "./generated/v2/ThreadItem.js";
export type { ThreadTokenUsage } from "./generated/v2/ThreadTokenUsage.js";
export type { TokenUsageBreakdown } from "./generated/v2/TokenUsageBreakdown.js";
export type { Turn } from "./generated/v2/Turn.js";
export type { TurnError } from "./generated/v2/TurnError.js";
export type { TurnInterruptParams } from "./generated/v2/TurnInterruptParams.js";
export type { TurnInterruptResponse } from "./generated/v2/TurnInterruptResponse.js";
export type { TurnStartParams } from "./generated/v2/TurnStartParams.js";
export type { TurnStartResponse } from "./generated/v2/TurnStartResponse.js";
export type { TurnStatus } from "./generated/v2/TurnStatus.js";
export type { TurnSteerParams } from "./generated/v2/TurnSteerParams.js";
export type { TurnSteerResponse } from "./generated/v2/TurnSteerResponse.js";
export type { UserInput } from "./generated/v2/UserInput.js";

// Server notifications codexkit turns into events.
export type { AgentMessageDeltaNotification } from "./generated/v2/AgentMessageDeltaNotification.js";
export type { CommandExecutionOutputDeltaNotification } from "./generated/v2/CommandExecutionOutputDeltaNotification.js";
export type { ConfigWarningNotification } from "./generated/v2/ConfigWarningNotification.js";
export type { DeprecationNoticeNotification } from "./generated/v2/DeprecationNoticeNotification.js";
export type { ErrorNotification } from "./generated/v2/ErrorNotification.js";
export type { FileChangeOutputDeltaNotification } from "./generated/v2/FileChangeOutputDeltaNotification.js";
export type { ItemCompletedNotification } from "./generated/v2/ItemCompletedNotification.js";
export type { ItemStartedNotification } from "./generated/v2/ItemStartedNotification.js";
export type { McpToolCallProgressNotification } from "./generated/v2/McpToolCallProgressNotification.js";
export type { ReasoningSummaryTextDeltaNotification } from "./generated/v2/ReasoningSummaryTextDeltaNotification.js";
export type { ReasoningTextDeltaNotification } from "./generated/v2/ReasoningTextDeltaNotification.js";
export type { ServerRequestResolvedNotification } from "./generated/v2/ServerRequestResolvedNotification.js";
export type { ThreadStartedNotification } from "./generated/v2/ThreadStartedNotification.js";
export type { ThreadTokenUsageUpdatedNotification } from "./generated/v2/ThreadTokenUsageUpdatedNotification.js";
export type { TurnCompletedNotification } from "./generated/v2/TurnCompletedNotification.js";
export type { TurnDiffUpdatedNotification } from "./generated/v2/TurnDiffUpdatedNotification.js";
export type { TurnPlanUpdatedNotification } from "./generated/v2/TurnPlanUpdatedNotification.js";
export type { TurnStartedNotification } from "./generated/v2/TurnStartedNotification.js";
export type { WarningNotification } from "./generated/v2/WarningNotification.js";

// Client-side dynamic tools.
export type { DynamicToolCallParams } from "./generated/v2/DynamicToolCallParams.js";
export type { DynamicToolCallResponse } from "./generated/v2/DynamicToolCallResponse.js";
export type { DynamicToolSpec } from "./generated/v2/DynamicToolSpec.js";

// Approvals the server asks the client for.
export type { CommandExecutionRequestApprovalParams } from "./generated/v2/CommandExecutionRequestApprovalParams.js";
export type { CommandExecutionRequestApprovalResponse } from "./generated/v2/CommandExecutionRequestApprovalResponse.js";
export type { FileChangeRequestApprovalParams } from "./generated/v2/FileChangeRequestApprovalParams.js";
export type { FileChangeRequestApprovalResponse } from "./generated/v2/FileChangeRequestApprovalResponse.js";
export type { PermissionsRequestApprovalParams } from "./generated/v2/PermissionsRequestApprovalParams.js";
export type { PermissionsRequestApprovalResponse } from "./generated/v2/PermissionsRequestApprovalResponse.js";
