/**
 * `codexkit doctor`: checks that this machine can run codex through codexkit, and says what to fix.
 * Each check is independent; the verdict is "ready" unless one fails. Nothing secret is printed:
 * credentials are named, never shown, and the whole report is redacted. The doctor writes nothing
 * outside the temp directories it removes: codex runs with a throwaway CODEX_HOME, so a first run
 * does not create `~/.codex`; the user's own `config.toml`, when there is one, is copied into it,
 * so a broken configuration is found all the same. With a Redis URL, it also checks that the
 * queue's Redis answers (bullmq and ioredis are loaded only then).
 */
import { accessSync, constants, copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Codex } from "../codex.js";
import { withoutUrlCredentials } from "../errors/index.js";
import type { Diagnostics } from "../diagnostics/index.js";
import type { CodexOptions } from "../options/index.js";
import { within } from "../timing/index.js";

/** How one check went. */
export interface DoctorCheck {
  name: string;
  status: "ok" | "warn" | "fail";
  detail: string;
}

/**
 * The doctor's verdict: "ready" when nothing failed; "ready for offline work" when codex runs a
 * turn against the mock model (`--mock`) but no credential for a real model is set up (so tests
 * and the examples work, the real API would not); "not ready" when a check failed.
 */
export type DoctorVerdict = "ready" | "ready for offline work" | "not ready";

/** What the doctor found. */
export interface DoctorReport {
  /** See `DoctorVerdict`. */
  verdict: DoctorVerdict;
  checks: DoctorCheck[];
  diagnostics: Diagnostics;
}

/** What the doctor is asked to do. */
export interface DoctorOptions {
  /** The client options to check (default: from the environment, as `new Codex()` would run). */
  codex?: CodexOptions;
  /**
   * Also run one turn end to end against codexkit's built-in mock model server. Then a missing
   * credential is a warning, not a failure: the verdict can be "ready for offline work".
   */
  mock?: boolean;
  /** How long starting codex app-server, and the mock turn, may each take (default 30 s). */
  timeoutMs?: number;
  /**
   * A Redis URL (`redis://`, `rediss://`) for `codexkit/queue`: adds a "redis" check that it
   * answers within `REDIS_TIMEOUT_MS`, reporting its version. A password in the URL is never shown.
   */
  redis?: string;
}

/** How long the "redis" check waits for Redis to answer (5 s). */
export const REDIS_TIMEOUT_MS = 5_000;

/**
 * Runs every check. Never throws: options `new Codex()` refuses are a failed "options" check (the
 * report's diagnostics then describe the defaults), and so is anything else that goes wrong.
 */
export async function runDoctor(options: DoctorOptions = {}): Promise<DoctorReport> {
  const codexOptions = options.codex ?? {};
  let client: Codex;
  try {
    client = new Codex(codexOptions);
  } catch (error) {
    return failedReport({ name: "options", status: "fail", detail: messageOf(error) });
  }
  try {
    return await runChecks(client, codexOptions, options);
  } catch (error) {
    return failedReport({ name: "doctor", status: "fail", detail: `the checks stopped: ${messageOf(error)}` });
  } finally {
    await client.close().catch(() => {});
  }
}

