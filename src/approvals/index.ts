/**
 * Approvals decided in code: the only door to `src/approvals/`. Transports parse codex's
 * server requests with `toApprovalRequest`, ask `decideApproval`, and answer with `toCodexResponse`.
 */

export type {
  ApprovalContext,
  ApprovalDecision,
  ApprovalHandler,
  ApprovalHandlerSettings,
  ApprovalRequest,
  ApprovalRequestBase,
  CommandApprovalRequest,
  FileChange,
  FileChangeApprovalRequest,
  OtherApprovalRequest,
  PermissionsApprovalRequest,
} from "./types.js";
export { APPROVAL_DECISIONS, isApprovalDecision } from "./types.js";
export type { ApprovalMethod } from "./methods.js";
export { APPROVAL_METHODS, isApprovalMethod } from "./methods.js";
export type { ApprovalRequestExtra } from "./parse.js";
export { toApprovalRequest, toFileChanges } from "./parse.js";
export type { ApprovalPattern, ApprovalRulesHandler, ApprovalRulesOptions } from "./rules.js";
export { approvalRules } from "./rules.js";
export type { ApprovalDecisionSource, ApprovalOutcome, DecideApprovalOptions } from "./decide.js";
export { DEFAULT_APPROVAL_TIMEOUT_MS, decideApproval } from "./decide.js";
export type { LegacyApprovalResponse, LegacyReviewDecision } from "./responses.js";
export { toCodexResponse } from "./responses.js";
