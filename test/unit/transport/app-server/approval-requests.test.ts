import { describe, expect, it } from "vitest";
import { APPROVAL_METHODS, isApprovalMethod } from "../../../../src/transport/app-server/approval-methods.js";
import { toApprovalRequest, toFileChanges } from "../../../../src/transport/app-server/approval-requests.js";
import type { FileUpdateChange } from "../../../../src/transport/app-server/protocol/generated/v2/FileUpdateChange.js";
import { applyPatchParams, commandParams, execCommandParams, fileChangeParams, permissionsParams, THREAD, TURN } from "../../approvals/helpers.js";

describe("toApprovalRequest", () => {
  it("parses item/commandExecution/requestApproval", () => {
    const params = commandParams({
      networkApprovalContext: { host: "registry.npmjs.org", protocol: "https" },
      approvalId: "cb-1",
    });
    const request = toApprovalRequest("item/commandExecution/requestApproval", params);
    expect(request).toEqual({
      method: "item/commandExecution/requestApproval",
      kind: "command",
      threadId: THREAD,
      turnId: TURN,
      itemId: "call_1",
      reason: "needs to write outside the workspace",
      raw: params,
      command: "/bin/bash -lc 'git status'",
      cwd: "/repo",
      commandKind: "command",
      commandActions: [{ type: "unknown", command: "git status" }],
      networkApprovalContext: { host: "registry.npmjs.org", protocol: "https" },
      approvalId: "cb-1",
    });
  });

  it("tolerates a command request from an older codex with optional fields missing", () => {
    const { command: _c, cwd: _d, reason: _r, commandActions: _a, ...bare } = commandParams();
    const request = toApprovalRequest("item/commandExecution/requestApproval", bare);
    expect(request).toMatchObject({ kind: "command", command: "", cwd: null, reason: null });
    expect(request).not.toHaveProperty("commandActions");
    expect(request).not.toHaveProperty("networkApprovalContext");
  });

  it("parses item/fileChange/requestApproval with the changes the transport saw on item/started", () => {
    const wire: FileUpdateChange[] = [
      { path: "/repo/src/a.ts", kind: { type: "update", move_path: null }, diff: "@@ -1 +1 @@\n-a\n+b\n" },
      { path: "/repo/new.ts", kind: { type: "add" }, diff: "export {};\n" },
      { path: "/repo/x.ts", kind: { type: "update", move_path: "/repo/y.ts" }, diff: "" },
    ];
    const params = fileChangeParams({ grantRoot: "/repo", reason: "write" });
    const request = toApprovalRequest("item/fileChange/requestApproval", params, { changes: wire, cwd: "/repo" });
    expect(request).toEqual({
      method: "item/fileChange/requestApproval",
      kind: "file_change",
      threadId: THREAD,
      turnId: TURN,
      itemId: "call_2",
      reason: "write",
      raw: params,
      grantRoot: "/repo",
      cwd: "/repo",
      changes: [
        { path: "/repo/src/a.ts", kind: "update", diff: "@@ -1 +1 @@\n-a\n+b\n" },
        { path: "/repo/new.ts", kind: "add", diff: "export {};\n" },
        { path: "/repo/x.ts", kind: "update", diff: "", movePath: "/repo/y.ts" },
      ],
    });
  });

  it("gives a file-change request no changes when the transport saw none", () => {
    const request = toApprovalRequest("item/fileChange/requestApproval", fileChangeParams());
    expect(request).toMatchObject({ kind: "file_change", changes: [], grantRoot: null, cwd: null });
  });

  it("accepts changes already mapped to codexkit items", () => {
    expect(toFileChanges([{ path: "a.ts", kind: "add" }, { path: "b.ts", kind: "delete", diff: "x" }])).toEqual([
      { path: "a.ts", kind: "add" },
      { path: "b.ts", kind: "delete", diff: "x" },
    ]);
  });

  it("keeps unreadable changes as empty paths so no rule can vouch for them", () => {
    expect(toFileChanges([{ path: "a.ts", kind: "add" }, { nope: true }, 7])).toEqual([
      { path: "a.ts", kind: "add" },
      { path: "", kind: "update" },
      { path: "", kind: "update" },
    ]);
    expect(toFileChanges("not a list")).toEqual([]);
  });

  it("parses item/permissions/requestApproval", () => {
    const params = permissionsParams();
    expect(toApprovalRequest("item/permissions/requestApproval", params)).toEqual({
      method: "item/permissions/requestApproval",
      kind: "permissions",
      threadId: THREAD,
      turnId: TURN,
      itemId: "call_3",
      reason: "fetch dependencies",
      raw: params,
      cwd: "/repo",
      permissions: { network: { enabled: true }, fileSystem: { read: null, write: ["/repo/node_modules"] } },
    });
  });

  it("normalises a partial permission profile to explicit nulls", () => {
    const params = { ...permissionsParams(), permissions: { network: { enabled: true } } };
    expect(toApprovalRequest("item/permissions/requestApproval", params)).toMatchObject({
      kind: "permissions",
      permissions: { network: { enabled: true }, fileSystem: null },
    });
  });

  it("parses the legacy execCommandApproval, quoting argv like a shell", () => {
    const params = execCommandParams();
    expect(toApprovalRequest("execCommandApproval", params)).toEqual({
      method: "execCommandApproval",
      kind: "command",
      threadId: THREAD,
      itemId: "call_4",
      reason: null,
      raw: params,
      command: `bash -lc 'echo '"'"'hi there'"'"''`,
      cwd: "/repo",
    });
  });

  it("parses the legacy applyPatchApproval from its keyed file changes", () => {
    const params = applyPatchParams();
    expect(toApprovalRequest("applyPatchApproval", params)).toEqual({
      method: "applyPatchApproval",
      kind: "file_change",
      threadId: THREAD,
      itemId: "call_5",
      reason: "refactor",
      raw: params,
      grantRoot: null,
      cwd: null,
      changes: [
        { path: "/repo/new.txt", kind: "add", diff: "hello\n" },
        { path: "/repo/old.txt", kind: "delete", diff: "bye\n" },
        { path: "/repo/src/a.ts", kind: "update", diff: "@@ -1 +1 @@\n-a\n+b\n", movePath: "/repo/src/b.ts" },
      ],
    });
  });

  it("maps other server requests to kind other, keeping ids", () => {
    const params = { threadId: THREAD, turnId: TURN, itemId: "call_6", questions: [] };
    expect(toApprovalRequest("item/tool/requestUserInput", params)).toEqual({
      method: "item/tool/requestUserInput",
      kind: "other",
      threadId: THREAD,
      turnId: TURN,
      itemId: "call_6",
      reason: null,
      raw: params,
      params,
    });
    expect(toApprovalRequest("mcpServer/elicitation/request", null)).toMatchObject({ kind: "other", params: null });
  });

  it("falls back to other when an approval method's params are unusable", () => {
    expect(toApprovalRequest("item/commandExecution/requestApproval", "nope")).toMatchObject({ kind: "other" });
    expect(toApprovalRequest("item/permissions/requestApproval", { ...permissionsParams(), permissions: 3 })).toMatchObject({ kind: "other" });
    const hostile = Object.defineProperty({}, "command", {
      enumerable: true,
      get() {
        throw new Error("boom");
      },
    });
    const request = toApprovalRequest("item/commandExecution/requestApproval", hostile);
    expect(request.kind).toBe("other");
    expect(request.raw).toBe(hostile);
  });
});

