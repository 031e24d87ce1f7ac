/**
 * `npm run bench`: codexkit against the official `@openai/codex-sdk` and a raw app-server loop,
 * all driving the same pinned codex binary against the offline mock model. Measurements only, no
 * assertions: the report (markdown, on stdout) ends with which targets were met. Progress goes
 * to stderr.
 *
 * Scenarios:
 *   (a) one thread, BENCH_TURNS (10) turns, each one model reply; median of BENCH_REPEAT (3) runs
 *   (b) BENCH_THREADS (8) threads × BENCH_THREAD_TURNS (3) turns at once on one client: wall time, peak RSS;
 *       median of BENCH_CONCURRENT_REPEAT (1) runs
 *   (c) time from starting a turn to its first event, median over BENCH_LATENCY_TURNS (10) turns
 *   (d) one tool call per turn: in process, a bridged MCP server, codex's own MCP client;
 *       median over BENCH_MCP_TURNS (10) turns (see mcp.ts)
 *   (e) the conversation of (a) with and without an OpenTelemetry tracer and meter, both codexkit
 *       transports; median of BENCH_OTEL_REPEAT (7) runs (see telemetry.ts)
 *   (f) staging a file against a plain copy, and re-staging known content; median of
 *       BENCH_FILES_REPEAT (5) (see files.ts)
 *   (g) soak: BENCH_SOAK_THREADS (1000) threads × 1 turn on one client, recycled and with idle
 *       threads unloaded: heap per thread, codex RSS over time, latency around a recycle (see soak.ts)
 *   (h) the queue (codexkit/queue) on a private redis-server: overhead per turn against a plain Codex,
 *       turns/s with 1, 2 and 4 worker processes, recovery after a worker is SIGKILLed mid-turn;
 *       BENCH_QUEUE=0 skips it, BENCH_QUEUE_* set it (see queue.ts)
 *
 * Every run gets a fresh CODEX_HOME and working directory under one temp root, removed at the end.
 * Contenders run interleaved (round-robin, rotating who goes first) after one warm-up turn each.
 * A contender that throws is reported as `n/a (reason)`; the others carry on.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { MockModelServer, say, stream } from "../src/testing/index.js";
import { resolveCodexBinary } from "../src/transport/binary.js";
import { mcpToolCalls } from "./mcp.js";
import { tracingOverhead } from "./telemetry.js";
import { stagingThroughput } from "./files.js";
import { soakSection } from "./soak.js";
import { queueSection } from "./queue.js";
import { CONTENDERS, type BenchClient, type BenchThread, type ClientSetup, type Contender, type ContenderId } from "./contenders.js";
import { RSS_SUPPORTED, RssSampler, type RssReport } from "./rss.js";
import { markdownTable, median, mib, ms, notAvailable, range, ratio } from "./table.js";

/** A positive integer from the environment, or `fallback`. */
function envInt(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

const REPEAT = envInt("BENCH_REPEAT", 3);
const TURNS = envInt("BENCH_TURNS", 10);
const THREADS = envInt("BENCH_THREADS", 8);
const THREAD_TURNS = envInt("BENCH_THREAD_TURNS", 3);
/** Repetitions of (b); fewer than (a) by default, as exec's 24 process starts per run are slow on a small machine. */
const CONCURRENT_REPEAT = envInt("BENCH_CONCURRENT_REPEAT", 1);
const LATENCY_TURNS = envInt("BENCH_LATENCY_TURNS", 10);
const MCP_TURNS = envInt("BENCH_MCP_TURNS", 10);
/** Runs of each variant in (e); small differences need more than (a)'s. */
const OTEL_REPEAT = envInt("BENCH_OTEL_REPEAT", 7);
/** Runs of each staging measurement in (f). */
const FILES_REPEAT = envInt("BENCH_FILES_REPEAT", 5);
/** Threads of the soak (g); BENCH_SOAK_THREADS=0 skips it. */
const SOAK_THREADS = process.env.BENCH_SOAK_THREADS === "0" ? 0 : envInt("BENCH_SOAK_THREADS", 1000);
/** The queue section (h); BENCH_QUEUE=0 skips it. */
const QUEUE = process.env.BENCH_QUEUE !== "0";
const TURN_TIMEOUT_MS = envInt("BENCH_TURN_TIMEOUT_MS", 60_000);
const RSS_INTERVAL_MS = 25;
/**
 * codex snapshots the user's login shell (`bash -lc` reading ~/.bashrc) for every thread on
 * app-server and for every process on exec. What that costs depends on the machine's profile,
 * not on the SDK (a profile running `pyenv init` takes seconds of CPU, and concurrent snapshots
 * contend), so by default each client gets an empty HOME. BENCH_KEEP_HOME=1 keeps the real one.
 */
const ISOLATE_HOME = process.env.BENCH_KEEP_HOME !== "1";
const PROMPT = "Reply with ok.";

const BINARY: string = resolveCodexBinary().executable;

/** Failures by contender: set by the warm-up (the contender is skipped everywhere) or per scenario. */
type Failures = Map<ContenderId, string>;

function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return `${error.name === "Error" ? "" : `${error.name}: `}${error.message}`;
  return String(error);
}

