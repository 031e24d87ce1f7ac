/**
 * Listing and killing the processes a child started, guarded against reused pids: for real on
 * Linux, and with a fake operating system for macOS, Linux and Windows; asynchronously for kills,
 * synchronously only for the exit hook.
 */
import { spawn } from "node:child_process";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  descendantsOf,
  findDescendants,
  killAll,
  killListed,
  listProcesses,
  parseProcStat,
  parsePs,
  scanProcesses,
  signalTree,
  signalTreeNow,
  SYSTEM,
  type ListedProcess,
  type ProcessSystem,
} from "../../../src/process/tree.js";

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

/** Waits for `check` to hold; the bound only stops a hang. */
async function until(check: () => boolean): Promise<void> {
  await vi.waitFor(() => expect(check()).toBe(true), { timeout: 5_000, interval: 20 });
}

describe.runIf(process.platform === "linux")("process tree", () => {
  it("lists grandchildren with start times, and kills only processes that are still the same", async () => {
    const child = spawn("sh", ["-c", "sleep 30 & sleep 30 & wait"], { detached: true, stdio: "ignore" });
    started.push(child.pid!);
    await until(() => descendantsOf(child.pid!).length === 2);
    const listed = await findDescendants(child.pid!);
    expect(listed.every((p) => p.startTime !== "" && alive(p.pid))).toBe(true);
    // The blocking listing of the exit hook sees the same processes.
    expect(descendantsOf(child.pid!).sort((a, b) => a.pid - b.pid)).toEqual([...listed].sort((a, b) => a.pid - b.pid));
    // A pid whose start time no longer matches is another process now: it must be left alone.
    await killAll([{ pid: listed[0]!.pid, startTime: "1" }]);
    expect(alive(listed[0]!.pid)).toBe(true);
    await killAll(listed);
    await until(() => listed.every((p) => !alive(p.pid) || isZombie(p.pid)));
  });

  it("lists nothing for a process without children", async () => {
    const child = spawn("sleep", ["30"], { detached: true, stdio: "ignore" });
    started.push(child.pid!);
    await until(() => alive(child.pid!));
    expect(await findDescendants(child.pid!)).toEqual([]);
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
    const reads = { async: 0, blocking: 0 };
    const procEntries = (): string[] => table.map((p) => String(p.pid));
    const procStat = (pid: number | string): string | null => {
      const p = table.find((entry) => entry.pid === Number(pid));
      // Field 22 (start time) is the 20th after the state; the name may hold spaces and parentheses.
      return p ? `${p.pid} (we (ird) name) S ${p.ppid} ${"0 ".repeat(17)}${p.start} 0 0` : null;
    };
    const ps = (): string => table.map((p) => `${p.pid} ${p.ppid} ${p.start} Ss`).join("\n");
    // Each asynchronous read answers on a later turn of the event loop, as the real ones do.
    const later = <T,>(value: T): Promise<T> => {
      reads.async++;
      return new Promise((resolve) => setImmediate(() => resolve(value)));
    };
    const blocking = <T,>(value: T): T => {
      reads.blocking++;
      return value;
    };
    const system: ProcessSystem = {
      platform,
      procEntries: () => later(procEntries()),
      procStat: (pid) => later(procStat(pid)),
      ps: () => later(ps()),
      taskkill: (pid) => {
        taskkilled.push(pid);
        return Promise.resolve();
      },
      kill: (pid, signal) => killed.push([pid, signal]),
      now: {
        procEntries: () => blocking(procEntries()),
        procStat: (pid) => blocking(procStat(pid)),
        ps: () => blocking(ps()),
        taskkill: (pid) => void taskkilled.push(pid),
      },
    };
    return { system, killed, taskkilled, reads };
  }
  const TABLE = [
    { pid: 10, ppid: 1, start: "Mon Nov 30 09:00:00 2026" },
    { pid: 11, ppid: 10, start: "Mon Nov 30 09:00:01 2026" },
    { pid: 12, ppid: 11, start: "Mon Nov 30 09:00:02 2026" },
    { pid: 13, ppid: 1, start: "Mon Nov 30 09:00:03 2026" },
  ];

  it("macOS: lists descendants from ps with their start times, and kills only those still the same, never blocking", async () => {
    const { system, killed, reads } = fake("darwin", TABLE);
    const listed = await findDescendants(10, system);
    expect(listed.sort((a, b) => a.pid - b.pid)).toEqual([
      { pid: 11, startTime: "Mon Nov 30 09:00:01 2026" },
      { pid: 12, startTime: "Mon Nov 30 09:00:02 2026" },
    ]);
    await killAll([...listed, { pid: 13, startTime: "Tue Dec 1 00:00:00 2026" }], system);
    expect(killed.sort()).toEqual([
      [11, "SIGKILL"],
      [12, "SIGKILL"],
    ]);
    await signalTree(10, "SIGTERM", system);
    expect(killed.at(-1)).toEqual([-10, "SIGTERM"]);
    expect(reads).toEqual({ async: 2, blocking: 0 });
  });

  it("Linux: reads /proc stat lines whose command names hold spaces and parentheses, without blocking", async () => {
    const numeric = TABLE.map((p, i) => ({ ...p, start: String(1000 + i) }));
    const { system, reads } = fake("linux", numeric);
    expect(await scanProcesses(system)).toContainEqual({ pid: 12, ppid: 11, startTime: "1002", state: "S" });
    expect((await findDescendants(10, system)).map((p) => p.pid).sort()).toEqual([11, 12]);
    expect(parseProcStat("garbage")).toBeNull();
    expect(reads.blocking).toBe(0);
  });

  it("Linux: reads a large /proc in bounded batches, every entry once", async () => {
    const many = Array.from({ length: 200 }, (_, i) => ({ pid: 100 + i, ppid: i === 0 ? 1 : 99 + i, start: String(i) }));
    const { system, reads } = fake("linux", many);
    expect(await scanProcesses(system)).toHaveLength(200);
    expect(reads.async).toBe(201);
    expect(await findDescendants(100, system)).toHaveLength(199);
  });

  it("the exit hook's listing and kill are synchronous, and read the same table", () => {
    for (const platform of ["linux", "darwin"] as const) {
      const { system, killed, reads } = fake(platform, TABLE.map((p, i) => ({ ...p, start: platform === "linux" ? String(1000 + i) : p.start })));
      const listed = descendantsOf(10, system);
      expect(listed.map((p) => p.pid).sort()).toEqual([11, 12]);
      expect(listProcesses(system)).toHaveLength(4);
      killListed(listed, system);
      signalTreeNow(10, "SIGKILL", system);
      expect(killed.map(([pid]) => pid).sort()).toEqual([-10, 11, 12]);
      expect(reads.async).toBe(0);
    }
  });

  it("Windows: lists nothing, and stops a tree with taskkill /T /F whatever the signal", async () => {
    const { system, killed, taskkilled } = fake("win32", TABLE);
    expect(await findDescendants(10, system)).toEqual([]);
    expect(descendantsOf(10, system)).toEqual([]);
    await killAll([{ pid: 11, startTime: "x" }], system);
    killListed([{ pid: 11, startTime: "x" }], system);
    await signalTree(10, "SIGTERM", system);
    await signalTree(10, "SIGKILL", system);
    signalTreeNow(10, "SIGKILL", system);
    expect(taskkilled).toEqual([10, 10, 10]);
    expect(killed).toEqual([]);
  });

  it("ps output: skips headers and malformed lines; a cycle in a table read mid-change ends", async () => {
    expect(parsePs("  PID  PPID STARTED\nnot a line\n 5 1 Mon Nov 30 09:00:00 2026 R+\n")).toEqual([{ pid: 5, ppid: 1, startTime: "Mon Nov 30 09:00:00 2026", state: "R+" }]);
    const { system } = fake("darwin", [
      { pid: 20, ppid: 21, start: "Mon Nov 30 09:00:00 2026" },
      { pid: 21, ppid: 20, start: "Mon Nov 30 09:00:00 2026" },
    ]);
    expect((await findDescendants(20, system)).map((p) => p.pid)).toEqual([21]);
  });
});

describe("Linux: descendants through the children files", () => {
  /** A fake Linux with children files, over a random process table. */
  function linux(table: ReadonlyArray<{ pid: number; ppid: number }>, withChildren: boolean): ProcessSystem & { reads: string[] } {
    const reads: string[] = [];
    const stat = (pid: number | string): string | null => {
      const p = table.find((entry) => entry.pid === Number(pid));
      return p ? `${p.pid} (x) S ${p.ppid} ${"0 ".repeat(17)}${p.pid * 7} 0 0` : null;
    };
    return {
      reads,
      platform: "linux",
      procEntries: () => Promise.resolve(table.map((p) => String(p.pid))),
      procStat: (pid) => (reads.push(`stat ${pid}`), Promise.resolve(stat(pid))),
      ...(withChildren
        ? {
            procChildren: (pid: number) => {
              reads.push(`children ${pid}`);
              return Promise.resolve(table.some((p) => p.pid === pid) ? table.filter((p) => p.ppid === pid).map((p) => p.pid) : null);
            },
          }
        : {}),
      ps: () => Promise.resolve(""),
      taskkill: () => Promise.resolve(),
      kill: () => {},
      now: { procEntries: () => [], procStat: () => null, ps: () => "", taskkill: () => {} },
    };
  }

  /** A forest of up to 40 processes: each pid's parent is an earlier pid or 1. */
  const table = fc
    .array(fc.nat(), { minLength: 1, maxLength: 40 })
    .map((parents) => parents.map((parent, index) => ({ pid: index + 2, ppid: index === 0 ? 1 : [1, ...parents.keys()].map((k) => k + 1)[parent % (index + 1)]! })));

  it("finds exactly what a scan of the whole table finds", async () => {
    await fc.assert(
      fc.asyncProperty(table, fc.nat(), async (processes, pick) => {
        const root = processes[pick % processes.length]!.pid;
        const walked = await findDescendants(root, linux(processes, true));
        const scanned = await findDescendants(root, linux(processes, false));
        const sorted = (list: ListedProcess[]): ListedProcess[] => [...list].sort((a, b) => a.pid - b.pid);
        expect(sorted(walked)).toEqual(sorted(scanned));
      }),
    );
  });

  it("reads only the tree, and falls back to the scan when the root's children cannot be read", async () => {
    const processes = [
      { pid: 10, ppid: 1 },
      { pid: 11, ppid: 10 },
      ...Array.from({ length: 50 }, (_, i) => ({ pid: 100 + i, ppid: 1 })),
    ];
    const system = linux(processes, true);
    expect(await findDescendants(10, system)).toEqual([{ pid: 11, startTime: "77" }]);
    expect(system.reads).toEqual(["children 10", "stat 11", "children 11"]);
    const gone = linux(processes, true);
    expect(await findDescendants(999, gone)).toEqual([]);
    expect(gone.reads.filter((read) => read.startsWith("stat")).length).toBe(processes.length);
  });

  it.runIf(process.platform === "linux")("finds a real child and grandchild through /proc", async () => {
    const child = spawn("sh", ["-c", "sleep 30 & wait"], { stdio: "ignore" });
    let found: ListedProcess[] = [];
    try {
      await expect.poll(async () => (found = await findDescendants(child.pid!)).length).toBe(1);
      // The child is sh (not a descendant of itself); sleep is sh's child: listed through the children files.
      expect(found[0]!.startTime).toMatch(/^\d+$/);
      expect(await SYSTEM.procChildren!(child.pid!)).toEqual([found[0]!.pid]);
    } finally {
      for (const { pid } of found) process.kill(pid, "SIGKILL");
      child.kill("SIGKILL");
    }
  });
});
