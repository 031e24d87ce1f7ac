/**
 * (g) Soak: one client runs BENCH_SOAK_THREADS (1000) threads of one turn each, one after another,
 * in a child Node program with `--expose-gc` (the soak test's program, test/fixtures/soak), as a
 * service that runs for weeks would. Two settings: the default (the app-server is recycled past
 * `maxThreads` 256), and idle threads unloaded after a second (`idleThreadMs: 1000`, recycling
 * out of reach). Reported: codexkit's heap per thread, codex's RSS over time, and turn latency
 * around each recycle.
 */
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { MockModelServer } from "../src/testing/index.js";
import type { SoakCheckpoint } from "../test/fixtures/soak/client.js";
import { markdownTable, median, mib, ms } from "./table.js";

const CLIENT = fileURLToPath(new URL("../test/fixtures/soak/client.ts", import.meta.url));

interface SoakRun {
  label: string;
  checkpoints: SoakCheckpoint[];
  latencies: number[];
  recycledAt: number[];
}

/** Runs the soak program once with `appServer` settings; its model is `model`. */
async function soak(model: MockModelServer, root: string, threads: number, label: string, appServer: Record<string, number>): Promise<SoakRun> {
  const base = model.codexOptions({ codexHome: mkdtempSync(path.join(root, "soak-home-")) });
  const options = { ...base, transport: "app-server", appServer };
  const cwd = mkdtempSync(path.join(root, "soak-cwd-"));
  const checkpoints = [...new Set([...Array.from({ length: Math.floor(threads / 100) }, (_, i) => (i + 1) * 100), threads])];
  const child = spawn(process.execPath, ["--expose-gc", "--import", "tsx", CLIENT], {
    env: { ...process.env, CODEXKIT_SOAK: JSON.stringify({ options, cwd, threads, checkpoints }) },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let stdout = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  // "close", not "exit": the last lines may still be in the pipe when the process has exited.
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  if (code !== 0) throw new Error(`the soak program exited with ${code}`);
  const messages = stdout.split("\n").filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
  const last = messages.find((m) => m.stage === "latencies") as { ms: number[]; recycledAt: number[] };
  return { label, checkpoints: messages.filter((m) => m.stage === "checkpoint") as unknown as SoakCheckpoint[], latencies: last.ms, recycledAt: last.recycledAt };
}

/** The largest of `values[from..to)`. */
function maxOf(values: readonly number[], from: number, to: number): number {
  return Math.max(...values.slice(Math.max(0, from), Math.min(values.length, to)));
}

/** Runs the section; `root` holds every directory it makes (removed by the caller). */
export async function soakSection(model: MockModelServer, root: string, threads: number, progress: (message: string) => void): Promise<string> {
  const runs: SoakRun[] = [];
  for (const [label, appServer] of [
    ["recycled (maxThreads 256)", {}],
    ["idle threads unloaded (idleThreadMs 1000)", { idleThreadMs: 1_000, maxThreads: 10_000 }],
  ] as const) {
    progress(`(g) ${threads} threads, ${label}`);
    runs.push(await soak(model, root, threads, label, appServer));
  }
  const lines = [`## (g) Soak: ${threads} threads × 1 turn on one client`, ""];
  lines.push(
    "A child program with `--expose-gc` runs one turn per thread, one thread after another; the heap is measured after a full collection, codex's RSS summed over the app-servers the program started. Heap per thread is the growth from thread 100 to the end, divided by the threads in between, without V8's compiled code (it grows as functions are optimized, not with what codexkit keeps).",
    "",
  );
  const summary: string[][] = [];
  for (const run of runs) {
    const first = run.checkpoints[0]!;
    const end = run.checkpoints.at(-1)!;
    const perThread = (end.dataHeapUsed - first.dataHeapUsed) / Math.max(1, end.threads - first.threads);
    const overall = median(run.latencies);
    const around = run.recycledAt.map((at) => maxOf(run.latencies, at - 1, at + 3));
    summary.push([
      run.label,
      `${perThread.toFixed(0)} B`,
      `${mib(first.codexRssBytes)} → ${mib(end.codexRssBytes)}`,
      String(run.recycledAt.length),
      ms(overall),
      ms(Math.max(...run.latencies)),
      around.length ? ms(Math.max(...around)) : "–",
    ]);
  }
  lines.push(markdownTable(["setting", "codexkit heap / thread", "codex RSS (100 → end)", "recycles", "turn (median)", "turn (max)", "max turn around a recycle"], summary), "");
  const rows = runs[0]!.checkpoints.map((c, i) => [String(c.threads), ...runs.flatMap((run) => [mib(run.checkpoints[i]?.codexRssBytes ?? NaN), String(run.checkpoints[i]?.codexPids.length ?? "–"), mib(run.checkpoints[i]?.heapUsed ?? NaN)])]);
  lines.push("codex RSS, live app-servers and codexkit heap over time:", "");
  lines.push(markdownTable(["threads", ...runs.flatMap((run) => [`RSS (${run.label})`, "processes", "heap"])], rows));
  return lines.join("\n");
}