/** A "not ready" report of one failed check, with the diagnostics of a client on the defaults. */
async function failedReport(check: DoctorCheck): Promise<DoctorReport> {
  const fallback = new Codex();
  try {
    return { verdict: "not ready", checks: [check], diagnostics: await fallback.diagnostics() };
  } finally {
    await fallback.close().catch(() => {});
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Every check, on `client` (made from `codexOptions`). */
async function runChecks(client: Codex, codexOptions: CodexOptions, options: DoctorOptions): Promise<DoctorReport> {
  const checks: DoctorCheck[] = [];
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
  const credentials = credentialsCheck(diagnostics, options.mock === true);
  checks.push(credentials);
  const timeoutMs = options.timeoutMs ?? 30_000;
  if (diagnostics.codex.version) checks.push(await appServerCheck(codexOptions, diagnostics.codexHome, timeoutMs));
  if (options.mock && diagnostics.codex.version) checks.push(await mockTurnCheck(codexOptions, timeoutMs));
  if (options.redis !== undefined) checks.push(await redisCheck(options.redis));
  const failed = checks.some((check) => check.status === "fail");
  const verdict: DoctorVerdict = failed ? "not ready" : credentials.status === "ok" ? "ready" : "ready for offline work";
  return { verdict, checks, diagnostics: await client.diagnostics() };
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

/**
 * Credentials, or a model server on this machine. With `offline` (the mock turn is asked for), none
 * is only a warning: offline work needs none.
 */
function credentialsCheck(diagnostics: Diagnostics, offline: boolean): DoctorCheck {
  if (diagnostics.login !== "none") return { name: "credentials", status: "ok", detail: `found: ${diagnostics.login}` };
  const url = diagnostics.modelProvider.baseUrl;
  if (url && /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(url)) {
    return { name: "credentials", status: "ok", detail: `none needed: provider ${diagnostics.modelProvider.name} is a local server (${url})` };
  }
  const fix = "set CODEX_API_KEY or OPENAI_API_KEY, pass apiKey, or run `codex login`";
  return offline
    ? { name: "credentials", status: "warn", detail: `none found: fine for offline work against MockModelServer (codexkit/testing); for the real API, ${fix}` }
    : { name: "credentials", status: "fail", detail: `none found: ${fix}; for offline use, point codexkit at MockModelServer (codexkit/testing) and check with --mock` };
}

/**
 * Starts codex app-server and asks it something: the binary works on this machine, sandbox helpers
 * included, and it can read the user's configuration. codex writes into its CODEX_HOME as it
 * starts (and creates a missing `~/.codex`), so it runs with a throwaway one, removed afterwards:
 * the doctor leaves the machine as it found it. The user's `config.toml` (only that: credentials
 * are the credentials check's) is copied in when there is one: a configuration codex cannot use
 * fails the check (codex refuses the question, naming the file and the line).
 */
async function appServerCheck(base: CodexOptions, userHome: Diagnostics["codexHome"], timeoutMs: number): Promise<DoctorCheck> {
  const name = "codex app-server";
  const home = mkdtempSync(path.join(os.tmpdir(), "codexkit-doctor-home-"));
  let client: Codex | null = null;
  const started = performance.now();
  try {
    const userConfig = path.join(userHome.path, "config.toml");
    const copied = userHome.exists && existsSync(userConfig);
    if (copied) copyFileSync(userConfig, path.join(home, "config.toml"));
    client = new Codex({ ...base, codexHome: home });
    const answer = await within(client.mcpStatus(), timeoutMs);
    if (answer === "timeout") return { name, status: "fail", detail: `no answer within ${timeoutMs} ms` };
    const how = copied ? `, with ${userConfig}` : "";
    return { name, status: "ok", detail: `started and answered in ${Math.round(performance.now() - started)} ms${how}` };
  } catch (error) {
    // codex names the config file it read: the user's, not the throwaway copy.
    return { name, status: "fail", detail: messageOf(error).replaceAll(path.join(home, "config.toml"), path.join(userHome.path, "config.toml")) };
  } finally {
    await client?.close().catch(() => {});
    rmSync(home, { recursive: true, force: true });
  }
}

/** One turn against the built-in mock model server, in a throwaway directory and CODEX_HOME. */
async function mockTurnCheck(base: CodexOptions, timeoutMs: number): Promise<DoctorCheck> {
  const name = "a turn against the mock model";
  const { MockModelServer, say } = await import("../testing/index.js");
  const model = await MockModelServer.start();
  const dir = mkdtempSync(path.join(os.tmpdir(), "codexkit-doctor-"));
  let client: Codex | null = null;
  try {
    client = new Codex({ ...model.codexOptions(), ...(base.codexPathOverride ? { codexPathOverride: base.codexPathOverride } : {}) });
    model.reply(say("doctor says hello"));
    const turn = await within(client.startThread({ workingDirectory: dir, skipGitRepoCheck: true }).run("Say hello."), timeoutMs);
    if (turn === "timeout") return { name, status: "fail", detail: `no answer within ${timeoutMs} ms` };
    return turn.finalResponse === "doctor says hello"
      ? { name, status: "ok", detail: "ran end to end, offline" }
      : { name, status: "fail", detail: `unexpected answer ${JSON.stringify(turn.finalResponse)}` };
  } catch (error) {
    return { name, status: "fail", detail: messageOf(error) };
  } finally {
    await client?.close().catch(() => {});
    await model.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Redis answers at `url` (the queue's check, so the same timeout and message a worker would give).
 * The queue module, and with it bullmq and ioredis, is imported only here.
 */
async function redisCheck(url: string): Promise<DoctorCheck> {
  const name = "redis";
  try {
    const { checkRedis } = await import("../queue/index.js");
    const { endpoint, version } = await checkRedis(url, REDIS_TIMEOUT_MS);
    return { name, status: "ok", detail: `${endpoint} answers: Redis ${version}` };
  } catch (error) {
    return { name, status: "fail", detail: withoutCredentials(messageOf(error), url) };
  }
}

/** `text` without the credentials of `url`, should a message ever repeat them (the queue's own messages do not). */
function withoutCredentials(text: string, url: string): string {
  let clean = withoutUrlCredentials(text);
  let password = "";
  try {
    password = new URL(url).password;
  } catch {
    // Not a URL: there is no password to find in it.
  }
  if (!password) return clean;
  let decoded = password;
  try {
    decoded = decodeURIComponent(password);
  } catch {
    // A malformed escape: the password stands as written.
  }
  for (const secret of new Set([password, decoded])) clean = clean.replaceAll(secret, "***");
  return clean;
}

/** The report as text for a terminal. */
export function formatDoctorReport(report: DoctorReport): string {
  const mark = { ok: "ok  ", warn: "warn", fail: "FAIL" } as const;
  const lines = [`codexkit ${report.diagnostics.codexkit.version} on node ${report.diagnostics.node.version} (${report.diagnostics.node.platform}-${report.diagnostics.node.arch})`, ""];
  for (const check of report.checks) lines.push(`[${mark[check.status]}] ${check.name}: ${check.detail}`);
  const failed = report.checks.filter((check) => check.status === "fail").length;
  const verdict = {
    ready: "Verdict: ready.",
    "ready for offline work": "Verdict: ready for offline work (the mock model runs; the real API needs a credential).",
    "not ready": `Verdict: not ready (${failed} problem${failed === 1 ? "" : "s"} above).`,
  }[report.verdict];
  lines.push("", verdict);
  return lines.join("\n");
}
