/**
 * The lifecycle log contract, checked against golden files: a scripted run's log lines that carry
 * an `event` (ids, pids, times normalized) must equal the checked-in ones, so any change to an
 * event's name, level, message or fields shows up in review. `UPDATE_GOLDEN=1` rewrites them.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { tool, type TransportKind } from "../../../src/index.js";
import { callTool, httpError, runCommand, say } from "../../../src/testing/index.js";
import { harness, type Harness } from "../../helpers/harness.js";
import { recordingLogger, type LogEntry } from "../../helpers/logger.js";
import { TRANSPORTS } from "../../helpers/transports.js";
import { FIXTURE } from "../../helpers/mcp.js";
import { unixOnly } from "../../helpers/platform.js";

const withShell = unixOnly("the mock model scripts POSIX shell commands; codex runs commands through PowerShell and its own sandbox on Windows");

let h: Harness;
afterEach(async () => {
  await h.close();
});

const add = tool({ name: "add", description: "Adds", parameters: z.object({ a: z.number(), b: z.number() }), execute: ({ a, b }) => String(a + b) });

/** Lifecycle lines with what changes from run to run replaced by stable placeholders. */
function normalize(entries: LogEntry[]): string[] {
  const ids = new Map<string, string>();
  const stable = (kind: string, value: unknown): unknown => {
    if (typeof value !== "string" && typeof value !== "number") return value;
    const key = `${kind}:${value}`;
    if (!ids.has(key)) ids.set(key, `<${kind}-${[...ids.keys()].filter((k) => k.startsWith(`${kind}:`)).length + 1}>`);
    return ids.get(key);
  };
  return entries
    .filter((entry) => typeof entry.obj.event === "string")
    .map((entry) => {
      const fields: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(entry.obj)) {
        if (key === "threadId" || key === "turnId" || key === "pid") fields[key] = value === null ? null : stable(key, value);
        else if ((key === "id" || key === "sha256") && typeof value === "string" && /^[0-9a-f]{64}$/.test(value)) fields[key] = stable("sha", value);
        else if (/Ms$/.test(key)) fields[key] = typeof value === "number" ? "<ms>" : value;
        else if (/Tokens$/.test(key)) fields[key] = typeof value === "number" ? "<n>" : value;
        // How a server codexkit stopped ends (exit 0 on stdin EOF, or SIGTERM after the grace) depends on load.
        else if ((key === "exitCode" || key === "signal") && entry.obj.expected === true && entry.obj.kind !== "exec") fields[key] = "<stopped>";
        else fields[key] = value;
      }
      return JSON.stringify({ level: entry.level, msg: entry.msg, ...fields });
    });
}

function golden(name: string, lines: string[]): void {
  const file = fileURLToPath(new URL(`../../fixtures/logs/${name}.jsonl`, import.meta.url));
  const text = `${lines.join("\n")}\n`;
  if (process.env.UPDATE_GOLDEN === "1") writeFileSync(file, text);
  expect(existsSync(file), `${file} is missing: run the test with UPDATE_GOLDEN=1 and review it`).toBe(true);
  expect(text).toBe(readFileSync(file, "utf8"));
}

describe.each(TRANSPORTS)("%s transport: lifecycle logs", (transport: TransportKind) => {
  withShell("match the golden file for a scripted run (a command, a tool call, an approval, a retry, a failure)", async () => {
    const logger = recordingLogger();
    h = await harness(transport, { logger, tools: [add], retry: { baseDelayMs: 1, maxDelayMs: 5 } });
    const approving = transport === "app-server";
    h.model
      .reply(runCommand("echo hi", { callId: "cmd1", ...(approving ? { escalate: true } : {}) }))
      .reply(callTool("add", { a: 1, b: 2 }, { callId: "c1", ...(transport === "exec" ? { namespace: "mcp__codexkit" } : {}) }))
      .reply(say("three"));
    if (approving) h.model.enqueue(httpError(500));
    h.model.reply(say("again"));
    h.model.enqueue(httpError(401));
    const thread = h.thread(approving ? { approvalPolicy: "on-request", onApproval: () => "accept" } : {});
    await thread.run("go");
    await thread.run("once more");
    await expect(thread.run("fail")).rejects.toMatchObject({ code: "auth_failed" });
    await h.codex.close();
    golden(`${transport}-turns`, normalize(logger.entries));
  });
});

describe("MCP connections: lifecycle logs", () => {
  it("match the golden file for a connection that starts, crashes, restarts and is closed", async () => {
    const logger = recordingLogger();
    h = await harness("app-server", { logger });
    const server = await h.codex.mcp.connect("fixture", { command: process.execPath, args: [FIXTURE] }, { restart: { baseDelayMs: 1 } });
    const restarted = new Promise<void>((resolve) => server.on("status", (status) => status === "ready" && resolve()));
    await server.callTool("crash").catch(() => {});
    await restarted;
    await h.codex.close();
    golden("mcp-connection", normalize(logger.entries));
  });
});

describe("staged files: lifecycle logs", () => {
  it("match the golden file for staging, a re-stage, an attachment, a removal and close()", async () => {
    const logger = recordingLogger();
    h = await harness("app-server", { logger });
    const files = mkdtempSync(path.join(os.tmpdir(), "codexkit-golden-files-"));
    try {
      const codex = h.client({ logger, files: { dir: files } });
      const notes = await codex.files.stage(Buffer.from("golden notes\n"), { name: "notes.txt" });
      await codex.files.stage(Buffer.from("golden notes\n"), { name: "notes.txt" });
      const kept = await codex.files.stage(Buffer.from("kept"), { name: "kept.txt", persistent: true });
      h.model.reply(say("ok"));
      const thread = codex.startThread({ skipGitRepoCheck: true, workingDirectory: h.cwd });
      await thread.run([{ type: "attachment", file: notes }]);
      await thread.attachments();
      await codex.files.remove(kept);
      await codex.close();
      golden("files", normalize(logger.entries).filter((line) => line.includes('"event":"file.')));
    } finally {
      rmSync(files, { recursive: true, force: true });
    }
  });
});