/** `list` rotated left by `by`, so each repetition starts with a different contender. */
function rotate<T>(list: readonly T[], by: number): T[] {
  const shift = by % Math.max(list.length, 1);
  return [...list.slice(shift), ...list.slice(0, shift)];
}

/** Fresh directories for each client (CODEX_HOME, cwd, and HOME unless BENCH_KEEP_HOME=1), all under one temp root. */
class Workspace {
  readonly root = mkdtempSync(path.join(os.tmpdir(), "codexkit-bench-"));
  /** Every CODEX_HOME handed out: the markers of every process the benchmark started. */
  readonly homes: string[] = [];

  constructor(private readonly model: MockModelServer) {}

  setup(tag: string): ClientSetup {
    const home = mkdtempSync(path.join(this.root, `home-${tag}-`));
    const cwd = mkdtempSync(path.join(this.root, `cwd-${tag}-`));
    const userHome = ISOLATE_HOME ? mkdtempSync(path.join(this.root, `user-${tag}-`)) : undefined;
    this.homes.push(home);
    return { model: this.model, binary: BINARY, home, cwd, userHome, turnTimeoutMs: TURN_TIMEOUT_MS };
  }

  /** Waits for stragglers carrying any of our markers, kills those that stay, removes the root. Returns a status line. */
  async cleanUp(): Promise<string> {
    const leftovers = (): number[] => this.homes.flatMap((home) => new RssSampler(`CODEX_HOME=${home}`).processes());
    let left = leftovers();
    for (let waited = 0; left.length > 0 && waited < 5_000; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      left = leftovers();
    }
    const described = left.map((pid) => `${pid} ${commandOf(pid)}`);
    for (const pid of left) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Gone in the meantime.
      }
    }
    rmSync(this.root, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    return left.length === 0 ? "none" : `${left.length}, killed now (${described.join("; ")})`;
  }
}

/** The command line of `pid`, shortened, for reports. */
function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ").trim().slice(0, 80);
  } catch {
    return "?";
  }
}

/** The load averages, to judge how busy the machine was. */
function loadAverage(): string {
  return os.loadavg().map((load) => load.toFixed(2)).join(", ");
}

/** Opens a client of `contender`, runs `body`, and closes the client whatever happens. */
async function withClient<T>(contender: Contender, setup: ClientSetup, body: (client: BenchClient) => Promise<T>): Promise<T> {
  const client = await contender.open(setup);
  try {
    return await body(client);
  } finally {
    await client.close();
  }
}

/** One warm-up turn per contender, so the binary is in the page cache for whoever goes first. */
async function warmUp(workspace: Workspace, failures: Failures): Promise<void> {
  for (const contender of CONTENDERS) {
    const startedAt = performance.now();
    try {
      await withClient(contender, workspace.setup(`warm-${contender.id}`), (client) => client.startThread().run(PROMPT));
      progress(`warm-up ${contender.label}: ${ms(performance.now() - startedAt)}`);
    } catch (error) {
      failures.set(contender.id, errorMessage(error));
      progress(`warm-up ${contender.label} failed: ${errorMessage(error)}`);
    }
  }
}

/** Runs `measure` for every available contender, `repeat` times, round-robin; returns the samples and per-scenario failures. */
async function roundRobin<T>(
  name: string,
  repeat: number,
  failures: Failures,
  measure: (contender: Contender, rep: number) => Promise<T>,
): Promise<{ samples: Map<ContenderId, T[]>; failed: Failures }> {
  const samples = new Map<ContenderId, T[]>(CONTENDERS.map((c) => [c.id, []]));
  const failed: Failures = new Map(failures);
  for (let rep = 0; rep < repeat; rep++) {
    for (const contender of rotate(CONTENDERS, rep)) {
      if (failed.has(contender.id)) continue;
      const startedAt = performance.now();
      try {
        samples.get(contender.id)!.push(await measure(contender, rep));
        progress(`${name} rep ${rep + 1}/${repeat} ${contender.label}: ${ms(performance.now() - startedAt)}`);
      } catch (error) {
        failed.set(contender.id, errorMessage(error));
        progress(`${name} rep ${rep + 1}/${repeat} ${contender.label} failed: ${errorMessage(error)}`);
      }
    }
  }
  return { samples, failed };
}

/** What the targets are computed from. */
interface Headline {
  conversation: Map<ContenderId, number>;
}

