/**
 * Approvals decided in code: the only door to `src/approvals/`. The shapes of a request and a
 * decision, `decideApproval` (a handler run under a deadline, never failing), and
 * `approvalRules`. Reading codex's wire messages is the app-server transport's job.
 */

export type {
  ApprovalContext,
  ApprovalDecision,
  ApprovalHandler,
  ApprovalHandlerSettings,
  ApprovalRequest,
  ApprovalRequestBase,
  CommandAction,
  CommandApprovalRequest,
  CommandExecutionApprovalKind,
  FileChange,
  FileChangeApprovalRequest,
  McpToolApprovalRequest,
  NetworkApprovalContext,
  OtherApprovalRequest,
  PermissionsApprovalRequest,
  RequestPermissionProfile,
} from "./types.js";
export { APPROVAL_DECISIONS, isApprovalDecision } from "./types.js";
export type { ApprovalPattern, ApprovalRulesHandler, ApprovalRulesOptions } from "./rules.js";
export { approvalRules } from "./rules.js";
export type { ApprovalDecisionSource, ApprovalOutcome, DecideApprovalOptions } from "./decide.js";
export { DEFAULT_APPROVAL_TIMEOUT_MS, decideApproval } from "./decide.js";
