/**
 * `npm run bench`: codexkit against the official `@openai/codex-sdk` and a raw app-server loop,
 * all driving the same pinned codex binary against the offline mock model. Measurements only, no
 * assertions. The report (markdown) goes to stdout, progress to stderr, and a JSON report with
 * every sample to `.bench/bench-<time>.json` and `.bench/latest.json`.
 *
 * Sections (BENCH_ONLY=phases,b,... runs only those; BENCH_SKIP=... skips some):
 *   phases: by phase, each against the raw floor in the same run, medians of BENCH_PHASE_REPEAT (5)
 *       interleaved runs, then the targets met or not (see phases/index.ts): import, one-shot
 *       script, cold first turn, steady turn, client CPU per turn, time to turn.started, close(),
 *       first turn after start(), turn 100 vs turn 1, 64 threads × 3 turns, memory per idle
 *       thread. BENCH_PHASES=import,oneshot,turns,start,conversation,concurrent,memory picks
 *       phases; BENCH_PROFILE=1 adds a CPU profile of 100 steady turns (.bench/*.cpuprofile).
 *   (b) BENCH_THREADS (8) threads × BENCH_THREAD_TURNS (3) turns at once on one client, every
 *       contender: wall time, peak RSS; median of BENCH_CONCURRENT_REPEAT (1) runs
 *   (d) one tool call per turn: in process, a bridged MCP server, codex's own MCP client;
 *       median over BENCH_MCP_TURNS (10) turns (see mcp.ts)
 *   (e) a BENCH_TURNS (10) turn conversation with and without an OpenTelemetry tracer and meter,
 *       both codexkit transports; median of BENCH_OTEL_REPEAT (7) runs (see telemetry.ts)
 *   (f) staging a file against a plain copy, and re-staging known content; median of
 *       BENCH_FILES_REPEAT (5) (see files.ts)
 *   (g) soak: BENCH_SOAK_THREADS (1000; 0 skips it) threads × 1 turn on one client, recycled and
 *       with idle threads unloaded: heap per thread, codex RSS over time, latency around a recycle
 *       (see soak.ts)
 *   (h) the queue (codexkit/queue) on a private redis-server: overhead per turn against a plain Codex,
 *       turns/s with 1, 2 and 4 worker processes, recovery after a worker is SIGKILLed mid-turn;
 *       BENCH_QUEUE=0 skips it, BENCH_QUEUE_* set it (see queue.ts)
 * (The former (a) 10-turn total and (c) time to first event are the phases' cold, steady and
 * turn.started figures.) Also: BENCH_TURN_TIMEOUT_MS (60000), BENCH_KEEP_HOME=1 (codex keeps the
 * real HOME instead of an empty one per client).
 *
 * Every run gets a fresh CODEX_HOME and working directory under one temp root, removed at the end.
 * Contenders run interleaved (round-robin, rotating who goes first) after one warm-up turn each.
 * A contender that throws is reported as `n/a (reason)`; the others carry on.
 */
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { MockModelServer, say, stream } from "../src/testing/index.js";
import { mcpToolCalls } from "./mcp.js";
import { tracingOverhead } from "./telemetry.js";
import { stagingThroughput } from "./files.js";
import { soakSection } from "./soak.js";
import { queueSection } from "./queue.js";
import { CONTENDERS, type ContenderId } from "./contenders.js";
import { BINARY, ISOLATE_HOME, PROMPT, Workspace, envInt, envList, errorMessage, loadAverage, progress, roundRobin, warmUp, withClient, type Failures } from "./harness.js";
import { BENCH_DIR, machineInfo, writeJsonReport } from "./json-report.js";
import { PHASE_REPEAT, phasesSection } from "./phases/index.js";
import { RSS_SUPPORTED, RssSampler, type RssReport } from "./rss.js";
import { markdownTable, median, mib, ms, notAvailable, range, ratio } from "./table.js";

const TURNS = envInt("BENCH_TURNS", 10);
const THREADS = envInt("BENCH_THREADS", 8);
const THREAD_TURNS = envInt("BENCH_THREAD_TURNS", 3);
/** Repetitions of (b); few by default, as exec's 24 process starts per run are slow on a small machine. */
const CONCURRENT_REPEAT = envInt("BENCH_CONCURRENT_REPEAT", 1);
const MCP_TURNS = envInt("BENCH_MCP_TURNS", 10);
/** Runs of each variant in (e); small differences need many. */
const OTEL_REPEAT = envInt("BENCH_OTEL_REPEAT", 7);
/** Runs of each staging measurement in (f). */
const FILES_REPEAT = envInt("BENCH_FILES_REPEAT", 5);
/** Threads of the soak (g); BENCH_SOAK_THREADS=0 skips it. */
const SOAK_THREADS = process.env.BENCH_SOAK_THREADS === "0" ? 0 : envInt("BENCH_SOAK_THREADS", 1000);
const RSS_INTERVAL_MS = 25;

