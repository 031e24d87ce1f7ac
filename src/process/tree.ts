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
 * killed. A kill lists without blocking the event loop (`fs/promises`, `ps` run asynchronously
 * with a time limit): a service must keep serving while one of its turns is stopped. Only the
 * exit hook lists synchronously: the program is ending there, and nothing asynchronous would
 * run. The operating system is reached through `ProcessSystem`, so each path is unit-tested
 * with fakes.
 */
import { execFile, execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";

/** How long one `ps` or `taskkill` may take before the kill goes on without it. */
const COMMAND_TIMEOUT_MS = 5_000;
/** The most output `ps` may give (about 200,000 processes). */
const PS_MAX_BUFFER = 16 * 1024 * 1024;
/** `/proc/<pid>/stat` files read at once: each read takes a thread-pool slot other I/O needs too. */
const STAT_READS_AT_ONCE = 32;
const PS_ARGS = ["-A", "-o", "pid=,ppid=,lstart=,stat="];
/** `ps` in the C locale, so `lstart` reads the same everywhere. */
const psEnv = (): NodeJS.ProcessEnv => ({ ...process.env, LC_ALL: "C" });

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

/** The operating system's reads, blocking: only for the exit hook (and tests that poll). */
export interface BlockingProcessReads {
  /** Linux: the numeric entries of `/proc`. */
  procEntries(): string[];
  /** Linux: `/proc/<pid>/stat`, or null when the process is gone. */
  procStat(pid: number | string): string | null;
  /** Other Unix systems: the output of `ps -A -o pid=,ppid=,lstart=,stat=`, or "" when it fails. */
  ps(): string;
  /** Windows: `taskkill /PID <pid> /T /F`, waited for. */
  taskkill(pid: number): void;
}

/** What process-tree handling needs of the operating system (replaced by fakes in tests). */
export interface ProcessSystem {
  platform: NodeJS.Platform;
  /** Linux: the numeric entries of `/proc`. */
  procEntries(): Promise<string[]>;
  /** Linux: `/proc/<pid>/stat`, or null when the process is gone. */
  procStat(pid: number | string): Promise<string | null>;
  /**
   * Linux: the children of `pid` (from `/proc/<pid>/task/<tid>/children`, every thread's), or
   * null when the kernel does not keep that file or the process is gone. Absent: every listing
   * scans the whole `/proc`.
   */
  procChildren?(pid: number): Promise<number[] | null>;
  /** Other Unix systems: the output of `ps -A -o pid=,ppid=,lstart=,stat=`, or "" when it fails or times out. */
  ps(): Promise<string>;
  /** Windows: `taskkill /PID <pid> /T /F` (ends the process and every descendant). */
  taskkill(pid: number): Promise<void>;
  /** Sends a signal to a pid (or, negative, a process group). */
  kill(pid: number, signal: NodeJS.Signals): void;
  /** The same reads, blocking, for the moment the program exits. */
  now: BlockingProcessReads;
}

/** The real operating system. */
export const SYSTEM: ProcessSystem = {
  platform: process.platform,
  async procEntries() {
    try {
      return (await readdir("/proc")).filter(isPid);
    } catch {
      return [];
    }
  },
  async procStat(pid) {
    try {
      return await readFile(`/proc/${pid}/stat`, "utf8");
    } catch {
      return null;
    }
  },
  async procChildren(pid) {
    try {
      const tasks = await readdir(`/proc/${pid}/task`);
      const lists = await Promise.all(tasks.map((task) => readFile(`/proc/${pid}/task/${task}/children`, "utf8")));
      return lists.flatMap((list) => list.split(" ").filter(isPid).map(Number));
    } catch {
      return null;
    }
  },
  ps() {
    return new Promise((resolve) => {
      execFile("ps", PS_ARGS, { encoding: "utf8", env: psEnv(), timeout: COMMAND_TIMEOUT_MS, maxBuffer: PS_MAX_BUFFER }, (error, stdout) => resolve(error ? "" : stdout));
    });
  },
  taskkill(pid) {
    // Fails when the tree is already gone (taskkill exits 128), or nothing is left to end: both fine.
    return new Promise((resolve) => {
      execFile("taskkill", ["/PID", String(pid), "/T", "/F"], { windowsHide: true, timeout: COMMAND_TIMEOUT_MS }, () => resolve());
    });
  },
  kill(pid, signal) {
    process.kill(pid, signal);
  },
  now: {
    procEntries() {
      try {
        return readdirSync("/proc").filter(isPid);
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
        return execFileSync("ps", PS_ARGS, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], env: psEnv(), timeout: COMMAND_TIMEOUT_MS, maxBuffer: PS_MAX_BUFFER });
      } catch {
        return "";
      }
    },
    taskkill(pid) {
      try {
        execFileSync("taskkill", ["/PID", String(pid), "/T", "/F"], { stdio: "ignore", windowsHide: true, timeout: COMMAND_TIMEOUT_MS });
      } catch {
        // Already gone (taskkill exits 128), or nothing left to end.
      }
    },
  },
};

function isPid(entry: string): boolean {
  return /^\d+$/.test(entry);
}

