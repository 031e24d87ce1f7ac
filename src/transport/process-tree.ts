/**
 * Finds the processes a codex process started. codex runs some helpers (its shell snapshot) in
 * sessions of their own, where a process-group kill does not reach them; they must be listed
 * while codex is still alive, because once it exits they are re-parented and untraceable.
 */
import { readdirSync, readFileSync } from "node:fs";

/** A process as listed: its pid and its start time, so a reused pid is never mistaken for it. */
export interface ListedProcess {
  pid: number;
  /** Start time in clock ticks since boot (field 22 of `/proc/<pid>/stat`). */
  startTime: string;
}

/** A process as `/proc/<pid>/stat` describes it. */
export interface ProcessStat extends ListedProcess {
  ppid: number;
  /** One letter: R running, S sleeping, Z zombie, ... */
  state: string;
}

/** Every process `/proc` lists right now (Linux; empty elsewhere). */
export function listProcesses(): ProcessStat[] {
  if (process.platform !== "linux") return [];
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return [];
  }
  const out: ProcessStat[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = statOf(entry);
    if (stat !== null) out.push({ pid: Number(entry), ...stat });
  }
  return out;
}

/** Every live descendant of `root` (Linux `/proc`; empty elsewhere). */
export function descendantsOf(root: number): ListedProcess[] {
  const children = new Map<number, number[]>();
  const startTimes = new Map<number, string>();
  for (const { pid, ppid, startTime } of listProcesses()) {
    startTimes.set(pid, startTime);
    const list = children.get(ppid);
    if (list) list.push(pid);
    else children.set(ppid, [pid]);
  }
  const out: ListedProcess[] = [];
  const stack = [...(children.get(root) ?? [])];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    out.push({ pid, startTime: startTimes.get(pid) ?? "" });
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
}

function statOf(pid: string | number): { ppid: number; startTime: string; state: string } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name may contain spaces and parentheses; fields resume after the last ")".
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // rest[0] is field 3 (state), so field N is rest[N - 3].
    return { ppid: Number(rest[1]), startTime: rest[19] ?? "", state: rest[0] ?? "" };
  } catch {
    return null;
  }
}

/** SIGKILLs each listed process that is still the same process (same start time), ignoring the gone. */
export function killAll(processes: readonly ListedProcess[]): void {
  for (const { pid, startTime } of processes) {
    if (statOf(pid)?.startTime !== startTime) continue;
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
}
