/** Finds live processes by an environment marker, to prove that nothing outlives a turn. */
import { readFileSync, realpathSync } from "node:fs";
import { listProcesses } from "../../src/process/tree.js";

/** Pids of other live processes: zombies (state Z) are dead already, their parent just has not reaped them. */
function livePids(): number[] {
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
