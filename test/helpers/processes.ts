/** Finds live processes by an environment marker, to prove that nothing outlives a turn. */
import { readdirSync, readFileSync } from "node:fs";

/** Pids of live processes whose environment contains `needle` (e.g. `CODEX_HOME=<unique dir>`). */
export function processesWithEnv(needle: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const status = readFileSync(`/proc/${entry}/stat`, "utf8");
      // Zombies (state Z) are dead already; their parent just has not reaped them yet.
      if (/^\d+ \(.*\) Z /.test(status)) continue;
      const environ = readFileSync(`/proc/${entry}/environ`, "utf8");
      if (environ.split("\0").includes(needle)) found.push(Number(entry));
    } catch {
      // The process ended while we looked, or is not ours to read.
    }
  }
  return found;
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
