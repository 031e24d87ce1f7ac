/** Listing and killing the processes a child started, guarded against reused pids: for real on Linux, and with a fake operating system for macOS, Linux and Windows. */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { descendantsOf, killAll, listProcesses, parseProcStat, parsePs, signalTree, type ProcessSystem } from "../../../src/transport/process-tree.js";

const started: number[] = [];
afterEach(() => {
  for (const pid of started.splice(0)) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // Gone already.
    }
  }
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.runIf(process.platform === "linux")("process tree", () => {
  it("lists grandchildren with start times, and kills only processes that are still the same", async () => {
    const child = spawn("sh", ["-c", "sleep 30 & sleep 30 & wait"], { detached: true, stdio: "ignore" });
    started.push(child.pid!);
    await until(() => descendantsOf(child.pid!).length === 2);
    const listed = descendantsOf(child.pid!);
    expect(listed.every((p) => p.startTime !== "" && alive(p.pid))).toBe(true);
    // A pid whose start time no longer matches is another process now: it must be left alone.
    killAll([{ pid: listed[0]!.pid, startTime: "1" }]);
    expect(alive(listed[0]!.pid)).toBe(true);
    killAll(listed);
    await until(() => listed.every((p) => !alive(p.pid) || isZombie(p.pid)));
  });

  it("lists nothing for a process without children", async () => {
    const child = spawn("sleep", ["30"], { detached: true, stdio: "ignore" });
    started.push(child.pid!);
    await until(() => alive(child.pid!));
    expect(descendantsOf(child.pid!)).toEqual([]);
  });
});

function isZombie(pid: number): boolean {
  try {
    return /\) Z /.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return true;
  }
}

describe("process tree on every platform (a fake operating system)", () => {
  /** A fake system: a process table, and a record of what was killed. */
  function fake(platform: NodeJS.Platform, table: Array<{ pid: number; ppid: number; start: string }>) {
    const killed: Array<[number, string]> = [];
    const taskkilled: number[] = [];
    const system: ProcessSystem = {
      platform,
      procEntries: () => table.map((p) => String(p.pid)),
      procStat: (pid) => {
        const p = table.find((entry) => entry.pid === Number(pid));
        // Field 22 (start time) is the 20th after the state; the name may hold spaces and parentheses.
        return p ? `${p.pid} (we (ird) name) S ${p.ppid} ${"0 ".repeat(17)}${p.start} 0 0` : null;
      },
      ps: () => table.map((p) => `${p.pid} ${p.ppid} ${p.start} Ss`).join("\n"),
      taskkill: (pid) => taskkilled.push(pid),
      kill: (pid, signal) => killed.push([pid, signal]),
    };
    return { system, killed, taskkilled };
  }
  const TABLE = [
    { pid: 10, ppid: 1, start: "Mon Nov 30 09:00:00 2026" },
    { pid: 11, ppid: 10, start: "Mon Nov 30 09:00:01 2026" },
    { pid: 12, ppid: 11, start: "Mon Nov 30 09:00:02 2026" },
    { pid: 13, ppid: 1, start: "Mon Nov 30 09:00:03 2026" },
  ];

  it("macOS: lists descendants from ps with their start times, and kills only those still the same", () => {
    const { system, killed } = fake("darwin", TABLE);
    const listed = descendantsOf(10, system);
    expect(listed.sort((a, b) => a.pid - b.pid)).toEqual([
      { pid: 11, startTime: "Mon Nov 30 09:00:01 2026" },
      { pid: 12, startTime: "Mon Nov 30 09:00:02 2026" },
    ]);
    killAll([...listed, { pid: 13, startTime: "Tue Dec 1 00:00:00 2026" }], system);
    expect(killed.sort()).toEqual([
      [11, "SIGKILL"],
      [12, "SIGKILL"],
    ]);
    signalTree(10, "SIGTERM", system);
    expect(killed.at(-1)).toEqual([-10, "SIGTERM"]);
  });

  it("Linux: reads /proc stat lines whose command names hold spaces and parentheses", () => {
    const numeric = TABLE.map((p, i) => ({ ...p, start: String(1000 + i) }));
    const { system } = fake("linux", numeric);
    expect(listProcesses(system)).toContainEqual({ pid: 12, ppid: 11, startTime: "1002", state: "S" });
    expect(descendantsOf(10, system).map((p) => p.pid).sort()).toEqual([11, 12]);
    expect(parseProcStat("garbage")).toBeNull();
  });

  it("Windows: lists nothing, and stops a tree with taskkill /T /F whatever the signal", () => {
    const { system, killed, taskkilled } = fake("win32", TABLE);
    expect(descendantsOf(10, system)).toEqual([]);
    killAll([{ pid: 11, startTime: "x" }], system);
    signalTree(10, "SIGTERM", system);
    signalTree(10, "SIGKILL", system);
    expect(taskkilled).toEqual([10, 10]);
    expect(killed).toEqual([]);
  });

  it("ps output: skips headers and malformed lines; a cycle in a table read mid-change ends", () => {
    expect(parsePs("  PID  PPID STARTED\nnot a line\n 5 1 Mon Nov 30 09:00:00 2026 R+\n")).toEqual([{ pid: 5, ppid: 1, startTime: "Mon Nov 30 09:00:00 2026", state: "R+" }]);
    const { system } = fake("darwin", [
      { pid: 20, ppid: 21, start: "Mon Nov 30 09:00:00 2026" },
      { pid: 21, ppid: 20, start: "Mon Nov 30 09:00:00 2026" },
    ]);
    expect(descendantsOf(20, system).map((p) => p.pid)).toEqual([21]);
  });
});