/** Section ids, in report order. */
const SECTIONS = ["phases", "b", "d", "e", "f", "g", "h"] as const;
type SectionId = (typeof SECTIONS)[number];
const ONLY = envList("BENCH_ONLY");
const SKIP = envList("BENCH_SKIP") ?? [];
/** Whether a section runs: BENCH_ONLY / BENCH_SKIP, and the older switches BENCH_SOAK_THREADS=0 and BENCH_QUEUE=0. */
function sectionRuns(id: SectionId): boolean {
  if (ONLY && !ONLY.includes(id)) return false;
  if (SKIP.includes(id)) return false;
  if (id === "g" && SOAK_THREADS === 0) return false;
  if (id === "h" && process.env.BENCH_QUEUE === "0") return false;
  return true;
}

/** One run of scenario (b). */
interface ConcurrentRun {
  wallMs: number;
  rss: RssReport;
}

/** (b) THREADS threads × THREAD_TURNS turns at once on one client; wall time and peak RSS of its processes. */
async function concurrency(workspace: Workspace, failures: Failures): Promise<string> {
  const { samples, failed } = await roundRobin("(b)", CONCURRENT_REPEAT, failures, async (contender, rep) => {
    const setup = workspace.setup(`b${rep}-${contender.id}`);
    const sampler = new RssSampler(`CODEX_HOME=${setup.home}`, RSS_INTERVAL_MS);
    sampler.start();
    const startedAt = performance.now();
    try {
      return await withClient(contender, setup, async (client): Promise<ConcurrentRun> => {
        const threads = Array.from({ length: THREADS }, () => client.startThread());
        await Promise.all(threads.map(async (thread) => {
          for (let turn = 0; turn < THREAD_TURNS; turn++) await thread.run(PROMPT);
        }));
        return { wallMs: performance.now() - startedAt, rss: sampler.stop() };
      });
    } finally {
      sampler.stop();
    }
  });
  const summary = new Map<ContenderId, { wall: number; rss: number; procs: number; heap: number; sampleMs: number; walls: number[] }>();
  for (const [id, runs] of samples) {
    if (runs.length === 0 || failed.has(id)) continue;
    summary.set(id, {
      wall: median(runs.map((r) => r.wallMs)),
      walls: runs.map((r) => r.wallMs),
      rss: median(runs.map((r) => r.rss.peakRssBytes)),
      procs: Math.max(...runs.map((r) => r.rss.peakProcesses)),
      heap: median(runs.map((r) => r.rss.peakHeapBytes)),
      sampleMs: median(runs.map((r) => r.rss.meanSampleMs)),
    });
  }
  const floor = summary.get("raw");
  const officialRun = summary.get("official");
  const rows = CONTENDERS.map((contender) => {
    const reason = failed.get(contender.id);
    const s = summary.get(contender.id);
    if (reason !== undefined || s === undefined) return [contender.label, notAvailable(reason ?? "no runs"), "", "", "", "", "", "", ""];
    return [
      contender.label,
      ms(s.wall),
      range(s.walls),
      ratio(s.wall, floor?.wall),
      ratio(s.wall, officialRun?.wall),
      RSS_SUPPORTED ? mib(s.rss) : "–",
      RSS_SUPPORTED ? ratio(s.rss, officialRun?.rss) : "–",
      RSS_SUPPORTED ? String(s.procs) : "–",
      mib(s.heap),
    ];
  });
  const sampleCost = median([...summary.values()].map((s) => s.sampleMs));
  return [
    `## (b) ${THREADS} threads × ${THREAD_TURNS} turns at once on one client`,
    "",
    `Wall time from creating the client until every thread finished; peak RSS = highest sum of VmRSS over all processes whose environment has this run's CODEX_HOME (codex and its descendants), sampled every ${RSS_INTERVAL_MS} ms; median of ${CONCURRENT_REPEAT} (BENCH_CONCURRENT_REPEAT). codexkit (exec), the official SDK and the raw floor are there for information.`,
    "",
    markdownTable(
      ["contender", "wall (median)", "min–max", "× floor", "× official SDK", "peak RSS (codex processes)", "RSS × official", "peak processes", "node heap peak"],
      rows,
    ),
    "",
    RSS_SUPPORTED
      ? `Summed RSS counts shared pages (the binary) once per process. "node heap peak" is V8 heap used by this benchmark process (mock server included) during the run, not part of the RSS sum. One RSS sample took ${ms(sampleCost)} on average.`
      : "RSS needs /proc (Linux); not measured on this platform.",
  ].join("\n");
}