/** Every process the platform lists right now (none on Windows, which needs no listing), read without blocking. */
export async function scanProcesses(system: ProcessSystem = SYSTEM): Promise<ProcessStat[]> {
  if (system.platform === "win32") return [];
  if (system.platform !== "linux") return parsePs(await system.ps());
  const entries = await system.procEntries();
  const stats: Array<string | null> = [];
  for (let at = 0; at < entries.length; at += STAT_READS_AT_ONCE) {
    stats.push(...(await Promise.all(entries.slice(at, at + STAT_READS_AT_ONCE).map((entry) => system.procStat(entry)))));
  }
  return procTable(entries, stats);
}

/** The same list, read synchronously: for the exit hook, where nothing asynchronous runs, and for tests that poll. */
export function listProcesses(system: ProcessSystem = SYSTEM): ProcessStat[] {
  if (system.platform === "win32") return [];
  if (system.platform !== "linux") return parsePs(system.now.ps());
  const entries = system.now.procEntries();
  return procTable(
    entries,
    entries.map((entry) => system.now.procStat(entry)),
  );
}

/** The processes of `/proc` entries and their stat lines (same order). */
function procTable(entries: readonly string[], stats: ReadonlyArray<string | null>): ProcessStat[] {
  const out: ProcessStat[] = [];
  entries.forEach((entry, i) => {
    const stat = parseProcStat(stats[i] ?? null);
    if (stat !== null) out.push({ pid: Number(entry), ...stat });
  });
  return out;
}

/** Every descendant of `root` in a process table. */
function descendantsIn(table: readonly ProcessStat[], root: number): ListedProcess[] {
  const children = new Map<number, number[]>();
  const startTimes = new Map<number, string>();
  for (const { pid, ppid, startTime } of table) {
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

/** Every live descendant of `root`, listed without blocking. */
export async function findDescendants(root: number, system: ProcessSystem = SYSTEM): Promise<ListedProcess[]> {
  if (system.platform === "linux" && system.procChildren) {
    const walked = await walkChildren(root, system, system.procChildren.bind(system));
    if (walked !== null) return walked;
  }
  return descendantsIn(await scanProcesses(system), root);
}

/**
 * Linux: the descendants of `root`, found through each process's children files, reading only
 * the tree (a whole `/proc` scan reads every process on the machine: tens of milliseconds where a
 * few hundred run). Null when the root's children cannot be read; a descendant that exits
 * meanwhile is left out, as a scan would leave it.
 */
async function walkChildren(root: number, system: ProcessSystem, childrenOf: (pid: number) => Promise<number[] | null>): Promise<ListedProcess[] | null> {
  const first = await childrenOf(root);
  if (first === null) return null;
  const out: ListedProcess[] = [];
  const seen = new Set<number>([root]);
  let frontier = first;
  while (frontier.length > 0) {
    const fresh = frontier.filter((pid) => !seen.has(pid));
    for (const pid of fresh) seen.add(pid);
    const found = await Promise.all(
      fresh.map(async (pid) => {
        const stat = parseProcStat(await system.procStat(pid));
        return stat === null ? null : { process: { pid, startTime: stat.startTime }, children: (await childrenOf(pid)) ?? [] };
      }),
    );
    frontier = [];
    for (const entry of found) {
      if (entry === null) continue;
      out.push(entry.process);
      frontier.push(...entry.children);
    }
  }
  return out;
}

/** Every live descendant of `root`, listed synchronously (the exit hook; tests). */
export function descendantsOf(root: number, system: ProcessSystem = SYSTEM): ListedProcess[] {
  return descendantsIn(listProcesses(system), root);
}

/**
 * SIGKILLs each listed process that is still the same process (same start time, checked without
 * blocking), ignoring the gone.
 */
export async function killAll(processes: readonly ListedProcess[], system: ProcessSystem = SYSTEM): Promise<void> {
  if (processes.length === 0 || system.platform === "win32") return;
  let current: (pid: number) => Promise<string | undefined>;
  if (system.platform === "linux") {
    current = async (pid) => parseProcStat(await system.procStat(pid))?.startTime;
  } else {
    const table = new Map(parsePs(await system.ps()).map((p) => [p.pid, p.startTime]));
    current = (pid) => Promise.resolve(table.get(pid));
  }
  const checks = await Promise.all(processes.map(async (p) => ((await current(p.pid)) === p.startTime ? p : null)));
  killListed(checks.filter((p): p is ListedProcess => p !== null), system);
}

/** SIGKILLs each listed process without checking it again: the list was taken a moment ago. */
export function killListed(processes: readonly ListedProcess[], system: ProcessSystem = SYSTEM): void {
  if (system.platform === "win32") return;
  for (const { pid } of processes) {
    try {
      system.kill(pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
}

/**
 * Stops `pid` and what it started, as far as the platform allows: on Unix a signal to its process
 * group (it leads one: codexkit spawns it detached), sent before this returns; on Windows
 * `taskkill /T /F` on its tree (Windows has no graceful signal for a console program, so every
 * stop is forced), run without blocking. Rejects when there is no such group.
 */
export async function signalTree(pid: number, signal: NodeJS.Signals, system: ProcessSystem = SYSTEM): Promise<void> {
  if (system.platform === "win32") return system.taskkill(pid);
  system.kill(-pid, signal);
}

/** `signalTree`, waited for synchronously: for the exit hook. Throws when there is no such group. */
export function signalTreeNow(pid: number, signal: NodeJS.Signals, system: ProcessSystem = SYSTEM): void {
  if (system.platform === "win32") system.now.taskkill(pid);
  else system.kill(-pid, signal);
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
