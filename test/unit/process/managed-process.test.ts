/**
 * `ManagedProcess` with stand-in Node child processes: lines, a kill that escalates, the exit error
 * with its redacted stderr, a spawn failure, a gentle retire, a kill that reaches the group, and
 * a kill whose listing of the process tree never blocks the event loop.
 */
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { CodexExitError, CodexSpawnError, Redactor } from "../../../src/errors/index.js";
import { ManagedProcess } from "../../../src/process/managed-process.js";
import { SYSTEM, listProcesses, type ProcessSystem } from "../../../src/process/tree.js";

const procs: ManagedProcess[] = [];
afterEach(async () => {
  await Promise.all(procs.splice(0).map((p) => p.kill(100)));
});

function node(script: string, redactor = new Redactor()): ManagedProcess {
  const proc = ManagedProcess.spawn({ executable: process.execPath, args: ["-e", script], env: { PATH: process.env.PATH ?? "" }, redactor });
  procs.push(proc);
  return proc;
}

async function lines(proc: ManagedProcess): Promise<string[]> {
  const out: string[] = [];
  for await (const line of proc.lines()) out.push(line);
  return out;
}

describe("ManagedProcess", () => {
  it("yields stdout lines and reports a clean exit", async () => {
    const proc = node(`process.stdout.write("one\\ntwo\\n\\nthree")`);
    expect(await lines(proc)).toEqual(["one", "two", "three"]);
    expect(await proc.exited).toEqual({ code: 0, signal: null });
    expect(proc.running).toBe(false);
  });

  it("describes a failed exit with the redacted tail of stderr", async () => {
    const proc = node(`process.stderr.write("token sk-abcdefghijklmnop leaked\\nfatal: broke\\n"); process.exit(3)`, new Redactor());
    await lines(proc);
    const error = proc.exitError("codex exec failed", new Error("write EPIPE"));
    expect(error).toBeInstanceOf(CodexExitError);
    expect(error.exitCode).toBe(3);
    expect(error.message).toContain("exit code 3");
    expect(error.message).toContain("fatal: broke");
    expect(error.message).not.toContain("sk-abcdefghijklmnop");
    expect(error.stderrTail).not.toContain("sk-abcdefghijklmnop");
    expect(error.cause).toBe("write EPIPE");
  });

  it("escalates to SIGKILL after the grace period when SIGTERM is ignored", async () => {
    const signals: string[] = [];
    const system: ProcessSystem = { ...SYSTEM, kill: (pid, signal) => (signals.push(signal), SYSTEM.kill(pid, signal)) };
    const script = `process.on("SIGTERM", () => {}); console.log("ready"); setInterval(() => {}, 1000)`;
    const proc = ManagedProcess.spawn({ executable: process.execPath, args: ["-e", script], env: { PATH: process.env.PATH ?? "" }, redactor: new Redactor(), system });
    procs.push(proc);
    const iterator = proc.lines()[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toBe("ready");
    const began = performance.now();
    expect(await proc.kill(150)).toEqual({ code: null, signal: "SIGKILL" });
    // The grace period is a scripted delay: the SIGKILL never comes before it (a lower bound only).
    expect(performance.now() - began).toBeGreaterThanOrEqual(140);
    expect(signals.filter((s) => s === "SIGTERM" || s === "SIGKILL")).toEqual(["SIGTERM", "SIGKILL"]);
  });

  it("kills what it started in its process group", async () => {
    const proc = node(
      `const c = require("child_process").spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" }); console.log(c.pid); setInterval(() => {}, 1000)`,
    );
    const iterator = proc.lines()[Symbol.asyncIterator]();
    const grandchild = Number((await iterator.next()).value);
    expect(listProcesses().some((p) => p.pid === grandchild)).toBe(true);
    await proc.kill(100);
    await expect.poll(() => listProcesses().some((p) => p.pid === grandchild && p.state !== "Z"), { timeout: 2_000, interval: 20 }).toBe(false);
  });

  it("a missing executable surfaces as CodexSpawnError from lines()", async () => {
    const proc = ManagedProcess.spawn({ executable: "/nonexistent/codex", args: [], env: {}, redactor: new Redactor() });
    await expect(lines(proc)).rejects.toBeInstanceOf(CodexSpawnError);
    expect((await proc.exited).spawnError?.code).toBe("ENOENT");
  });

  it("retire() closes stdin and lets the process end by itself", async () => {
    const proc = node(`process.stdin.resume(); process.stdin.on("end", () => process.exit(0))`);
    proc.setActive(false);
    proc.retire(5_000);
    expect(proc.retired).toBe(true);
    expect(await proc.exited).toEqual({ code: 0, signal: null });
  });

  it.runIf(process.platform !== "win32")("kills a tree without blocking the event loop; concurrent kills share one scan", async () => {
    // The real operating system, with every listing held until the test's own timer has ticked ten
    // times: a kill that blocked the event loop would never see its listing answer.
    const scans = { async: 0, blocking: 0 };
    let ticks = 0;
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const slow = <T,>(value: Promise<T>): Promise<T> => value.then(async (v) => (await released, v));
    let root = -1;
    const system: ProcessSystem = {
      ...SYSTEM,
      procEntries: () => (scans.async++, slow(SYSTEM.procEntries())),
      // Linux lists the tree through the children files: a listing starts with the root's.
      procChildren: (pid) => (pid === root && scans.async++, slow(SYSTEM.procChildren!(pid))),
      ps: () => (scans.async++, slow(SYSTEM.ps())),
      now: {
        ...SYSTEM.now,
        procEntries: () => (scans.blocking++, SYSTEM.now.procEntries()),
        ps: () => (scans.blocking++, SYSTEM.now.ps()),
      },
    };
    // A grandchild in a session of its own: no group kill reaches it, only the listed tree does.
    const script = `const c = require("child_process").spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { detached: true, stdio: "ignore" }); console.log(c.pid); setInterval(() => {}, 1000)`;
    const proc = ManagedProcess.spawn({ executable: process.execPath, args: ["-e", script], env: { PATH: process.env.PATH ?? "" }, redactor: new Redactor(), system });
    procs.push(proc);
    root = proc.pid ?? -1;
    const grandchild = Number((await proc.lines()[Symbol.asyncIterator]().next()).value);
    try {
      const killing = proc.kill(5_000);
      proc.killNow("SIGKILL");
      let ended = false;
      let endedBeforeListing: boolean | undefined;
      void killing.then(() => (ended = true));
      const timer = setInterval(() => {
        if (++ticks !== 10) return;
        endedBeforeListing = ended;
        release();
      }, 10);
      await killing;
      clearInterval(timer);
      // The kill waited for its listing, and the event loop ran the test's timer meanwhile.
      expect(endedBeforeListing).toBe(false);
      expect(scans).toEqual({ async: 1, blocking: 0 });
      await expect.poll(() => listProcesses().some((p) => p.pid === grandchild && p.state !== "Z"), { timeout: 2_000, interval: 20 }).toBe(false);
    } finally {
      try {
        process.kill(grandchild, "SIGKILL");
      } catch {
        // Killed by the test's kill, as it should be.
      }
    }
  });

  it.runIf(process.platform !== "win32")("freezes codex (SIGSTOP) while its tree is listed, so it does nothing more before the SIGTERM, then lets it act on it", async () => {
    const signals: string[] = [];
    let listing!: () => void;
    const listed = new Promise<void>((resolve) => (listing = resolve));
    const system: ProcessSystem = {
      ...SYSTEM,
      // The listing waits until the test has looked at the frozen process.
      procEntries: async () => {
        await listed;
        return SYSTEM.procEntries();
      },
      // Linux lists the tree through the children files: held the same way.
      procChildren: async (pid) => {
        await listed;
        return SYSTEM.procChildren!(pid);
      },
      kill: (pid, signal) => {
        signals.push(signal);
        SYSTEM.kill(pid, signal);
      },
    };
    // A process that writes a line every 10 ms: frozen, it writes nothing.
    const script = `let i = 0; setInterval(() => console.log(i++), 10)`;
    const proc = ManagedProcess.spawn({ executable: process.execPath, args: ["-e", script], env: { PATH: process.env.PATH ?? "" }, redactor: new Redactor(), system });
    procs.push(proc);
    const lines = proc.lines()[Symbol.asyncIterator]();
    await lines.next();
    const killing = proc.kill(5_000);
    try {
      expect(signals).toEqual(["SIGSTOP"]);
      if (process.platform === "linux") {
        const state = (): string => {
          const stat = readFileSync(`/proc/${proc.pid}/stat`, "utf8");
          return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
        };
        await expect.poll(state, { timeout: 2_000 }).toBe("T");
      }
    } finally {
      // Whatever an assertion said, the kill goes on, so nothing is left stopped.
      listing();
    }
    const exit = await killing;
    expect(signals.slice(0, 3)).toEqual(["SIGSTOP", "SIGTERM", "SIGCONT"]);
    expect(exit.signal).toBe("SIGTERM");
  });
});
