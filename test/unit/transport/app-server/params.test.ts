import path from "node:path";
import { describe, expect, it } from "vitest";
import { normalizeInput } from "../../../../src/input.js";
import { threadPermissions } from "../../../../src/config/index.js";
import { threadForkParams, threadResumeParams, threadSettings, threadStartParams, toUserInput, turnStartParams } from "../../../../src/transport/app-server/params.js";
import { InvalidOptionsError } from "../../../../src/errors/index.js";
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

  it("sends a remote thread's paths as the host's, whatever this machine's rules say", () => {
    const remote = { appServer: { url: "ws://127.0.0.1:1" } };
    const windows = threadStartParams({ workingDirectory: "C:\\repo", additionalDirectories: ["D:\\data"] }, remote, [], "unix");
    expect(windows.cwd).toBe("C:\\repo");
    expect(windows.config).toEqual({ "sandbox_workspace_write.writable_roots": ["D:\\data"] });
    expect(threadResumeParams("t", { workingDirectory: "/home/x" }, remote).cwd).toBe("/home/x");
    expect(threadForkParams("t", { workingDirectory: "/home/x/" }, remote, "unix").cwd).toBe("/home/x");
    expect(() => threadSettings({ workingDirectory: "/repo", additionalDirectories: ["rel"] }, remote)).toThrow(InvalidOptionsError);
  });
});

describe("toUserInput", () => {
  it("resolves a relative image from process.cwd() and leaves an absolute one of either form as it is (a host's copy)", () => {
    const items = toUserInput({ ...normalizeInput("see"), images: ["rel.png", "/home/x/a.png", "C:\\up\\b.png"] });
    expect(items.slice(1)).toEqual([
      { type: "localImage", path: path.resolve("rel.png") },
      { type: "localImage", path: "/home/x/a.png" },
      { type: "localImage", path: "C:\\up\\b.png" },
    ]);
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

describe("params codex 0.169 refuses as the official SDK spells them", () => {
  it("sends cyberAccessProgram in app-server's camelCase (it refuses `daybreak_blue`: unknown variant)", () => {
    const request = (cyberAccessProgram: TurnRequest["cyberAccessProgram"]): TurnRequest => ({ input: normalizeInput("x"), cyberAccessProgram }) as TurnRequest;
    expect(turnStartParams("t", request("daybreak_blue")).cyberAccessProgram).toBe("daybreakBlue");
    expect(turnStartParams("t", request("daybreak_red")).cyberAccessProgram).toBe("daybreakRed");
    expect(turnStartParams("t", request("standard")).cyberAccessProgram).toBe("standard");
    expect("cyberAccessProgram" in turnStartParams("t", request(undefined))).toBe(false);
  });

  it("sends approvalPolicy 'on-failure' as config, as exec does (the v2 param refuses it: unknown variant)", () => {
    const settings = threadSettings({ workingDirectory: "/w", approvalPolicy: "on-failure" });
    expect("approvalPolicy" in settings).toBe(false);
    expect(settings.config).toEqual({ approval_policy: "on-failure" });
    expect(threadResumeParams("t", { workingDirectory: "/w", approvalPolicy: "on-failure" }, {}).config).toEqual({ approval_policy: "on-failure" });
    expect(threadSettings({ workingDirectory: "/w", approvalPolicy: "on-request" }).approvalPolicy).toBe("on-request");
  });
});
