import path from "node:path";
import { describe, expect, it } from "vitest";
import { normalizeInput } from "../../../../src/input.js";
import { threadPermissions } from "../../../../src/config/index.js";
import { threadSettings, turnStartParams } from "../../../../src/transport/app-server/params.js";
import type { TurnRequest } from "../../../../src/transport/types.js";

describe("threadPermissions", () => {
  it("sends exec's defaults when nothing is set", () => {
    expect(threadPermissions({}, {})).toEqual({ sandbox: "read-only", approvalPolicy: "never" });
  });

  it("takes the thread's options first", () => {
    expect(threadPermissions({ sandboxMode: "workspace-write", approvalPolicy: "on-request" }, { config: { sandbox_mode: "danger-full-access" } })).toEqual({
      sandbox: "workspace-write",
      approvalPolicy: "on-request",
    });
  });

  it("takes the client's sandbox_mode from configOverrides (last wins) or config, as exec does", () => {
    expect(threadPermissions({}, { config: { sandbox_mode: "workspace-write" } }).sandbox).toBe("workspace-write");
    expect(
      threadPermissions({}, { config: { sandbox_mode: "workspace-write" }, configOverrides: ['sandbox_mode="read-only"', "sandbox_mode = 'danger-full-access'"] }).sandbox,
    ).toBe("danger-full-access");
    expect(threadPermissions({}, { configOverrides: ["model=x", "sandbox_modeX=1"] }).sandbox).toBe("read-only");
  });

  it("keeps approval at never whatever the client's approval_policy says (exec ignores it)", () => {
    expect(threadPermissions({}, { config: { approval_policy: "on-request" }, configOverrides: ['approval_policy="on-request"'] }).approvalPolicy).toBe("never");
  });
});

describe("threadSettings", () => {
  it("resolves the working directory against process.cwd() and additional directories against it", () => {
    const settings = threadSettings({ workingDirectory: "work", additionalDirectories: ["extra", "/abs"] });
    const cwd = path.resolve("work");
    expect(settings.cwd).toBe(cwd);
    expect(settings.config).toEqual({ "sandbox_workspace_write.writable_roots": [path.join(cwd, "extra"), "/abs"] });
  });
});

describe("turnStartParams", () => {
  it("appends inputs steered before the turn was sent, in order", () => {
    const request = { input: normalizeInput("first") } as TurnRequest;
    const params = turnStartParams("t1", request, [normalizeInput("second"), normalizeInput([{ type: "text", text: "third" }])]);
    expect(params.input).toEqual([
      { type: "text", text: "first", text_elements: [] },
      { type: "text", text: "second", text_elements: [] },
      { type: "text", text: "third", text_elements: [] },
    ]);
  });
});
