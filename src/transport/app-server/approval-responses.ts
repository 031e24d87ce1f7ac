/**
 * `ApprovalDecision` → the JSON-RPC result codex expects for each approval method. v2 methods take
 * the decision as is; the legacy v1 pair spells it as a `ReviewDecision`; permission requests
 * are answered with the permissions granted rather than a verdict.
 */

import type {
  CommandExecutionRequestApprovalResponse,
  FileChangeRequestApprovalResponse,
  PermissionsRequestApprovalResponse,
} from "./protocol/index.js";
import type { GrantedPermissionProfile } from "./protocol/generated/v2/GrantedPermissionProfile.js";
import { APPROVAL_METHOD, ELICITATION_METHOD } from "./approval-methods.js";
import { isApprovalDecision, type ApprovalDecision, type ApprovalRequest } from "../../approvals/index.js";

/** codex's v1 `ReviewDecision` (not in the generated v2 types), as `execCommandApproval`/`applyPatchApproval` expect. */
export type LegacyReviewDecision = "approved" | "approved_for_session" | "denied" | "abort";

/** The result of a legacy `execCommandApproval` or `applyPatchApproval` request. */
export type LegacyApprovalResponse = { decision: LegacyReviewDecision };

const LEGACY: Record<ApprovalDecision, LegacyReviewDecision> = {
  accept: "approved",
  acceptForSession: "approved_for_session",
  decline: "denied",
  cancel: "abort",
};

/** The JSON-RPC result for `method` carrying `decision`; undefined for methods this module does not answer. */
export function toCodexResponse(method: string, decision: ApprovalDecision, request?: ApprovalRequest): unknown {
  // A JS caller can pass anything; refusing is the only safe reading of a decision we do not know.
  const safe: ApprovalDecision = isApprovalDecision(decision) ? decision : "decline";
  switch (method) {
    case APPROVAL_METHOD.command:
      return { decision: safe } satisfies CommandExecutionRequestApprovalResponse;
    case APPROVAL_METHOD.fileChange:
      return { decision: safe } satisfies FileChangeRequestApprovalResponse;
    case APPROVAL_METHOD.legacyCommand:
    case APPROVAL_METHOD.legacyPatch:
      return { decision: LEGACY[safe] } satisfies LegacyApprovalResponse;
    case APPROVAL_METHOD.permissions:
      return permissionsResponse(safe, request);
    case ELICITATION_METHOD:
      // An MCP tool approval is an elicitation: accept or not; "for the session" is codex's `persist`.
      return {
        action: safe === "acceptForSession" ? "accept" : safe,
        content: null,
        _meta: safe === "acceptForSession" ? { persist: "session" } : null,
      };
    default:
      return undefined;
  }
}

// codex's permission response has no "decline": refusing is granting nothing. Turn scope keeps a refusal from sticking.
function permissionsResponse(decision: ApprovalDecision, request: ApprovalRequest | undefined): PermissionsRequestApprovalResponse {
  const accepted = decision === "accept" || decision === "acceptForSession";
  return {
    permissions: accepted && request?.kind === "permissions" ? granted(request.permissions) : {},
    scope: decision === "acceptForSession" ? "session" : "turn",
  };
}

// Grants exactly what was requested: the request spells "not asked" as null, the grant as an absent key.
function granted(requested: { network: unknown; fileSystem: unknown }): GrantedPermissionProfile {
  const grant: GrantedPermissionProfile = {};
  if (requested.network !== null && requested.network !== undefined) grant.network = requested.network as GrantedPermissionProfile["network"];
  if (requested.fileSystem !== null && requested.fileSystem !== undefined) grant.fileSystem = requested.fileSystem as GrantedPermissionProfile["fileSystem"];
  return grant;
}
