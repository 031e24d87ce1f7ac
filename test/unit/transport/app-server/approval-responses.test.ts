import { describe, expect, it } from "vitest";
import type { ApprovalDecision } from "../../../../src/approvals/index.js";
import { APPROVAL_DECISIONS } from "../../../../src/approvals/index.js";
import { toApprovalRequest } from "../../../../src/transport/app-server/approval-requests.js";
import { toCodexResponse } from "../../../../src/transport/app-server/approval-responses.js";
import { commandParams, permissionsParams } from "../../approvals/helpers.js";

describe("toCodexResponse", () => {
  it.each(APPROVAL_DECISIONS)("passes %s through for the v2 command and file-change methods", (decision) => {
    expect(toCodexResponse("item/commandExecution/requestApproval", decision)).toEqual({ decision });
    expect(toCodexResponse("item/fileChange/requestApproval", decision)).toEqual({ decision });
  });

  it.each([
    ["accept", "approved"],
    ["acceptForSession", "approved_for_session"],
    ["decline", "denied"],
    ["cancel", "abort"],
  ] as const)("spells %s as the legacy ReviewDecision %s", (decision, legacy) => {
    expect(toCodexResponse("execCommandApproval", decision)).toEqual({ decision: legacy });
    expect(toCodexResponse("applyPatchApproval", decision)).toEqual({ decision: legacy });
  });

  describe("item/permissions/requestApproval", () => {
    const request = toApprovalRequest("item/permissions/requestApproval", permissionsParams());
    const requested = { network: { enabled: true }, fileSystem: { read: null, write: ["/repo/node_modules"] } };

    it("grants exactly what was asked for the turn on accept", () => {
      expect(toCodexResponse("item/permissions/requestApproval", "accept", request)).toEqual({ permissions: requested, scope: "turn" });
    });

    it("grants it for the session on acceptForSession", () => {
      expect(toCodexResponse("item/permissions/requestApproval", "acceptForSession", request)).toEqual({ permissions: requested, scope: "session" });
    });

    it.each(["decline", "cancel"] as const)("grants nothing on %s", (decision) => {
      expect(toCodexResponse("item/permissions/requestApproval", decision, request)).toEqual({ permissions: {}, scope: "turn" });
    });

    it("omits what codex did not ask for", () => {
      const networkOnly = toApprovalRequest("item/permissions/requestApproval", { ...permissionsParams(), permissions: { network: { enabled: true }, fileSystem: null } });
      expect(toCodexResponse("item/permissions/requestApproval", "accept", networkOnly)).toEqual({ permissions: { network: { enabled: true } }, scope: "turn" });
    });

    it("grants nothing when it cannot see what was requested", () => {
      expect(toCodexResponse("item/permissions/requestApproval", "accept")).toEqual({ permissions: {}, scope: "turn" });
      const command = toApprovalRequest("item/commandExecution/requestApproval", commandParams());
      expect(toCodexResponse("item/permissions/requestApproval", "accept", command)).toEqual({ permissions: {}, scope: "turn" });
    });
  });

  it("returns undefined for methods it does not answer", () => {
    expect(toCodexResponse("item/tool/requestUserInput", "accept")).toBeUndefined();
    expect(toCodexResponse("no/such/method", "cancel")).toBeUndefined();
  });

  it("answers an MCP tool approval as an elicitation; for the session is codex's persist", () => {
    expect(toCodexResponse("mcpServer/elicitation/request", "accept")).toEqual({ action: "accept", content: null, _meta: null });
    expect(toCodexResponse("mcpServer/elicitation/request", "acceptForSession")).toEqual({ action: "accept", content: null, _meta: { persist: "session" } });
    expect(toCodexResponse("mcpServer/elicitation/request", "decline")).toEqual({ action: "decline", content: null, _meta: null });
    expect(toCodexResponse("mcpServer/elicitation/request", "cancel")).toEqual({ action: "cancel", content: null, _meta: null });
  });

  it("reads an unknown decision from JS callers as decline", () => {
    expect(toCodexResponse("item/commandExecution/requestApproval", "yes" as ApprovalDecision)).toEqual({ decision: "decline" });
  });
});
