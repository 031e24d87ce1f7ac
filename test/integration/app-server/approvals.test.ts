/** Approvals decided in code on the app-server transport, against the real binary. */
import { existsSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { AbortError, approvalRules, UnsupportedFeatureError, type ApprovalRequest, type ThreadEvent } from "../../../src/index.js";
import { applyPatch, runCommand, say } from "../../../src/testing/index.js";
import { collect, harness, type Harness } from "../../helpers/harness.js";
import { recordingLogger } from "../../helpers/logger.js";
import { unixOnly } from "../../helpers/platform.js";

const withShell = unixOnly("the mock model scripts POSIX shell commands; codex runs commands through PowerShell and its own sandbox on Windows");

let h: Harness;
afterEach(async () => {
  await h.close();
});

/** A command that needs escalation out of the read-only sandbox: it creates `name` in the cwd. */
function escalatedTouch(name: string) {
  return runCommand(`touch ${name}`, { escalate: true });
}

/** Runs one turn whose model asks for an escalated `touch`, and returns the stream. */
async function touchTurn(name: string, options: Parameters<Harness["thread"]>[0] = {}): Promise<ThreadEvent[]> {
  h.model.reply(escalatedTouch(name)).reply(say("done"));
  const thread = h.thread({ approvalPolicy: "on-request", sandboxMode: "read-only", ...options });
  const { events } = await thread.runStreamed("make the file");
  return collect(events);
}

function approvalEvents(events: ThreadEvent[]) {
  return events.filter((e) => e.type === "approval.requested" || e.type === "approval.resolved");
}

describe("app-server approvals", () => {
  withShell("runs an escalated command the handler accepts, with typed request and events", async () => {
    const seen: ApprovalRequest[] = [];
    h = await harness("app-server", {
      onApproval: (request) => {
        seen.push(request);
        return "accept";
      },
    });
    const events = await touchTurn("accepted.txt");
    expect(existsSync(path.join(h.cwd, "accepted.txt"))).toBe(true);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ kind: "command", method: "item/commandExecution/requestApproval" });
    expect(seen[0]!.kind === "command" && seen[0]!.command).toContain("touch accepted.txt");
    const approvals = approvalEvents(events);
    expect(approvals.map((e) => e.type)).toEqual(["approval.requested", "approval.resolved"]);
    expect(approvals[1]).toMatchObject({ decision: "accept", source: "handler" });
  });

  withShell("does not run a command the handler declines", async () => {
    h = await harness("app-server", { onApproval: () => "decline" });
    const events = await touchTurn("declined.txt");
    expect(existsSync(path.join(h.cwd, "declined.txt"))).toBe(false);
    expect(approvalEvents(events).at(-1)).toMatchObject({ decision: "decline", source: "handler" });
    expect(events.at(-1)?.type).toBe("turn.completed");
  });

  withShell("declines when there is no handler, never accepting silently", async () => {
    h = await harness("app-server");
    const events = await touchTurn("unasked.txt");
    expect(existsSync(path.join(h.cwd, "unasked.txt"))).toBe(false);
    expect(approvalEvents(events).at(-1)).toMatchObject({ decision: "decline", source: "no-handler" });
  });

  withShell("answers `otherwise` and logs a warning when the handler times out", async () => {
    const logger = recordingLogger();
    h = await harness("app-server", { logger, approvalTimeoutMs: 200, onApproval: () => new Promise(() => {}) });
    const events = await touchTurn("late.txt");
    expect(existsSync(path.join(h.cwd, "late.txt"))).toBe(false);
    expect(approvalEvents(events).at(-1)).toMatchObject({ decision: "decline", source: "timeout" });
    expect(logger.messages("warn").join("\n")).toMatch(/approval/i);
  });

  withShell("aborts a pending handler when the turn is interrupted; the command never runs", async () => {
    let handlerSignal: AbortSignal | undefined;
    let asked!: () => void;
    const wasAsked = new Promise<void>((resolve) => (asked = resolve));
    h = await harness("app-server", {
      onApproval: (_request, { signal }) => {
        handlerSignal = signal;
        asked();
        return new Promise(() => {});
      },
    });
    h.model.reply(escalatedTouch("never.txt")).reply(say("done"));
    const thread = h.thread({ approvalPolicy: "on-request", sandboxMode: "read-only" });
    const pending = thread.run("make the file").catch((e: unknown) => e);
    await wasAsked;
    await thread.interrupt();
    expect(await pending).toBeInstanceOf(AbortError);
    expect(handlerSignal?.aborted).toBe(true);
    expect(existsSync(path.join(h.cwd, "never.txt"))).toBe(false);
  });

  withShell("decides with approvalRules: allow and deny patterns, the thread's handler over the client's", async () => {
    h = await harness("app-server", { onApproval: () => "decline" });
    const rules = approvalRules({ allow: [/touch allowed-\w+\.txt/], deny: ["*denied*"] });
    await touchTurn("allowed-one.txt", { onApproval: rules });
    expect(existsSync(path.join(h.cwd, "allowed-one.txt"))).toBe(true);
    const events = await touchTurn("denied-one.txt", { onApproval: rules });
    expect(existsSync(path.join(h.cwd, "denied-one.txt"))).toBe(false);
    expect(approvalEvents(events).at(-1)).toMatchObject({ decision: "decline" });
  });

  withShell("leaves the file alone when the file change is declined", async () => {
    h = await harness("app-server", { onApproval: (request) => (request.kind === "file_change" ? "decline" : "accept") });
    h.model.reply(applyPatch({ path: "refused.txt", content: "no\n" })).reply(say("refused"));
    const { events } = await h.thread({ approvalPolicy: "on-request", sandboxMode: "read-only" }).runStreamed("write");
    const seen = await collect(events);
    expect(existsSync(path.join(h.cwd, "refused.txt"))).toBe(false);
    expect(approvalEvents(seen).at(-1)).toMatchObject({ decision: "decline", request: { kind: "file_change" } });
  });

  withShell("approves a file change made through an apply_patch heredoc, with its changes", async () => {
    const seen: ApprovalRequest[] = [];
    h = await harness("app-server", {
      onApproval: (request) => {
        seen.push(request);
        return "accept";
      },
    });
    h.model.reply(applyPatch({ path: "patched.txt", content: "hello\n" })).reply(say("patched"));
    const thread = h.thread({ approvalPolicy: "on-request", sandboxMode: "read-only" });
    const turn = await thread.run("write the file");
    expect(turn.finalResponse).toBe("patched");
    expect(existsSync(path.join(h.cwd, "patched.txt"))).toBe(true);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ kind: "file_change", method: "item/fileChange/requestApproval" });
    expect(seen[0]!.kind === "file_change" && seen[0]!.changes).toEqual([
      { path: path.join(h.cwd, "patched.txt"), kind: "add", diff: "hello\n" },
    ]);
  });
});

describe("exec approvals", () => {
  it("refuses onApproval with an approval policy exec cannot answer", async () => {
    h = await harness("exec");
    expect(() => h.codex.startThread({ approvalPolicy: "on-request", onApproval: () => "accept" })).toThrow(UnsupportedFeatureError);
    expect(() => h.codex.startThread({ approvalPolicy: "never", onApproval: () => "accept" })).not.toThrow();
  });
});
