/**
 * The program of the memory phase (memory.ts runs it with `--expose-gc`): one client, started,
 * one warm-up thread with one turn, then BENCH_PHASE_IDLE_THREADS more threads of one turn each,
 * kept loaded and idle. Before and after those threads it measures this process's heap after a
 * full collection (without V8's code space, which grows as functions are optimized) and the
 * summed RSS of the codex processes carrying its CODEX_HOME. Configured by the JSON in
 * CODEXKIT_BENCH_MEMORY; prints one JSON line.
 */
import { getHeapSpaceStatistics } from "node:v8";
import { Codex, type CodexConfigObject } from "../../src/index.js";
import { flattenConfig } from "../../src/config/index.js";
import { RawAppServer } from "../raw-app-server.js";
import { RssSampler } from "../rss.js";

/** What memory.ts sends. */
export interface MemoryJob {
  client: "codexkit" | "raw";
  binary: string;
  codexHome: string;
  cwd: string;
  config: CodexConfigObject;
  env: Record<string, string>;
  threads: number;
  prompt: string;
  turnTimeoutMs: number;
}

/** One measurement. */
export interface MemoryPoint {
  heapBytes: number;
  dataHeapBytes: number;
  codexRssBytes: number;
}

/** What the program prints. */
export interface MemoryReport {
  before: MemoryPoint;
  after: MemoryPoint;
  threads: number;
}

const job = JSON.parse(process.env.CODEXKIT_BENCH_MEMORY ?? "{}") as MemoryJob;
const sampler = new RssSampler(`CODEX_HOME=${job.codexHome}`);

async function measure(): Promise<MemoryPoint> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("run with --expose-gc");
  // Idle for a moment (late notifications, timers), then two full collections with a pause for the sweeper.
  await new Promise((resolve) => setTimeout(resolve, 300));
  gc();
  await new Promise((resolve) => setTimeout(resolve, 50));
  gc();
  const code = getHeapSpaceStatistics().find((space) => space.space_name === "code_space")?.space_used_size ?? 0;
  const { heapUsed } = process.memoryUsage();
  return { heapBytes: heapUsed, dataHeapBytes: heapUsed - code, codexRssBytes: sampler.currentRssBytes() };
}

/** Runs `threads` + 1 threads of one turn each with `runThread`, measuring after the first and at the end. */
async function load(runThread: () => Promise<unknown>): Promise<MemoryReport> {
  const kept: unknown[] = [await runThread()];
  const before = await measure();
  for (let i = 0; i < job.threads; i++) kept.push(await runThread());
  const after = await measure();
  if (kept.length !== job.threads + 1) throw new Error("threads lost");
  return { before, after, threads: job.threads };
}

let report: MemoryReport;
if (job.client === "codexkit") {
  const codex = new Codex({ transport: "app-server", codexPathOverride: job.binary, codexHome: job.codexHome, config: job.config, env: job.env });
  try {
    await codex.start();
    report = await load(async () => {
      const thread = codex.startThread({ workingDirectory: job.cwd, skipGitRepoCheck: true, sandboxMode: "read-only", approvalPolicy: "never" });
      await thread.run(job.prompt, { signal: AbortSignal.timeout(job.turnTimeoutMs) });
      return thread;
    });
  } finally {
    await codex.close();
  }
} else {
  const rpc = await RawAppServer.start({ binary: job.binary, config: flattenConfig(job.config), env: job.env });
  try {
    report = await load(async () => {
      const id = await rpc.startThread(job.cwd);
      await rpc.runTurn(id, job.prompt, job.turnTimeoutMs);
      return id;
    });
  } finally {
    await rpc.close();
  }
}
process.stdout.write(`${JSON.stringify(report)}\n`);
