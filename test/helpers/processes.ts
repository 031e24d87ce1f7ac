/** Finds live processes by an environment marker, to prove that nothing outlives a turn. */
import { readFileSync, realpathSync } from "node:fs";
import type { Codex } from "../../src/index.js";
import { listProcesses } from "../../src/process/tree.js";
import { PROCESS_TABLE_READABLE } from "./platform.js";

/**
 * Every look below reads `/proc`. Elsewhere it would find nothing and every "nothing survived"
 * would pass without looking, so it fails loudly instead: gate such a test with `linuxOnly`.
 */
function requireProcessTable(): void {
  if (!PROCESS_TABLE_READABLE) throw new Error(`processes cannot be found by environment or working directory on ${process.platform} (no /proc): gate this test with linuxOnly()`);
}

/** Pids of other live processes: zombies (state Z) are dead already, their parent just has not reaped them. */
function livePids(): number[] {
  requireProcessTable();
  return listProcesses()
    .filter((p) => p.state !== "Z" && p.pid !== process.pid)
    .map((p) => p.pid);
}

/** Pids of live processes whose environment contains `needle` (e.g. `CODEX_HOME=<unique dir>`). */
export function processesWithEnv(needle: string): number[] {
  return livePids().filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").includes(needle);
    } catch {
      // The process ended while we looked, or is not ours to read.
      return false;
    }
  });
}

/** Waits until no process carries `needle`, or fails after `timeoutMs`, listing the survivors. */
export async function expectNoProcesses(needle: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let left = processesWithEnv(needle);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    left = processesWithEnv(needle);
  }
  if (left.length > 0) {
    const described = left.map((pid) => {
      try {
        return `${pid}: ${readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ").slice(0, 120)}`;
      } catch {
        return `${pid}`;
      }
    });
    throw new Error(`processes survived: ${described.join("; ")}`);
  }
}

/** Waits until at least one process carries `needle`. */
export async function waitForProcess(needle: string, timeoutMs = 10_000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = processesWithEnv(needle);
    if (found.length > 0) return found;
    if (Date.now() > deadline) throw new Error(`no process with ${needle} appeared`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Pids of live processes working in `cwd` whose command line contains `text` (commands codex runs). */
export function commandsIn(cwd: string, text: string): number[] {
  const dir = realpathSync(cwd);
  return livePids().filter((pid) => {
    try {
      return realpathSync(`/proc/${pid}/cwd`) === dir && readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ").includes(text);
    } catch {
      // Gone, or not ours to read.
      return false;
    }
  });
}

/** Waits until a command containing `text` runs in `cwd`. */
export async function waitForCommand(cwd: string, text: string, timeoutMs = 10_000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = commandsIn(cwd, text);
    if (found.length > 0) return found;
    if (Date.now() > deadline) throw new Error(`no command with "${text}" appeared in ${cwd}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits until no command containing `text` runs in `cwd`; returns the survivors after `timeoutMs`. */
export async function waitForCommandGone(cwd: string, text: string, timeoutMs = 5_000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  let left = commandsIn(cwd, text);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    left = commandsIn(cwd, text);
  }
  return left;
}

/** Pids of the `codex app-server` processes carrying `needle` (not the commands they run). */
export function appServers(needle: string): number[] {
  return processesWithEnv(needle).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")[1] === "app-server";
    } catch {
      return false;
    }
  });
}

/**
 * Pids of the app-servers a client says are running, from its own diagnostics: on every platform,
 * where `appServers` needs /proc.
 */
export async function runningAppServers(codex: Codex): Promise<number[]> {
  const report = await codex.diagnostics();
  return report.processes.filter((p) => p.kind === "app-server" && p.running && p.pid !== null).map((p) => p.pid!);
}