/** (a) One thread, TURNS turns, total wall time from creating the client to the last turn's end. */
async function conversation(workspace: Workspace, failures: Failures, headline: Headline): Promise<string> {
  const { samples, failed } = await roundRobin("(a)", REPEAT, failures, async (contender, rep) => {
    const startedAt = performance.now();
    return withClient(contender, workspace.setup(`a${rep}-${contender.id}`), async (client) => {
      const thread = client.startThread();
      for (let turn = 0; turn < TURNS; turn++) await thread.run(PROMPT);
      return performance.now() - startedAt;
    });
  });
  for (const [id, totals] of samples) if (totals.length > 0 && !failed.has(id)) headline.conversation.set(id, median(totals));
  const floor = headline.conversation.get("raw");
  const officialTotal = headline.conversation.get("official");
  const rows = CONTENDERS.map((contender) => {
    const reason = failed.get(contender.id);
    const total = headline.conversation.get(contender.id);
    if (reason !== undefined || total === undefined) return [contender.label, notAvailable(reason ?? "no runs"), "", "", "", ""];
    return [contender.label, ms(total), ms(total / TURNS), range(samples.get(contender.id)!), ratio(total, floor), ratio(total, officialTotal)];
  });
  return [
    `## (a) ${TURNS}-turn conversation on one thread`,
    "",
    `Wall time from creating the client to the end of turn ${TURNS} (process start and thread creation included, close excluded); median of ${REPEAT}.`,
    "",
    markdownTable(["contender", "total (median)", "per turn", "min–max", "× floor", "× official SDK"], rows),
  ].join("\n");
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

/** Latency samples of one contender in (c). */
interface LatencySamples {
  first: number[];
  firstTypes: Set<string>;
  turnStarted: number[];
  whole: number[];
}

/** (c) Time from starting a turn to its first event, on an established thread (one untimed turn first). */
async function firstEvent(workspace: Workspace, failures: Failures): Promise<string> {
  const failed: Failures = new Map(failures);
  const open = new Map<ContenderId, { client: BenchClient; thread: BenchThread; samples: LatencySamples }>();
  try {
    for (const contender of CONTENDERS) {
      if (failed.has(contender.id)) continue;
      try {
        const client = await contender.open(workspace.setup(`c-${contender.id}`));
        const thread = client.startThread();
        open.set(contender.id, { client, thread, samples: { first: [], firstTypes: new Set(), turnStarted: [], whole: [] } });
        await thread.run(PROMPT);
      } catch (error) {
        failed.set(contender.id, errorMessage(error));
        progress(`(c) ${contender.label} failed: ${errorMessage(error)}`);
      }
    }
    for (let turn = 0; turn < LATENCY_TURNS; turn++) {
      for (const contender of rotate(CONTENDERS, turn)) {
        const state = open.get(contender.id);
        if (!state || failed.has(contender.id)) continue;
        try {
          const startedAt = performance.now();
          const timing = await state.thread.runStreamed(PROMPT);
          state.samples.whole.push(performance.now() - startedAt);
          state.samples.first.push(timing.firstEventMs);
          state.samples.firstTypes.add(timing.firstEventType);
          state.samples.turnStarted.push(timing.turnStartedMs);
        } catch (error) {
          failed.set(contender.id, errorMessage(error));
          progress(`(c) ${contender.label} failed: ${errorMessage(error)}`);
        }
      }
    }
    progress(`(c) done`);
  } finally {
    await Promise.all([...open.values()].map((state) => state.client.close().catch(() => undefined)));
  }
  const medians = new Map<ContenderId, { first: number; turnStarted: number }>();
  for (const [id, { samples }] of open) {
    if (failed.has(id) || samples.first.length === 0) continue;
    medians.set(id, { first: median(samples.first), turnStarted: median(samples.turnStarted) });
  }
  const raw = medians.get("raw");
  const officialSdk = medians.get("official");
  const rows = CONTENDERS.map((contender) => {
    const reason = failed.get(contender.id);
    const samples = open.get(contender.id)?.samples;
    const m = medians.get(contender.id);
    if (reason !== undefined || !samples || !m) return [contender.label, notAvailable(reason ?? "no runs"), "", "", "", "", "", ""];
    return [
      contender.label,
      ms(m.first),
      [...samples.firstTypes].join(", "),
      ms(m.turnStarted),
      range(samples.turnStarted),
      ratio(m.turnStarted, raw?.turnStarted),
      ratio(m.turnStarted, officialSdk?.turnStarted),
      ms(median(samples.whole)),
    ];
  });
  return [
    `## (c) Time to first event`,
    "",
    `From the call (\`runStreamed()\`; raw: writing \`turn/start\`) to the turn's first event (raw: first notification for the thread) and to \`turn.started\` (raw: \`turn/started\`), on a thread that already ran one turn; medians of ${LATENCY_TURNS} turns. codexkit on app-server emits \`thread.started\` itself, before codex answers, so \`turn.started\` is the comparable column (the ratios use it). On exec every turn starts a process, so both include the spawn.`,
    "",
    markdownTable(
      ["contender", "first event (median)", "first event type", "turn.started (median)", "min–max", "× floor", "× official SDK", "whole turn (median)"],
      rows,
    ),
  ].join("\n");
}

/** The targets, each met / not met / n/a, from scenario (a). */
function targets(headline: Headline): string {
  const total = (id: ContenderId): number | undefined => headline.conversation.get(id);
  const check = (label: string, value: number | undefined, base: number | undefined, limit: number): string => {
    if (value === undefined || base === undefined) return `- ${label}: **n/a** (a contender did not run)`;
    const r = value / base;
    return `- ${label}: **${r <= limit ? "met" : "not met"}** (${r.toFixed(2)}×: ${ms(value)} vs ${ms(base)})`;
  };
  return [
    "## Targets",
    "",
    `From (a), the ${TURNS}-turn conversation, medians:`,
    "",
    check("codexkit (app-server) ≤ 1.15× raw app-server floor", total("codexkit-app-server"), total("raw"), 1.15),
    check("codexkit (app-server) ≤ 0.4× official SDK", total("codexkit-app-server"), total("official"), 0.4),
    check("codexkit (exec) ≤ 1.05× official SDK", total("codexkit-exec"), total("official"), 1.05),
  ].join("\n");
}

function header(): string {
  const cpus = os.cpus();
  const version = execFileSync(BINARY, ["--version"], { encoding: "utf8" }).trim();
  return [
    "# codexkit benchmark",
    "",
    `- codex: ${version} (${BINARY})`,
    `- machine: ${cpus.length} × ${cpus[0]?.model ?? "unknown cpu"}, ${mib(os.totalmem())} RAM, ${os.platform()} ${os.release()} ${os.arch()}`,
    `- node: ${process.version}; load average (1, 5, 15 min) at start: ${loadAverage()}`,
    `- model: MockModelServer on loopback, every request answered with say("ok"); same binary for every contender`,
    `- HOME for codex: ${ISOLATE_HOME ? "an empty dir per client (BENCH_KEEP_HOME=1 keeps the real one)" : "the real one (BENCH_KEEP_HOME=1)"}`,
    `- settings: BENCH_REPEAT=${REPEAT}, BENCH_TURNS=${TURNS}, BENCH_THREADS=${THREADS}, BENCH_THREAD_TURNS=${THREAD_TURNS}, BENCH_CONCURRENT_REPEAT=${CONCURRENT_REPEAT}, BENCH_LATENCY_TURNS=${LATENCY_TURNS}, BENCH_MCP_TURNS=${MCP_TURNS}, BENCH_OTEL_REPEAT=${OTEL_REPEAT}, BENCH_FILES_REPEAT=${FILES_REPEAT}, BENCH_SOAK_THREADS=${SOAK_THREADS}`,
  ].join("\n");
}

async function main(): Promise<void> {
  const startedAt = performance.now();
  const loadAtStart = os.loadavg()[0] ?? 0;
  console.log(`${header()}\n`);
  const model = await MockModelServer.start({ fallback: stream([say("ok")]) });
  const workspace = new Workspace(model);
  const failures: Failures = new Map();
  const headline: Headline = { conversation: new Map() };
  let leftovers = "not checked";
  try {
    await warmUp(workspace, failures);
    for (const section of [
      () => conversation(workspace, failures, headline),
      () => concurrency(workspace, failures),
      () => firstEvent(workspace, failures),
      () => mcpToolCalls(workspace.root, MCP_TURNS, progress),
      () => tracingOverhead(workspace.root, TURNS, OTEL_REPEAT, progress),
      () => stagingThroughput(workspace.root, FILES_REPEAT, progress),
      ...(SOAK_THREADS > 0 ? [() => soakSection(model, workspace.root, SOAK_THREADS, progress)] : []),
      ...(QUEUE ? [() => queueSection(workspace.root, BINARY, progress)] : []),
    ]) {
      const text = await section();
      console.log(`${text}\n`);
    }
  } finally {
    await model.close();
    leftovers = await workspace.cleanUp();
  }
  console.log(targets(headline));
  console.log("");
  const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
  console.log(`Model requests served: ${model.responseRequests().length}. Processes left behind: ${leftovers}.`);
  console.log(`Benchmark took ${seconds} s; load average at the end: ${loadAverage()}.`);
  if (Math.max(loadAtStart, os.loadavg()[0] ?? 0) > os.cpus().length) {
    console.log(`Note: the load average exceeded the ${os.cpus().length} CPUs, so other work competed with the contenders; expect noisy timings (exec most of all).`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
