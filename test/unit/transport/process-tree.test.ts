/** Listing and killing the processes a child started, guarded against reused pids (Linux). */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { descendantsOf, killAll } from "../../../src/transport/process-tree.js";

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