function header(): string {
  const cpus = os.cpus();
  const machine = machineInfo(BINARY);
  return [
    "# codexkit benchmark",
    "",
    `- codex: ${String(machine.codex)} (${BINARY})`,
    `- machine: ${cpus.length} × ${cpus[0]?.model ?? "unknown cpu"}, ${mib(os.totalmem())} RAM, ${os.platform()} ${os.release()} ${os.arch()}`,
    `- node: ${process.version}; load average (1, 5, 15 min) at start: ${loadAverage()}`,
    `- model: MockModelServer on loopback, every request answered with say("ok"); same binary for every contender`,
    `- HOME for codex: ${ISOLATE_HOME ? "an empty dir per client (BENCH_KEEP_HOME=1 keeps the real one)" : "the real one (BENCH_KEEP_HOME=1)"}`,
    `- sections: ${SECTIONS.filter(sectionRuns).join(", ")} (BENCH_ONLY, BENCH_SKIP)`,
    `- settings: BENCH_PHASE_REPEAT=${PHASE_REPEAT}, BENCH_PHASES=${process.env.BENCH_PHASES ?? "(all)"}, BENCH_PROFILE=${process.env.BENCH_PROFILE ?? "(none)"}, BENCH_THREADS=${THREADS}, BENCH_THREAD_TURNS=${THREAD_TURNS}, BENCH_CONCURRENT_REPEAT=${CONCURRENT_REPEAT}, BENCH_TURNS=${TURNS}, BENCH_MCP_TURNS=${MCP_TURNS}, BENCH_OTEL_REPEAT=${OTEL_REPEAT}, BENCH_FILES_REPEAT=${FILES_REPEAT}, BENCH_SOAK_THREADS=${SOAK_THREADS}`,
  ].join("\n");
}

async function main(): Promise<void> {
  const startedAt = performance.now();
  const loadAtStart = os.loadavg();
  console.log(`${header()}\n`);
  const sections: Record<string, unknown> = {};
  const report: Record<string, unknown> = {
    startedAt: new Date().toISOString(),
    machine: { ...machineInfo(BINARY), loadAverageAtStart: loadAtStart },
    settings: Object.fromEntries(Object.entries(process.env).filter(([key]) => key.startsWith("BENCH_"))),
    sections,
  };
  const failures: Failures = new Map();
  let jsonFile: string | undefined;
  if (sectionRuns("phases")) {
    try {
      const phases = await phasesSection(failures);
      console.log(`${phases.markdown}\n`);
      report.phases = phases.data;
    } catch (error) {
      console.log(`## Phases\n\nn/a (${errorMessage(error)})\n`);
      report.phases = { error: errorMessage(error) };
    }
    // Written now too, so a later section that fails does not lose the phases.
    jsonFile = writeJsonReport(report);
  }
  const others: { id: SectionId; run: (model: MockModelServer, workspace: Workspace) => Promise<string> }[] = [
    { id: "b", run: (_model, workspace) => concurrency(workspace, failures) },
    { id: "d", run: (_model, workspace) => mcpToolCalls(workspace.root, MCP_TURNS, progress) },
    { id: "e", run: (_model, workspace) => tracingOverhead(workspace.root, TURNS, OTEL_REPEAT, progress) },
    { id: "f", run: (_model, workspace) => stagingThroughput(workspace.root, FILES_REPEAT, progress) },
    { id: "g", run: (model, workspace) => soakSection(model, workspace.root, SOAK_THREADS, progress) },
    { id: "h", run: (_model, workspace) => queueSection(workspace.root, BINARY, progress) },
  ];
  const selected = others.filter((section) => sectionRuns(section.id));
  let footer: string[] = [];
  if (selected.length > 0) {
    const model = await MockModelServer.start({ fallback: stream([say("ok")]) });
    const workspace = new Workspace(model);
    let leftovers = "not checked";
    try {
      if (!sectionRuns("phases")) await warmUp(workspace, failures);
      for (const section of selected) {
        const text = await section.run(model, workspace);
        sections[section.id] = text;
        console.log(`${text}\n`);
      }
    } finally {
      await model.close();
      leftovers = await workspace.cleanUp();
    }
    footer = [`Sections b–h: model requests served: ${model.responseRequests().length}. Processes left behind: ${leftovers}.`];
  }
  const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
  report.finishedAt = new Date().toISOString();
  report.seconds = Number(seconds);
  (report.machine as Record<string, unknown>).loadAverageAtEnd = os.loadavg();
  jsonFile = writeJsonReport(report);
  for (const line of footer) console.log(line);
  console.log(`Benchmark took ${seconds} s; load average at the end: ${loadAverage()}. JSON report: ${path.relative(process.cwd(), jsonFile)} (and ${path.relative(process.cwd(), path.join(BENCH_DIR, "latest.json"))}).`);
  if (Math.max(loadAtStart[0] ?? 0, os.loadavg()[0] ?? 0) > os.cpus().length) {
    console.log(`Note: the load average exceeded the ${os.cpus().length} CPUs, so other work competed with the contenders; expect noisy timings (exec most of all).`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
