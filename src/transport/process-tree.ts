/**
 * Finds and kills the processes a codex process started, per platform. codex runs some helpers
 * (its shell snapshot) in sessions of their own, where a process-group kill does not reach them;
 * they must be listed while codex is still alive, because once it exits they are re-parented and
 * untraceable.
 *
 * - Linux: `/proc/<pid>/stat` (parent, start time).
 * - macOS and other Unix systems: `ps -A -o pid=,ppid=,lstart=,stat=`.
 * - Windows: there are no process groups or signals; `taskkill /PID <pid> /T /F` ends a process
 *   and its whole tree, so no listing is needed.
 *
 * Every listed process carries its start time, so a pid reused by an unrelated process is never
 * killed. The operating system is reached through `ProcessSystem`, so each path is unit-tested
 * with fakes.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

/** A process as listed: its pid and its start time, so a reused pid is never mistaken for it. */
export interface ListedProcess {
  pid: number;
  /** When it started, as the platform says it (Linux: clock ticks since boot; ps: `lstart`). */
  startTime: string;
}

/** A process as the process table describes it. */
export interface ProcessStat extends ListedProcess {
  ppid: number;
  /** State letter(s): R running, S sleeping, Z zombie, ... */
  state: string;
}

/** What process-tree handling needs of the operating system (replaced by fakes in tests). */
export interface ProcessSystem {
  platform: NodeJS.Platform;
  /** Linux: the numeric entries of `/proc`. */
  procEntries(): string[];
  /** Linux: `/proc/<pid>/stat`, or null when the process is gone. */
  procStat(pid: number | string): string | null;
  /** Other Unix systems: the output of `ps -A -o pid=,ppid=,lstart=,stat=`, or "" when it fails. */
  ps(): string;
  /** Windows: `taskkill /PID <pid> /T /F` (ends the process and every descendant). */
  taskkill(pid: number): void;
  /** Sends a signal to a pid (or, negative, a process group). */
  kill(pid: number, signal: NodeJS.Signals): void;
}

/** The real operating system. */
export const SYSTEM: ProcessSystem = {
  platform: process.platform,
  procEntries() {
    try {
      return readdirSync("/proc").filter((entry) => /^\d+$/.test(entry));
    } catch {
      return [];
    }
  },
  procStat(pid) {
    try {
      return readFileSync(`/proc/${pid}/stat`, "utf8");
    } catch {
      return null;
    }
  },
  ps() {
    try {
      return execFileSync("ps", ["-A", "-o", "pid=,ppid=,lstart=,stat="], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], env: { ...process.env, LC_ALL: "C" } });
    } catch {
      return "";
    }
  },
  taskkill(pid) {
    try {
      execFileSync("taskkill", ["/PID", String(pid), "/T", "/F"], { stdio: "ignore", windowsHide: true });
    } catch {
      // Already gone (taskkill exits 128), or nothing left to end.
    }
  },
  kill(pid, signal) {
    process.kill(pid, signal);
  },
};

/** Every process the platform lists right now (none on Windows, which needs no listing). */
export function listProcesses(system: ProcessSystem = SYSTEM): ProcessStat[] {
  if (system.platform === "win32") return [];
  if (system.platform === "linux") {
    const out: ProcessStat[] = [];
    for (const entry of system.procEntries()) {
      const stat = parseProcStat(system.procStat(entry));
      if (stat !== null) out.push({ pid: Number(entry), ...stat });
    }
    return out;
  }
  return parsePs(system.ps());
}

/** Every live descendant of `root`. */
export function descendantsOf(root: number, system: ProcessSystem = SYSTEM): ListedProcess[] {
  const children = new Map<number, number[]>();
  const startTimes = new Map<number, string>();
  for (const { pid, ppid, startTime } of listProcesses(system)) {
    startTimes.set(pid, startTime);
    const list = children.get(ppid);
    if (list) list.push(pid);
    else children.set(ppid, [pid]);
  }
  const out: ListedProcess[] = [];
  const seen = new Set<number>([root]);
  const stack = [...(children.get(root) ?? [])];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    // A table read mid-change can show a cycle (a reused pid): each process once.
    if (seen.has(pid)) continue;
    seen.add(pid);
    out.push({ pid, startTime: startTimes.get(pid) ?? "" });
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
}

/**
 * SIGKILLs each listed process that is still the same process (same start time), ignoring the
 * gone. `justListed`: the list was taken a moment ago, so it is not checked again (on macOS that
 * would be another `ps`).
 */
export function killAll(processes: readonly ListedProcess[], system: ProcessSystem = SYSTEM, justListed = false): void {
  if (processes.length === 0 || system.platform === "win32") return;
  const now = justListed || system.platform === "linux" ? null : new Map(parsePs(system.ps()).map((p) => [p.pid, p.startTime]));
  for (const { pid, startTime } of processes) {
    if (!justListed) {
      const current = now ? now.get(pid) : parseProcStat(system.procStat(pid))?.startTime;
      if (current === undefined || current !== startTime) continue;
    }
    try {
      system.kill(pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
}

/**
 * Stops `pid` and what it started, as far as the platform allows: on Unix a signal to its process
 * group (it leads one: codexkit spawns it detached), on Windows `taskkill /T /F` on its tree
 * (Windows has no graceful signal for a console program, so every stop is forced).
 */
export function signalTree(pid: number, signal: NodeJS.Signals, system: ProcessSystem = SYSTEM): void {
  if (system.platform === "win32") {
    system.taskkill(pid);
    return;
  }
  system.kill(-pid, signal);
}

/** The fields of a `/proc/<pid>/stat` line codexkit uses, or null. */
export function parseProcStat(stat: string | null): { ppid: number; startTime: string; state: string } | null {
  if (stat === null) return null;
  // The command name may contain spaces and parentheses; fields resume after the last ")".
  const close = stat.lastIndexOf(")");
  if (close < 0) return null;
  const rest = stat.slice(close + 2).split(" ");
  // rest[0] is field 3 (state), so field N is rest[N - 3].
  const ppid = Number(rest[1]);
  if (!Number.isInteger(ppid) || rest[19] === undefined) return null;
  return { ppid, startTime: rest[19], state: rest[0] ?? "" };
}

/** The processes of `ps -A -o pid=,ppid=,lstart=,stat=` output (`lstart` is five words, e.g. "Mon Nov 30 09:13:51 2026"). */
export function parsePs(output: string): ProcessStat[] {
  const out: ProcessStat[] = [];
  for (const line of output.split("\n")) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 8) continue;
    const pid = Number(fields[0]);
    const ppid = Number(fields[1]);
    if (!Number.isInteger(pid) || !Number.isInteger(ppid)) continue;
    out.push({ pid, ppid, startTime: fields.slice(2, 7).join(" "), state: fields[7] ?? "" });
  }
  return out;
}
