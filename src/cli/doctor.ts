/**
 * `codexkit doctor`: checks that this machine can run codex through codexkit, and says what to fix.
 * Each check is independent; the verdict is "ready" unless one fails. Nothing secret is printed:
 * credentials are named, never shown, and the whole report is redacted.
 */
import { execFileSync } from "node:child_process";
import { accessSync, constants, existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Codex } from "../codex.js";
import type { Diagnostics } from "../diagnostics/index.js";
import type { CodexOptions } from "../options/index.js";

/** How one check went. */
export interface DoctorCheck {
  name: string;
  status: "ok" | "warn" | "fail";
  detail: string;
}

/** What the doctor found. */
export interface DoctorReport {
  /** "ready" unless a check failed. */
  verdict: "ready" | "not ready";
  checks: DoctorCheck[];
  diagnostics: Diagnostics;
}

/** What the doctor is asked to do. */
export interface DoctorOptions {
  /** The client options to check (default: from the environment, as `new Codex()` would run). */
  codex?: CodexOptions;
  /** Also run one turn end to end against codexkit's built-in mock model server. */
  mock?: boolean;
  /** How long starting codex app-server may take (default 30 s). */
  timeoutMs?: number;
}

/** Runs every check. Never throws. */
export async function runDoctor(options: DoctorOptions = {}): Promise<DoctorReport> {
  const codexOptions = options.codex ?? {};
  const checks: DoctorCheck[] = [];
  const client = new Codex(codexOptions);
  try {
    const diagnostics = await client.diagnostics();
    checks.push(
      diagnostics.codex.binary
        ? { name: "codex binary", status: "ok", detail: `${diagnostics.codex.binary} (from ${diagnostics.codex.resolvedFrom})` }
        : { name: "codex binary", status: "fail", detail: diagnostics.codex.problem ?? "not found" },
    );
    if (diagnostics.codex.binary) {
      checks.push(
        diagnostics.codex.version
          ? { name: "codex runs", status: "ok", detail: diagnostics.codex.version }
          : { name: "codex runs", status: "fail", detail: diagnostics.codex.problem ?? "the binary did not run" },
      );
    }
    checks.push(homeCheck(diagnostics.codexHome));
    checks.push(credentialsCheck(diagnostics));
    if (diagnostics.codex.version) checks.push(await appServerCheck(client, options.timeoutMs ?? 30_000));
    if (options.mock && diagnostics.codex.version) checks.push(await mockTurnCheck(codexOptions));
    const failed = checks.some((check) => check.status === "fail");
    return { verdict: failed ? "not ready" : "ready", checks, diagnostics: await client.diagnostics() };
  } finally {
    await client.close().catch(() => {});
  }
}

/** CODEX_HOME (or the directory it would be created in) must be writable: codex keeps sessions there. */
function homeCheck(home: Diagnostics["codexHome"]): DoctorCheck {
  // codex creates its default home, and codexkit its codexHome option, but refuses a CODEX_HOME that is not there.
  if (home.source === "env.CODEX_HOME" && !home.exists) {
    return { name: "CODEX_HOME", status: "fail", detail: `${home.path} (env.CODEX_HOME) does not exist, and codex refuses to start without it; create it, or unset CODEX_HOME` };
  }
  let dir = home.path;
  while (!existsSync(dir) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  try {
    accessSync(dir, constants.W_OK);
    const how = dir === home.path ? "writable" : `not created yet; ${dir} is writable`;
    return { name: "CODEX_HOME", status: "ok", detail: `${home.path} (${home.source}): ${how}` };
  } catch {
    return { name: "CODEX_HOME", status: "fail", detail: `${home.path} (${home.source}): ${dir} is not writable; set CODEX_HOME or the codexHome option to a writable directory` };
  }
}

/** Credentials, or a model server on this machine (a mock needs none). */
function credentialsCheck(diagnostics: Diagnostics): DoctorCheck {
  if (diagnostics.login !== "none") return { name: "credentials", status: "ok", detail: `found: ${diagnostics.login}` };
  const url = diagnostics.modelProvider.baseUrl;
  if (url && /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(url)) {
    return { name: "credentials", status: "ok", detail: `none needed: provider ${diagnostics.modelProvider.name} is a local server (${url})` };
  }
  return {
    name: "credentials",
    status: "fail",
    detail: "none found: set CODEX_API_KEY or OPENAI_API_KEY, pass apiKey, or run `codex login`; for offline use, point codexkit at MockModelServer (codexkit/testing)",
  };
}

/** Starts codex app-server and asks it something: the binary works on this machine, sandbox helpers included. */
async function appServerCheck(client: Codex, timeoutMs: number): Promise<DoctorCheck> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.mcpStatus(),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs))),
    ]);
    return { name: "codex app-server", status: "ok", detail: `started and answered in ${Math.round(performance.now() - started)} ms` };
  } catch (error) {
    return { name: "codex app-server", status: "fail", detail: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

/** One turn against the built-in mock model server, in a throwaway git repository and CODEX_HOME. */
async function mockTurnCheck(base: CodexOptions): Promise<DoctorCheck> {
  const { MockModelServer, say } = await import("../testing/index.js");
  const model = await MockModelServer.start();
  const dir = mkdtempSync(path.join(os.tmpdir(), "codexkit-doctor-"));
  const client = new Codex({ ...model.codexOptions(), ...(base.codexPathOverride ? { codexPathOverride: base.codexPathOverride } : {}) });
  try {
    execFileSync("git", ["init", "-q"], { cwd: dir, stdio: "ignore" });
    model.reply(say("doctor says hello"));
    const turn = await client.startThread({ workingDirectory: dir }).run("Say hello.");
    return turn.finalResponse === "doctor says hello"
      ? { name: "a turn against the mock model", status: "ok", detail: "ran end to end" }
      : { name: "a turn against the mock model", status: "fail", detail: `unexpected answer ${JSON.stringify(turn.finalResponse)}` };
  } catch (error) {
    return { name: "a turn against the mock model", status: "fail", detail: (error as Error).message };
  } finally {
    await client.close().catch(() => {});
    await model.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The report as text for a terminal. */
export function formatDoctorReport(report: DoctorReport): string {
  const mark = { ok: "ok  ", warn: "warn", fail: "FAIL" } as const;
  const lines = [`codexkit ${report.diagnostics.codexkit.version} on node ${report.diagnostics.node.version} (${report.diagnostics.node.platform}-${report.diagnostics.node.arch})`, ""];
  for (const check of report.checks) lines.push(`[${mark[check.status]}] ${check.name}: ${check.detail}`);
  const failed = report.checks.filter((check) => check.status === "fail").length;
  lines.push("", report.verdict === "ready" ? "Verdict: ready." : `Verdict: not ready (${failed} problem${failed === 1 ? "" : "s"} above).`);
  return lines.join("\n");
}
