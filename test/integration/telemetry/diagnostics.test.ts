/**
 * `codex.diagnostics()` and `codexkit doctor` against the real binary: versions, the binary and
 * how it was found, processes with pids and uptime, restarts after a crash, running turns, recent
 * errors with codes, MCP connections, and nothing secret.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it, onTestFinished } from "vitest";
import { z } from "zod";
import { tool } from "../../../src/index.js";
import { callTool, httpError, say } from "../../../src/testing/index.js";
import { harness, type Harness } from "../../helpers/harness.js";
import { FIXTURE } from "../../helpers/mcp.js";
import { PROCESS_TABLE_READABLE, unixOnly } from "../../helpers/platform.js";
import { appServers, expectNoProcesses, runningAppServers } from "../../helpers/processes.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const PLANTED = "sk-planted-diagnostics-0123456789";

describe("codex.diagnostics()", () => {
  it("reports versions, the binary, processes, running turns, recent errors and MCP connections", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inTool = new Promise<void>((resolve) => (entered = resolve));
    const wait = tool({
      name: "wait",
      description: "Waits for the test",
      parameters: z.object({}),
      execute: async () => {
        entered();
        await gate;
        return "ok";
      },
    });
    h = await harness("app-server", { apiKey: PLANTED, tools: [wait] });
    await h.codex.mcp.connect("fixture", { command: process.execPath, args: [FIXTURE] });
    h.model.reply(callTool("wait", {}, { callId: "c1" })).reply(say("done"));
    const thread = h.thread();
    const running = thread.run("wait");
    // Should an assertion below fail, the turn still ends (and its rejection is handled).
    running.catch(() => {});
    onTestFinished(() => release());
    await inTool;
    const during = await h.codex.diagnostics();
    expect(during.runningTurns).toEqual([expect.objectContaining({ threadId: thread.id, transport: "app-server", runningMs: expect.any(Number) })]);
    release();
    await running;
    h.model.enqueue(httpError(401));
    await expect(thread.run("again")).rejects.toMatchObject({ code: "auth_failed" });

    const report = await h.codex.diagnostics();
    expect(report.codexkit.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(report.codex).toMatchObject({ version: "codex-cli 0.169.0", resolvedFrom: expect.stringMatching(/^@openai\/codex-/) });
    expect(report.codex.binary).toMatch(/codex(\.exe)?$/);
    expect(report.transport).toBe("app-server");
    expect(report.codexHome).toMatchObject({ path: path.resolve(h.codexHome), source: "codexHome option", exists: true });
    expect(report.login).toBe("apiKey option");
    expect(report.modelProvider).toEqual({ name: "mock", baseUrl: `${h.model.url}` });
    // Where /proc shows processes, the pid reported is the app-server's own.
    const appServer = PROCESS_TABLE_READABLE ? appServers(h.marker)[0] : expect.any(Number);
    expect(report.processes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: "app-server", pid: appServer, running: true, uptimeMs: expect.any(Number) }),
        expect.objectContaining({ kind: "mcp", label: "MCP server fixture", running: true }),
      ]),
    );
    expect(report.appServerRestarts).toBe(0);
    expect(report.runningTurns).toEqual([]);
    expect(report.recentErrors).toEqual([expect.objectContaining({ code: "auth_failed", threadId: thread.id, at: expect.any(String) })]);
    expect(report.mcp).toEqual([{ name: "fixture", transport: "stdio", status: "ready", restarts: 0 }]);
    expect(typeof report.stderrTail).toBe("string");
    expect(report.telemetry).toEqual({ otelApi: true, tracer: "global", captureContent: false });
    expect(report.staging).toBeNull();
    const staged = await h.codex.files.stage(Buffer.from("diagnosed"), { name: "d.txt" });
    expect((await h.codex.diagnostics()).staging).toMatchObject({ dir: h.codex.files.dir, files: expect.any(Number), bytes: expect.any(Number) });
    await h.codex.files.remove(staged);
    expect(JSON.stringify(report)).not.toContain(PLANTED);
  });

  unixOnly("kills the app-server with SIGKILL, which Windows reports as an exit code")("counts an app-server that died and was replaced, and keeps how it ended", async () => {
    h = await harness("app-server");
    h.model.reply(say("one")).reply(say("two"));
    const thread = h.thread();
    await thread.run("first");
    const [first] = await runningAppServers(h.codex);
    process.kill(first!, "SIGKILL");
    // Node has seen the exit once the report says so.
    await expect.poll(async () => (await h!.codex.diagnostics()).processes.find((p) => p.pid === first)?.running).toBe(false);
    await thread.run("second");
    const report = await h.codex.diagnostics();
    expect(report.appServerRestarts).toBe(1);
    expect(report.processes.filter((p) => p.kind === "app-server")).toEqual([
      expect.objectContaining({ pid: first, running: false, signal: "SIGKILL" }),
      expect.objectContaining({ running: true }),
    ]);
  });
});

const CLI = fileURLToPath(new URL("../../../src/cli/main.ts", import.meta.url));

/**
 * Runs `codexkit <args>` as a user would (through tsx here), with `env` over an empty HOME; its
 * process group (the command and the codex it starts) is killed if it outlives `timeoutMs`.
 */
