/**
 * Runs the real pinned codex binary (`codex exec --json`) against a MockModelServer, without the
 * rest of the SDK, so the mock can be checked against the binary on its own.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import type { CodexOptionsRequest, MockModelServer } from "../../../src/testing/index.js";
import { PROCESS_TABLE_READABLE } from "../../helpers/platform.js";
import { expectNoProcesses } from "../../helpers/processes.js";

const TARGETS: Record<string, string> = {
  "linux-x64": "x86_64-unknown-linux-musl",
  "linux-arm64": "aarch64-unknown-linux-musl",
  "darwin-x64": "x86_64-apple-darwin",
  "darwin-arm64": "aarch64-apple-darwin",
};

/** The codex binary of the pinned `@openai/codex` platform package for this machine. */
export function codexBinary(): string {
  const platform = `${process.platform}-${process.arch}`;
  const target = TARGETS[platform];
  if (!target) throw new Error(`no codex binary for ${platform}`);
  const manifest = createRequire(import.meta.url).resolve(`@openai/codex-${platform}/package.json`);
  return path.join(path.dirname(manifest), "vendor", target, "bin", "codex");
}

/** A TOML literal for a `-c key=value` override: strings as JSON strings, objects as inline tables. */
export function tomlValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return `[${value.map(tomlValue).join(", ")}]`;
  if (value && typeof value === "object") {
    return `{${Object.entries(value)
      .map(([key, child]) => `${key} = ${tomlValue(child)}`)
      .join(", ")}}`;
  }
  throw new Error(`no TOML form for ${String(value)}`);
}

/** `-c` flags for a nested config: one dotted key per leaf, as `Codex` passes `config`. */
export function configFlags(config: object, prefix = ""): string[] {
  const flags: string[] = [];
  for (const [key, value] of Object.entries(config as Record<string, unknown>)) {
    const dotted = prefix ? `${prefix}.${key}` : key;
    if (value && typeof value === "object" && !Array.isArray(value)) flags.push(...configFlags(value, dotted));
    else flags.push("-c", `${dotted}=${tomlValue(value)}`);
  }
  return flags;
}

/** One `codex exec --json` event. */
export interface ExecEvent {
  type: string;
  item?: { type: string; text?: string; [key: string]: unknown };
  message?: string;
  error?: { message: string };
  usage?: Record<string, number>;
  [key: string]: unknown;
}

/** What one run produced. */
export interface ExecRun {
  exitCode: number | null;
  events: ExecEvent[];
  stderr: string;
  /** The run's working directory (removed by `cleanupRuns`). */
  cwd: string;
  ms: number;
  /** Completed items of `type`. */
  items(type: string): NonNullable<ExecEvent["item"]>[];
  /** Messages of `error` events and `turn.failed` events, in order. */
  errors(): string[];
}

/** Options of `runExec`. */
export interface RunExecOptions {
  prompt?: string;
  /** More codex arguments, e.g. `["--sandbox", "workspace-write"]`. */
  args?: string[];
  /** Passed to `model.codexOptions()`. */
  codexOptions?: CodexOptionsRequest;
  /** Kill codex and fail after this long. */
  timeoutMs?: number;
}

const workDirs: string[] = [];

/**
 * Runs one `codex exec --json` turn in a fresh working directory and CODEX_HOME, with
 * `--strict-config` so every provider key the mock sets must be one codex knows. Waits for the
 * process and checks that none of its processes survive.
 */
export async function runExec(model: MockModelServer, options: RunExecOptions = {}): Promise<ExecRun> {
  const co = model.codexOptions(options.codexOptions);
  const cwd = mkdtempSync(path.join(os.tmpdir(), "codexkit-work-"));
  workDirs.push(cwd);
  const args = [
    "exec",
    "--json",
    "--skip-git-repo-check",
    "--strict-config",
    "-m",
    co.config.model,
    ...configFlags(co.config),
    ...(options.args ?? []),
    options.prompt ?? "hello",
  ];
  const started = Date.now();
  const child = spawn(codexBinary(), args, { cwd, env: { ...co.env, CODEX_HOME: co.codexHome }, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const timeoutMs = options.timeoutMs ?? 20_000;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGKILL");
  }, timeoutMs);
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => resolve(code));
  }).finally(() => clearTimeout(timer));
  // codex can exit while a helper it started in its process group (its shell-environment
  // snapshot, slow under load) is still running; take the group down as codexkit's transport does.
  try {
    if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
  } catch {
    // The group is already gone.
  }
  if (PROCESS_TABLE_READABLE) await expectNoProcesses(`CODEX_HOME=${co.codexHome}`);
  if (timedOut) throw new Error(`codex exec did not finish within ${timeoutMs} ms; stdout: ${stdout.slice(-2000)}`);
  // Split on "\n" only: event JSON may hold raw U+2028/U+2029, which line readers treat as breaks.
  const events = stdout
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as ExecEvent);
  return {
    exitCode,
    events,
    stderr,
    cwd,
    ms: Date.now() - started,
    items: (type) => events.filter((e) => e.type === "item.completed" && e.item?.type === type).map((e) => e.item!),
    errors: () => events.flatMap((e) => (e.type === "error" ? [e.message ?? ""] : e.type === "turn.failed" ? [e.error?.message ?? ""] : [])),
  };
}

/** Removes the working directories of all runs so far. */
export function cleanupRuns(): void {
  for (const dir of workDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}