describe("APPROVAL_METHODS", () => {
  it("lists the v2 and legacy approval methods", () => {
    expect([...APPROVAL_METHODS].sort()).toEqual(
      ["applyPatchApproval", "execCommandApproval", "item/commandExecution/requestApproval", "item/fileChange/requestApproval", "item/permissions/requestApproval"].sort(),
    );
    expect(isApprovalMethod("item/tool/requestUserInput")).toBe(false);
    expect(Object.isFrozen(APPROVAL_METHODS)).toBe(true);
  });
});

describe("MCP tool approvals (an elicitation codex marks as one)", () => {
  const params = {
    threadId: "t",
    turnId: "u",
    serverName: "fx",
    mode: "form",
    message: 'Allow the fx MCP server to run tool "add"?',
    requestedSchema: { type: "object", properties: {} },
    _meta: { codex_approval_kind: "mcp_tool_call", tool_name: "add", tool_params: { a: 2, b: 3 }, persist: ["session", "always"] },
  };

  it("becomes a request of kind mcp_tool with server, tool and arguments", () => {
    expect(toApprovalRequest("mcpServer/elicitation/request", params)).toMatchObject({
      kind: "mcp_tool",
      threadId: "t",
      turnId: "u",
      server: "fx",
      tool: "add",
      arguments: { a: 2, b: 3 },
      message: 'Allow the fx MCP server to run tool "add"?',
    });
  });

  it("an ordinary elicitation is not an approval", () => {
    expect(toApprovalRequest("mcpServer/elicitation/request", { ...params, _meta: null })).toMatchObject({ kind: "other" });
  });
});
