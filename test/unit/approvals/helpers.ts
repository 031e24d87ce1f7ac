import type { CommandExecutionRequestApprovalParams, FileChangeRequestApprovalParams, PermissionsRequestApprovalParams } from "../../../src/transport/app-server/protocol/index.js";
import type { ApplyPatchApprovalParams } from "../../../src/transport/app-server/protocol/generated/ApplyPatchApprovalParams.js";
import type { ExecCommandApprovalParams } from "../../../src/transport/app-server/protocol/generated/ExecCommandApprovalParams.js";

export { recordingLogger, type LogEntry } from "../../helpers/logger.js";

export const THREAD = "01a21238-2662-7062-9f4f-26c198edc09b";
export const TURN = "01a21238-26d0-7033-b9bb-53bc3da19aac";

export function commandParams(overrides: Partial<CommandExecutionRequestApprovalParams> = {}): CommandExecutionRequestApprovalParams {
  return {
    kind: "command",
    threadId: THREAD,
    turnId: TURN,
    itemId: "call_1",
    startedAtMs: 1795602000025,
    approvalId: null,
    environmentId: null,
    reason: "needs to write outside the workspace",
    networkApprovalContext: null,
    command: "/bin/bash -lc 'git status'",
    cwd: "/repo",
    commandActions: [{ type: "unknown", command: "git status" }],
    additionalPermissions: null,
    proposedExecpolicyAmendment: null,
    proposedNetworkPolicyAmendments: null,
    availableDecisions: ["accept", "acceptForSession", "decline", "cancel"],
    ...overrides,
  };
}

export function fileChangeParams(overrides: Partial<FileChangeRequestApprovalParams> = {}): FileChangeRequestApprovalParams {
  return { threadId: THREAD, turnId: TURN, itemId: "call_2", startedAtMs: 1795602000100, reason: null, grantRoot: null, ...overrides };
}

export function permissionsParams(overrides: Partial<PermissionsRequestApprovalParams> = {}): PermissionsRequestApprovalParams {
  return {
    threadId: THREAD,
    turnId: TURN,
    itemId: "call_3",
    environmentId: null,
    startedAtMs: 1795602000200,
    cwd: "/repo",
    reason: "fetch dependencies",
    permissions: { network: { enabled: true }, fileSystem: { read: null, write: ["/repo/node_modules"] } },
    ...overrides,
  };
}

export function execCommandParams(overrides: Partial<ExecCommandApprovalParams> = {}): ExecCommandApprovalParams {
  return {
    conversationId: THREAD,
    callId: "call_4",
    approvalId: null,
    command: ["bash", "-lc", "echo 'hi there'"],
    cwd: "/repo",
    reason: null,
    parsedCmd: [],
    ...overrides,
  };
}

export function applyPatchParams(overrides: Partial<ApplyPatchApprovalParams> = {}): ApplyPatchApprovalParams {
  return {
    conversationId: THREAD,
    callId: "call_5",
    fileChanges: {
      "/repo/new.txt": { type: "add", content: "hello\n" },
      "/repo/old.txt": { type: "delete", content: "bye\n" },
      "/repo/src/a.ts": { type: "update", unified_diff: "@@ -1 +1 @@\n-a\n+b\n", move_path: "/repo/src/b.ts" },
    },
    reason: "refactor",
    grantRoot: null,
    ...overrides,
  };
}
