/**
 * A service that runs for weeks, compressed: a child Node program (`--expose-gc`) runs 400
 * threads of one turn each on one client with `appServer: { maxThreads: 100 }`. codex never
 * unloads a thread, so only recycling bounds its memory; codexkit's own per-thread state must be
 * released. Measured from outside, as a supervisor would: codex processes are counted all along.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, expect } from "vitest";
import { MockModelServer, say, stream } from "../../../src/testing/index.js";
import { expectNoProcesses } from "../../helpers/processes.js";
import { linuxOnly } from "../../helpers/platform.js";
import type { SoakCheckpoint } from "../../fixtures/soak/client.js";

const CLIENT = fileURLToPath(new URL("../../fixtures/soak/client.ts", import.meta.url));
const THREADS = 400;
const MAX_THREADS = 100;

let model: MockModelServer | null = null;
let cwd: string | null = null;
let child: ChildProcess | null = null;
let sampler: NodeJS.Timeout | undefined;
afterEach(async () => {
  // A soak that failed half-way leaves neither its program nor its sampler running.
  clearInterval(sampler);
  if (child && child.exitCode === null && child.signalCode === null) {
    const gone = new Promise((resolve) => child!.once("close", resolve));
    process.kill(-child.pid!, "SIGKILL");
    await gone;
  }
  child = null;
  await model?.close();
  if (cwd) rmSync(cwd, { recursive: true, force: true });
  model = cwd = null;
});

/**
 * Live (not zombie) `codex app-server` processes started by `parent`. Only its children count: a
 * process codex forks shows codex's command line until it executes its own.
 */
function liveAppServers(parent: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // stat: "pid (comm) state ppid ..."; comm may hold spaces, so read after its closing parenthesis.
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const [state, ppid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(ppid) !== parent || state === "Z") continue;
      if (readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0")[1] === "app-server") pids.push(Number(entry));
    } catch {
      // Gone while we looked.
    }
  }
  return pids;
}

linuxOnly("reads codex's processes and their memory through /proc")(
  `${THREADS} threads × 1 turn with maxThreads ${MAX_THREADS}: codexkit's heap stays flat, codex's memory is bounded, never more than two codex processes, and an early thread keeps its history`,
  async () => {
    model = await MockModelServer.start({ fallback: stream([say("ok")]) });
    const options = { ...model.codexOptions(), transport: "app-server", appServer: { maxThreads: MAX_THREADS }, killGraceMs: 1_000 };
    const marker = `CODEX_HOME=${options.codexHome}`;
    cwd = mkdtempSync(path.join(os.tmpdir(), "codexkit-soak-"));
    const config = { options, cwd, threads: THREADS, checkpoints: [MAX_THREADS, THREADS] };
    // Its own process group, so a failed test can end the program and every codex it started.
    const program = spawn(process.execPath, ["--expose-gc", "--import", "tsx", CLIENT], {
      env: { ...process.env, CODEXKIT_SOAK: JSON.stringify(config) },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    child = program;
    let stdout = "";
    let stderr = "";
    program.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    program.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr = (stderr + chunk).slice(-10_000)));
    let mostProcesses = 0;
    const seen = new Set<number>();
    /** When each pid was first and last seen (ms since the start), to tell which overlapped. */
    const lifetimes = new Map<number, [number, number]>();
    const t0 = performance.now();
    // Sampled every 100 ms, so a short-lived third process could slip by: pool.test.ts proves the bound step by step.
    sampler = setInterval(() => {
      const pids = liveAppServers(program.pid!);
      const now = Math.round(performance.now() - t0);
      for (const pid of pids) {
        seen.add(pid);
        lifetimes.set(pid, [lifetimes.get(pid)?.[0] ?? now, now]);
      }
      mostProcesses = Math.max(mostProcesses, pids.length);
    }, 100);
    // "close", not "exit": the last lines may still be in the pipe when the process has exited.
    const exit = await new Promise<number | null>((resolve) => program.on("close", (code) => resolve(code)));
    clearInterval(sampler);
    expect(exit, `the soak program failed: ${stderr}`).toBe(0);

    const messages = stdout
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { stage: string } & Record<string, unknown>);
    const [atBound, atEnd] = messages.filter((m) => m.stage === "checkpoint") as unknown as SoakCheckpoint[];
    expect(atBound!.threads).toBe(MAX_THREADS);
    expect(atEnd!.threads).toBe(THREADS);

    // What the program keeps (compiled code, which grows as V8 optimizes, is not per thread).
    const heapPerThread = (atEnd!.dataHeapUsed - atBound!.dataHeapUsed) / (THREADS - MAX_THREADS);
    const withCode = (atEnd!.heapUsed - atBound!.heapUsed) / (THREADS - MAX_THREADS);
    console.log(`soak: heap ${Math.round(heapPerThread)} B per thread (${Math.round(withCode)} B with compiled code); codex RSS ${atBound!.codexRssBytes} → ${atEnd!.codexRssBytes} B`);
    expect(heapPerThread, `codexkit's heap grew ${Math.round(heapPerThread)} bytes per thread (${Math.round(withCode)} with compiled code)`).toBeLessThan(2_048);
    expect(atEnd!.codexRssBytes, `codex RSS: ${atBound!.codexRssBytes} at ${MAX_THREADS} threads, ${atEnd!.codexRssBytes} at ${THREADS}`).toBeLessThan(1.3 * atBound!.codexRssBytes);
    expect(mostProcesses, `codex app-servers alive at once (first and last seen, ms: ${JSON.stringify([...lifetimes])}; ${stderr.slice(-3000)})`).toBeLessThanOrEqual(2);
    // Recycled for real: a process for every hundred threads came and went.
    expect(seen.size).toBeGreaterThanOrEqual(THREADS / MAX_THREADS);

    // The first thread, from three processes ago, ran again with its history.
    const followUp = messages.find((m) => m.stage === "follow-up");
    expect(followUp).toMatchObject({ text: "ok" });
    const last = JSON.stringify(model.responseRequests().at(-1)!.body.input);
    expect(last).toContain("soak prompt 1\"");
    expect(last).toContain("soak follow-up");
    expect(last).not.toContain("soak prompt 2\"");
    await expectNoProcesses(marker, 5_000);
  },
  300_000,
);