function cli(args: string[], env: Record<string, string>, timeoutMs = 45_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const home = mkdtempSync(path.join(os.tmpdir(), "codexkit-doctor-home-"));
  const clean: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !["OPENAI_API_KEY", "CODEX_API_KEY", "CODEX_HOME"].includes(key)) clean[key] = value;
  const child = spawn(process.execPath, ["--import", "tsx", CLI, ...args], { env: { ...clean, HOME: home, ...env }, stdio: ["ignore", "pipe", "pipe"], detached: true });
  const timer = setTimeout(() => {
    try {
      if (process.platform === "win32") child.kill("SIGKILL");
      else process.kill(-child.pid!, "SIGKILL");
    } catch {
      // Gone already.
    }
  }, timeoutMs);
  let stdout = "";
  let stderr = "";
  // Decoded as a stream: a character split across two chunks stays one character.
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.once("error", (error) => {
      clearTimeout(timer);
      rmSync(home, { recursive: true, force: true });
      reject(error);
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      rmSync(home, { recursive: true, force: true });
      resolve({ code, stdout, stderr });
    });
  });
}

describe("codexkit doctor", () => {
  it("says ready when codex runs, CODEX_HOME is writable and a credential is there; shows no secret", async () => {
    const codexHome = mkdtempSync(path.join(os.tmpdir(), "codexkit-doctor-codex-home-"));
    try {
      const result = await cli(["doctor", "--json", "--mock"], { CODEX_HOME: codexHome, CODEX_API_KEY: PLANTED });
      expect(result.code, result.stderr).toBe(0);
      const report = JSON.parse(result.stdout) as { verdict: string; checks: { name: string; status: string }[]; diagnostics: { login: string } };
      expect(report.verdict).toBe("ready");
      expect(report.checks.map((c) => [c.name, c.status])).toEqual([
        ["codex binary", "ok"],
        ["codex runs", "ok"],
        ["CODEX_HOME", "ok"],
        ["credentials", "ok"],
        ["codex app-server", "ok"],
        ["a turn against the mock model", "ok"],
      ]);
      expect(report.diagnostics.login).toBe("CODEX_API_KEY");
      expect(result.stdout + result.stderr).not.toContain(PLANTED);
      if (PROCESS_TABLE_READABLE) await expectNoProcesses(`CODEX_HOME=${codexHome}`);
    } finally {
      rmSync(codexHome, { recursive: true, force: true });
    }
  });

  it("says not ready, and why, for a missing binary, a CODEX_HOME that is not there, and no credential", async () => {
    const missing = path.join(os.tmpdir(), `codexkit-no-such-home-${process.pid}`);
    const result = await cli(["doctor", "--codex", "/nonexistent/codex"], { CODEX_HOME: missing });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/\[FAIL\] codex binary: codexPathOverride points to \/nonexistent\/codex, which is not a file/);
    expect(result.stdout).toMatch(/\[FAIL\] CODEX_HOME: .* does not exist/);
    expect(result.stdout).toMatch(/\[FAIL\] credentials: none found/);
    expect(result.stdout).toMatch(/Verdict: not ready \(3 problems above\)\./);
  });

  it("prints its usage for an unknown command", async () => {
    const result = await cli(["frobnicate"], {});
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("usage: codexkit doctor");
  });
});
