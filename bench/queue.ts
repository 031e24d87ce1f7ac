/**
 * (h) The queue (`codexkit/queue`: BullMQ over Redis) on a private redis-server, against a mock
 * model that takes BENCH_QUEUE_MODEL_MS (250) per response, for every contender:
 *
 *   1. overhead: a BENCH_QUEUE_TURNS (5)-turn conversation through a CodexQueue and one in-process
 *      CodexWorker against the same conversation on a plain `Codex`, both on app-server; median
 *      of BENCH_QUEUE_REPEAT (5) interleaved runs. Target: ≤ 1.05× + 10 ms per turn.
 *   2. horizontal scale: 1, 2 and 4 worker processes (bench/queue-worker.ts, each with its own
 *      CODEX_HOME and concurrency BENCH_QUEUE_CONCURRENCY (4)); one producer submits 8 × C threads
 *      × 2 turns at once. Target: ≥ 3.2× the turns/s of one worker at four.
 *   3. recovery: two worker processes with lockDurationMs BENCH_QUEUE_LOCK_MS (3000); a turn the
 *      model answers in BENCH_QUEUE_SLOW_MS (2000) is SIGKILLed with its worker mid-turn; time
 *      from the kill to `turn.redelivered` and `turn.completed` on the producer;
 *      BENCH_QUEUE_RECOVERY_REPEAT (3) runs.
 *
 * Without redis-server the section is one `n/a` row. A measurement that throws shows `n/a`; every
 * process, the redis-server and the section's directories are gone at the end either way.
 * `npx tsx bench/queue.ts` runs this section alone.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { CodexOptions } from "../src/options/index.js";
import type { QueuedThread } from "../src/queue/index.js";
import { MockModelServer, say, stream } from "../src/testing/index.js";
import { IdSource, responseEvents } from "../src/testing/sse.js";
import { resolveCodexBinary } from "../src/transport/binary.js";
import type { BenchWorkerConfig } from "./queue-worker.js";
import { RssSampler } from "./rss.js";
import { markdownTable, median, ms, notAvailable, range, ratio } from "./table.js";

/** A positive integer from the environment, or `fallback`. */
function envInt(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

/** What the section measures with; from BENCH_QUEUE_* variables. */
export interface QueueBenchSettings {
  /** Runs of each contender in the overhead measurement (BENCH_QUEUE_REPEAT, 5). */
  repeat: number;
  /** Turns of the overhead conversation (BENCH_QUEUE_TURNS, 5). */
  turns: number;
  /** Turns each worker process runs at once in the scale measurement (BENCH_QUEUE_CONCURRENCY, 4). */
  concurrency: number;
  /** How long the mock model takes per response (BENCH_QUEUE_MODEL_MS, 250). */
  modelMs: number;
  /** How long it takes for the turn killed in the recovery measurement (BENCH_QUEUE_SLOW_MS, 2000). */
  slowModelMs: number;
  /** lockDurationMs of the recovery measurement's workers (BENCH_QUEUE_LOCK_MS, 3000). */
  lockDurationMs: number;
  /** Runs of the recovery measurement (BENCH_QUEUE_RECOVERY_REPEAT, 3). */
  recoveryRepeat: number;
  /** Upper bound on one turn (BENCH_TURN_TIMEOUT_MS, 60000). */
  turnTimeoutMs: number;
}

/** The settings from the environment. */
export function queueSettings(): QueueBenchSettings {
  return {
    repeat: envInt("BENCH_QUEUE_REPEAT", 5),
    turns: envInt("BENCH_QUEUE_TURNS", 5),
    concurrency: envInt("BENCH_QUEUE_CONCURRENCY", 4),
    modelMs: envInt("BENCH_QUEUE_MODEL_MS", 250),
    slowModelMs: envInt("BENCH_QUEUE_SLOW_MS", 2_000),
    lockDurationMs: Math.max(1_000, envInt("BENCH_QUEUE_LOCK_MS", 3_000)),
    recoveryRepeat: envInt("BENCH_QUEUE_RECOVERY_REPEAT", 3),
    turnTimeoutMs: envInt("BENCH_TURN_TIMEOUT_MS", 60_000),
  };
}

const PROMPT = "Reply with ok.";
const WORKER_SCRIPT = fileURLToPath(new URL("./queue-worker.ts", import.meta.url));
/** Worker processes compile TypeScript on start (tsx); four at once on two cores take a while. */
const WORKER_READY_TIMEOUT_MS = 90_000;
/** How long a stopped worker may drain before it is killed. */
const WORKER_STOP_TIMEOUT_MS = 15_000;
/** Worker counts of the scale measurement. */
const WORKER_COUNTS = [1, 2, 4] as const;
/** Threads per worker slot, and turns per thread, of the scale load. */
const THREADS_PER_SLOT = 8;
const SCALE_TURNS = 2;
/** Rounds of warm-up turns at most, to get one onto every worker. */
const WARM_UP_ROUNDS = 5;

type Progress = (message: string) => void;

/** Clock ticks per second of the CPU times in /proc. */
const CLOCK_TICKS = ((): number => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU time (user + system) `pid` has used so far, in ms; 0 when it is gone or there is no /proc. */
function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

/** Busy and total CPU time of the machine so far, in ticks (/proc/stat); undefined without /proc. */
function machineCpu(): { busy: number; total: number } | undefined {
  try {
    const ticks = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
    const total = ticks.reduce((sum, value) => sum + value, 0);
    return { busy: total - (ticks[3] ?? 0) - (ticks[4] ?? 0), total };
  } catch {
    return undefined;
  }
}

/** The load averages, to judge how busy the machine was. */
function loadAverage(): string {
  return os.loadavg().map((load) => load.toFixed(2)).join(", ");
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return `${error.name === "Error" ? "" : `${error.name}: `}${error.message}`;
  return String(error);
}

/**
 * A mock response saying "ok" that takes `totalMs`: the stream's events are spread over it
 * (`delayMs` pauses between events, so it is divided by their gaps).
 */
function timedReply(totalMs: number): ReturnType<typeof stream> {
  const gaps = responseEvents(stream([say("ok")]), new IdSource()).length - 1;
  return stream([say("ok")], { delayMs: Math.max(1, Math.round(totalMs / Math.max(1, gaps))) });
}

/** One line a worker process wrote: `{ready}` or a `queue.*` log event, with `at` (epoch ms). */
interface WorkerLine {
  ready?: boolean;
  event?: string;
  jobId?: string;
  threadId?: string | null;
  seq?: number;
  attempt?: number;
  reason?: string;
  at: number;
}

/** A worker process (bench/queue-worker.ts) and what it has said. */
class WorkerProcess {
  readonly lines: WorkerLine[] = [];
  readonly exited: Promise<void>;
  private readonly child: ChildProcess;
  private readonly listeners = new Set<() => void>();
  private stderrTail = "";
  private stopping: Promise<void> | undefined;

  constructor(
    readonly id: string,
    config: BenchWorkerConfig,
    /** Its CODEX_HOME: the marker of the worker and of every process it starts. */
    readonly home: string,
  ) {
    this.child = spawn(process.execPath, ["--import", "tsx", WORKER_SCRIPT], {
      // CODEX_HOME on the worker itself too: the marker the final sweep looks for.
      env: { ...process.env, CODEX_HOME: home, CODEXKIT_BENCH_WORKER: JSON.stringify(config) },
      stdio: ["pipe", "pipe", "pipe"],
    });
    this.exited = new Promise((resolve) => this.child.once("close", () => resolve()));
    void this.exited.then(() => this.notify());
    let pending = "";
    this.child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      pending += chunk;
      const complete = pending.split("\n");
      pending = complete.pop() ?? "";
      for (const line of complete) {
        if (!line.trim()) continue;
        try {
          this.lines.push(JSON.parse(line) as WorkerLine);
        } catch {
          // Not one of ours (a library writing to stdout): ignored.
        }
      }
      this.notify();
    });
    this.child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (this.stderrTail = (this.stderrTail + chunk).slice(-2_000)));
    this.child.stdin!.on("error", () => undefined);
  }

  /** Whether the process has exited. */
  get gone(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** Resolves with the first line matching `predicate`; rejects when the process exits first or after `timeoutMs`. */
  waitFor(predicate: (line: WorkerLine) => boolean, what: string, timeoutMs: number): Promise<WorkerLine> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const found = this.lines.find(predicate);
        if (found) finish(() => resolve(found));
        else if (this.gone) finish(() => reject(new Error(`worker ${this.id} exited before ${what}${this.stderrTail ? `: ${this.stderrTail.trim().split("\n").slice(-3).join(" | ")}` : ""}`)));
      };
      const finish = (settle: () => void): void => {
        clearTimeout(timer);
        this.listeners.delete(check);
        settle();
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`worker ${this.id}: no ${what} within ${timeoutMs} ms`))), timeoutMs);
      this.listeners.add(check);
      check();
    });
  }

  /** Resolves once the worker takes turns. */
  async ready(): Promise<void> {
    await this.waitFor((line) => line.ready === true, "ready", WORKER_READY_TIMEOUT_MS);
  }

  /** `queue.start` lines (turns it began) after index `from` of its lines. */
  starts(from = 0): WorkerLine[] {
    return this.lines.slice(from).filter((line) => line.event === "queue.start");
  }

  /** SIGKILL, at once. */
  kill(): void {
    this.child.kill("SIGKILL");
  }

  /** SIGTERM (it drains), SIGKILL when it takes too long; then its stdin is closed. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      if (!this.gone) {
        this.child.kill("SIGTERM");
        const timer = setTimeout(() => this.child.kill("SIGKILL"), WORKER_STOP_TIMEOUT_MS);
        await this.exited;
        clearTimeout(timer);
      }
      this.child.stdin?.destroy();
    })();
    return this.stopping;
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

/** A running private redis-server (test/helpers/redis.ts). */
interface Redis {
  url: string;
  close(): Promise<void>;
}

/** The section's shared state: model, redis, directories, and every process it started. */
class QueueLab {
  readonly dir: string;
  private readonly homes: string[] = [];
  private readonly workers = new Set<WorkerProcess>();
  private counter = 0;

  constructor(
    root: string,
    readonly model: MockModelServer,
    readonly redis: Redis,
    readonly binary: string,
    readonly settings: QueueBenchSettings,
  ) {
    this.dir = mkdtempSync(path.join(root, "queue-"));
  }

  /** Fresh CODEX_HOME, HOME and working directory; the `Codex` options for them. */
  setup(tag: string): { home: string; cwd: string; codex: CodexOptions } {
    const home = mkdtempSync(path.join(this.dir, `home-${tag}-`));
    const userHome = mkdtempSync(path.join(this.dir, `user-${tag}-`));
    const cwd = mkdtempSync(path.join(this.dir, `cwd-${tag}-`));
    this.homes.push(home);
    const { config, env } = this.model.codexOptions({ codexHome: home, inheritHome: true });
    return { home, cwd, codex: { transport: "app-server", codexPathOverride: this.binary, codexHome: home, config, env: { ...env, CODEX_HOME: home, HOME: userHome } } };
  }

  /** Options of the section's threads (as the other sections'). */
  threadOptions(cwd: string): { sandboxMode: "read-only"; approvalPolicy: "never"; skipGitRepoCheck: true; workingDirectory: string } {
    return { sandboxMode: "read-only", approvalPolicy: "never", skipGitRepoCheck: true, workingDirectory: cwd };
  }

  /** Starts `count` worker processes on `queue` and waits until all take turns. */
  async startWorkers(queue: string, count: number, concurrency: number, lockDurationMs: number): Promise<WorkerProcess[]> {
    const started: WorkerProcess[] = [];
    for (let i = 0; i < count; i++) {
      const id = `${queue}-w${i + 1}`;
      const { home, codex } = this.setup(`${queue}-w${++this.counter}`);
      const worker = new WorkerProcess(id, { redis: this.redis.url, queue, id, concurrency, lockDurationMs, codex }, home);
      this.workers.add(worker);
      started.push(worker);
    }
    try {
      await Promise.all(started.map((worker) => worker.ready()));
    } catch (error) {
      await this.stopWorkers(started);
      throw error;
    }
    return started;
  }

  /** Stops `workers` (draining); they are forgotten. */
  async stopWorkers(workers: readonly WorkerProcess[]): Promise<void> {
    await Promise.all(workers.map((worker) => worker.stop()));
    for (const worker of workers) this.workers.delete(worker);
  }

  /** Stops every worker still running, then kills whatever carries one of our CODEX_HOMEs, and removes the directories. Returns what was left behind. */
  async cleanUp(): Promise<string> {
    await Promise.all([...this.workers].map((worker) => worker.stop().catch(() => undefined)));
    this.workers.clear();
    const leftovers = (): number[] => this.homes.flatMap((home) => new RssSampler(`CODEX_HOME=${home}`).processes());
    let left = leftovers();
    for (let waited = 0; left.length > 0 && waited < 5_000; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      left = leftovers();
    }
    for (const pid of left) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Gone in the meantime.
      }
    }
    rmSync(this.dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    return left.length === 0 ? "none" : `${left.length}, killed now`;
  }
}

/**
 * What the section runs: codexkit's `Codex` and the queue module, imported when the section
 * starts, so a tree that does not load (or lacks the optional bullmq and ioredis) makes it n/a.
 */
type QueueModule = typeof import("../src/queue/index.js") & { Codex: typeof import("../src/index.js").Codex };

// ---------------------------------------------------------------------------------------------
// 1. Overhead

/** Per-turn durations of one conversation. */
type Conversation = number[];

/** Runs `turns` turns on `run`, one after another; returns each turn's duration. */
async function converse(turns: number, run: () => Promise<unknown>): Promise<Conversation> {
  const durations: number[] = [];
  for (let turn = 0; turn < turns; turn++) {
    const startedAt = performance.now();
    await run();
    durations.push(performance.now() - startedAt);
  }
  return durations;
}

interface Contender {
  label: string;
  /** One conversation, after one untimed warm-up turn on another thread (so the codex process is up). */
  conversation(rep: number): Promise<Conversation>;
}

function overheadContenders(lab: QueueLab, queueModule: QueueModule): [Contender, Contender] {
  const { settings } = lab;
  const signal = (): { signal: AbortSignal } => ({ signal: AbortSignal.timeout(settings.turnTimeoutMs) });
  const plain: Contender = {
    label: "Codex (app-server)",
    async conversation(rep) {
      const { cwd, codex: options } = lab.setup(`o${rep}-plain`);
      const codex = new queueModule.Codex(options);
      try {
        await codex.startThread(lab.threadOptions(cwd)).run(PROMPT, signal());
        const thread = codex.startThread(lab.threadOptions(cwd));
        return await converse(settings.turns, () => thread.run(PROMPT, signal()));
      } finally {
        await codex.close();
      }
    },
  };
  const queued: Contender = {
    label: "CodexQueue + in-process CodexWorker (app-server)",
    async conversation(rep) {
      const { cwd, codex: options } = lab.setup(`o${rep}-queue`);
      const name = `overhead-${rep}`;
      const worker = new queueModule.CodexWorker({ connection: lab.redis.url, name, codex: options });
      const queue = new queueModule.CodexQueue({ connection: lab.redis.url, name });
      try {
        await Promise.all([worker.waitUntilReady(), queue.waitUntilReady()]);
        await queue.startThread(lab.threadOptions(cwd)).run(PROMPT, signal());
        const thread = queue.startThread(lab.threadOptions(cwd));
        return await converse(settings.turns, () => thread.run(PROMPT, signal()));
      } finally {
        await queue.close();
        await worker.close();
      }
    },
  };
  return [plain, queued];
}

/** A difference in ms with its sign, e.g. `+12.3 ms`, `−4.0 ms`. */
function signed(value: number): string {
  return `${value < 0 ? "−" : "+"}${ms(Math.abs(value))}`;
}

/** Summary of one contender's conversations. */
interface OverheadSummary {
  perTurn: number;
  perTurnRuns: number[];
  first: number;
  later: number;
}

function summarize(runs: readonly Conversation[]): OverheadSummary | undefined {
  if (runs.length === 0) return undefined;
  const mean = (values: readonly number[]): number => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);
  const perTurnRuns = runs.map((run) => mean(run));
  return { perTurn: median(perTurnRuns), perTurnRuns, first: median(runs.map((run) => run[0] ?? Number.NaN)), later: median(runs.map((run) => mean(run.slice(1)))) };
}

async function overhead(lab: QueueLab, queueModule: QueueModule, progress: Progress): Promise<{ text: string; target: string }> {
  const { settings } = lab;
  const contenders = overheadContenders(lab, queueModule);
  const runs = new Map<Contender, Conversation[]>(contenders.map((c) => [c, []]));
  const failed = new Map<Contender, string>();
  for (let rep = 0; rep < settings.repeat; rep++) {
    for (const contender of rep % 2 === 0 ? contenders : [...contenders].reverse()) {
      if (failed.has(contender)) continue;
      try {
        const turns = await contender.conversation(rep);
        runs.get(contender)!.push(turns);
        progress(`(h) overhead rep ${rep + 1}/${settings.repeat} ${contender.label}: ${ms(turns.reduce((a, b) => a + b, 0) / turns.length)} per turn`);
      } catch (error) {
        failed.set(contender, errorMessage(error));
        progress(`(h) overhead ${contender.label} failed: ${errorMessage(error)}`);
      }
    }
  }
  const [plain, queued] = contenders;
  const summaries = new Map(contenders.map((c) => [c, failed.has(c) ? undefined : summarize(runs.get(c)!)]));
  const rows = contenders.map((contender) => {
    const s = summaries.get(contender);
    if (!s) return [contender.label, notAvailable(failed.get(contender) ?? "no runs"), "", "", "", ""];
    return [contender.label, ms(s.perTurn), range(s.perTurnRuns), ms(s.first), ms(s.later), ratio(s.perTurn, summaries.get(plain)?.perTurn)];
  });
  const base = summaries.get(plain);
  const queue = summaries.get(queued);
  let target = "- queue overhead ≤ 1.05× + 10 ms per turn: **n/a** (a contender did not run)";
  let verdict = "";
  if (base && queue) {
    const limit = 1.05 * base.perTurn + 10;
    const met = queue.perTurn <= limit;
    const summary = `${(queue.perTurn / base.perTurn).toFixed(2)}×, ${signed(queue.perTurn - base.perTurn)} per turn: ${ms(queue.perTurn)} vs ${ms(base.perTurn)}; limit ${ms(limit)}`;
    target = `- queue overhead ≤ 1.05× + 10 ms per turn: **${met ? "met" : "not met"}** (${summary})`;
    verdict = `Overhead of the queue: **${signed(queue.perTurn - base.perTurn)} per turn** (${ratio(queue.perTurn, base.perTurn)}); target ≤ 1.05× + 10 ms: **${met ? "met" : "not met"}**.`;
  }
  const text = [
    `### 1. Overhead: a ${settings.turns}-turn conversation, through the queue and on a plain Codex`,
    "",
    `Each run: a fresh client (and for the queue, a fresh queue and in-process worker), one untimed turn on another thread so codex is running, then ${settings.turns} turns on a new thread, one after another. Per turn = the conversation's time / ${settings.turns} (its first turn creates the thread); median of ${settings.repeat} runs, interleaved.`,
    "",
    markdownTable(["contender", "per turn (median)", "min–max", "first turn", "later turns", "× Codex"], rows),
    ...(verdict ? ["", verdict] : []),
  ].join("\n");
  return { text, target };
}

// ---------------------------------------------------------------------------------------------
// 2. Horizontal scale

interface ScaleRun {
  workers: number;
  turns: number;
  wallMs: number;
  perWorker: number[];
  /** CPU time the worker processes and their codex used during the load, in ms. */
  workerCpuMs: number;
  /** Share of the machine's CPU time that was busy during the load (NaN without /proc). */
  machineBusy: number;
}

/** CPU time used so far by every process carrying one of `workers`' CODEX_HOMEs, by pid. */
function workerCpu(workers: readonly WorkerProcess[]): Map<number, number> {
  const pids = workers.flatMap((worker) => new RssSampler(`CODEX_HOME=${worker.home}`).processes());
  return new Map(pids.map((pid) => [pid, processCpuMs(pid)]));
}

/** One load on `count` fresh worker processes. */
async function scaleRun(lab: QueueLab, queueModule: QueueModule, count: number, progress: Progress): Promise<ScaleRun> {
  const { settings } = lab;
  const name = `scale-${count}`;
  const concurrency = settings.concurrency;
  const queue = new queueModule.CodexQueue({ connection: lab.redis.url, name });
  let workers: WorkerProcess[] = [];
  try {
    const startedAt = performance.now();
    workers = await lab.startWorkers(name, count, concurrency, 30_000);
    await queue.waitUntilReady();
    progress(`(h) scale: ${count} worker process(es) ready in ${ms(performance.now() - startedAt)}`);
    const { cwd } = lab.setup(`${name}-producer`);
    const load = async (threads: number, turns: number): Promise<void> => {
      await Promise.all(
        Array.from({ length: threads }, async () => {
          const thread = queue.startThread(lab.threadOptions(cwd));
          for (let turn = 0; turn < turns; turn++) await thread.run(PROMPT, { signal: AbortSignal.timeout(settings.turnTimeoutMs) });
        }),
      );
    };
    // Warm-up: one turn per slot, until every worker has run one (and so started its codex).
    for (let round = 0; round < WARM_UP_ROUNDS && workers.some((worker) => worker.starts().length === 0); round++) await load(count * concurrency, 1);
    const marks = workers.map((worker) => worker.lines.length);
    const threads = THREADS_PER_SLOT * concurrency;
    const cpuBefore = workerCpu(workers);
    const machineBefore = machineCpu();
    const loadStartedAt = performance.now();
    await load(threads, SCALE_TURNS);
    const wallMs = performance.now() - loadStartedAt;
    const machineAfter = machineCpu();
    let workerCpuMs = 0;
    for (const [pid, used] of workerCpu(workers)) workerCpuMs += used - (cpuBefore.get(pid) ?? 0);
    const machineBusy = machineBefore && machineAfter ? (machineAfter.busy - machineBefore.busy) / Math.max(1, machineAfter.total - machineBefore.total) : Number.NaN;
    const perWorker = workers.map((worker, i) => worker.starts(marks[i]).length);
    progress(`(h) scale: ${count} worker(s), ${threads * SCALE_TURNS} turns in ${ms(wallMs)}`);
    return { workers: count, turns: threads * SCALE_TURNS, wallMs, perWorker, workerCpuMs, machineBusy };
  } finally {
    await queue.close();
    await lab.stopWorkers(workers);
  }
}

async function scale(lab: QueueLab, queueModule: QueueModule, progress: Progress): Promise<{ text: string; target: string }> {
  const { settings } = lab;
  const results = new Map<number, ScaleRun | string>();
  for (const count of WORKER_COUNTS) {
    try {
      results.set(count, await scaleRun(lab, queueModule, count, progress));
    } catch (error) {
      results.set(count, errorMessage(error));
      progress(`(h) scale with ${count} worker(s) failed: ${errorMessage(error)}`);
    }
  }
  const throughput = (run: ScaleRun): number => run.turns / (run.wallMs / 1000);
  const one = results.get(1);
  const base = typeof one === "object" ? throughput(one) : undefined;
  const rows = WORKER_COUNTS.map((count) => {
    const run = results.get(count);
    if (typeof run !== "object") return [String(count), notAvailable(run ?? "no run"), "", "", "", "", "", "", ""];
    return [
      String(count),
      String(count * settings.concurrency),
      String(run.turns),
      ms(run.wallMs),
      throughput(run).toFixed(2),
      ratio(throughput(run), base),
      run.perWorker.join(" / "),
      ms(run.workerCpuMs / run.turns),
      Number.isFinite(run.machineBusy) ? `${Math.round(run.machineBusy * 100)}%` : "–",
    ];
  });
  const cpus = os.cpus().length;
  const measured = [...results.values()].filter((run): run is ScaleRun => typeof run === "object");
  const cpuPerTurn = median(measured.map((run) => run.workerCpuMs / run.turns));
  const ceiling = Number.isFinite(cpuPerTurn) && cpuPerTurn > 0 ? `Workers and their codex used about ${ms(cpuPerTurn)} of CPU per turn, so ${cpus} core${cpus === 1 ? "" : "s"} run at most about ${((cpus * 1000) / cpuPerTurn).toFixed(1)} turns/s, however many workers there are${base !== undefined ? ` (4× the one-worker rate, ${(4 * base).toFixed(1)} turns/s, takes about ${((4 * base * cpuPerTurn) / 1000).toFixed(1)} cores)` : ""}; where a run's machine CPU was near 100% busy (other work on the machine included), it was CPU-bound, not latency-bound, and says little about scale-out across machines.` : "";
  const four = results.get(4);
  let target = "- 4 worker processes ≥ 3.2× the turns/s of 1: **n/a** (a run failed)";
  if (typeof four === "object" && base !== undefined) {
    const speedUp = throughput(four) / base;
    target = `- 4 worker processes ≥ 3.2× the turns/s of 1: **${speedUp >= 3.2 ? "met" : "not met"}** (${speedUp.toFixed(2)}×: ${throughput(four).toFixed(2)} vs ${base.toFixed(2)} turns/s)`;
  }
  const text = [
    `### 2. Horizontal scale: 1, 2 and 4 worker processes`,
    "",
    `Each worker is its own Node process with its own CODEX_HOME and codex app-server, running a CodexWorker with concurrency ${settings.concurrency} (BENCH_QUEUE_CONCURRENCY). One producer starts ${THREADS_PER_SLOT} × ${settings.concurrency} = ${THREADS_PER_SLOT * settings.concurrency} threads at once, each running ${SCALE_TURNS} turns one after another; wall time from the first submission to the last turn's end, after one untimed warm-up turn per slot. "worker CPU / turn" is the user + system CPU time of the worker processes and their codex during the load, per turn; "machine CPU busy" the share of all cores' time that was busy meanwhile (/proc/stat, everything on the machine). A thread's second turn may run on another worker than its first (restored from its Redis checkpoint), as in production. The mock model takes ${settings.modelMs} ms per response, so the load is latency-bound: this is latency-bound scaling on one machine with ${cpus} CPU core${cpus === 1 ? "" : "s"} (workers, codex processes, Redis, the model and the producer all share them), not a measure of CPU-bound scale-out across machines.`,
    "",
    markdownTable(["worker processes", "slots", "turns", "wall", "turns/s", "× 1 worker", "turns per worker", "worker CPU / turn", "machine CPU busy"], rows),
    ...(ceiling ? ["", ceiling] : []),
  ].join("\n");
  return { text, target };
}

// ---------------------------------------------------------------------------------------------
// 3. Recovery after SIGKILL

interface RecoveryRun {
  redeliveredMs: number;
  completedMs: number;
  attempt: number;
  reason: string;
}

async function recoveryRun(lab: QueueLab, queueModule: QueueModule, rep: number, progress: Progress): Promise<RecoveryRun> {
  const { settings, model } = lab;
  const name = `recovery-${rep}`;
  const queue = new queueModule.CodexQueue({ connection: lab.redis.url, name });
  let workers: WorkerProcess[] = [];
  const turn = new AbortController();
  const timeout = setTimeout(() => turn.abort(), settings.turnTimeoutMs);
  try {
    workers = await lab.startWorkers(name, 2, 1, settings.lockDurationMs);
    await queue.waitUntilReady();
    const { cwd } = lab.setup(`${name}-producer`);
    // Two threads at once, until each worker ran a turn: the survivor's codex is then running, as in
    // a service, and the measured thread is one of them.
    let thread: QueuedThread;
    let round = 0;
    do {
      const pair = [queue.startThread(lab.threadOptions(cwd)), queue.startThread(lab.threadOptions(cwd))] as const;
      await Promise.all(pair.map((one) => one.run(PROMPT, { signal: AbortSignal.timeout(settings.turnTimeoutMs) })));
      thread = pair[0];
    } while (++round < WARM_UP_ROUNDS && workers.some((worker) => worker.starts().length === 0));
    if (workers.some((worker) => worker.starts().length === 0)) throw new Error(`no turn reached both workers in ${WARM_UP_ROUNDS} rounds`);
    const threadId = thread.id;
    // The next model request (this thread's second turn) is the slow one; the retry gets the usual reply.
    const requestsBefore = model.responseRequests().length;
    model.enqueue(timedReply(settings.slowModelMs));
    let killedAt = Number.NaN;
    let redeliveredAt = Number.NaN;
    let completedAt = Number.NaN;
    let redelivery: { attempt: number; reason: string } | undefined;
    const { events } = await thread.runStreamed(PROMPT, { signal: turn.signal });
    const consumed = (async () => {
      for await (const event of events) {
        if (event.type === "turn.redelivered") {
          redeliveredAt = performance.now();
          redelivery = { attempt: event.attempt, reason: event.reason };
        } else if (event.type === "turn.completed") completedAt = performance.now();
        else if (event.type === "turn.failed") throw new Error(`the turn failed: ${event.error.message}`);
      }
    })();
    // Awaited below; a failure before that must not be an unhandled rejection.
    consumed.catch(() => undefined);
    // Kill the worker that runs it, once the model is answering it.
    const isSecondTurn = (line: WorkerLine): boolean => line.event === "queue.start" && line.threadId === threadId && line.seq === 2;
    const victim = await Promise.any(workers.map((worker) => worker.waitFor(isSecondTurn, "the second turn", settings.turnTimeoutMs).then(() => worker)));
    await model.waitForRequests(requestsBefore + 1, settings.turnTimeoutMs);
    victim.kill();
    killedAt = performance.now();
    progress(`(h) recovery rep ${rep + 1}: killed ${victim.id} mid-turn`);
    await consumed;
    if (redelivery === undefined) throw new Error("the turn completed without turn.redelivered");
    if (!Number.isFinite(completedAt)) throw new Error("the turn ended without turn.completed");
    const run = { redeliveredMs: redeliveredAt - killedAt, completedMs: completedAt - killedAt, ...redelivery };
    progress(`(h) recovery rep ${rep + 1}: redelivered after ${ms(run.redeliveredMs)}, completed after ${ms(run.completedMs)}`);
    return run;
  } finally {
    clearTimeout(timeout);
    turn.abort();
    await queue.close();
    await lab.stopWorkers(workers);
  }
}

async function recovery(lab: QueueLab, queueModule: QueueModule, progress: Progress): Promise<string> {
  const { settings } = lab;
  const runs: (RecoveryRun | string)[] = [];
  for (let rep = 0; rep < settings.recoveryRepeat; rep++) {
    try {
      runs.push(await recoveryRun(lab, queueModule, rep, progress));
    } catch (error) {
      runs.push(errorMessage(error));
      progress(`(h) recovery rep ${rep + 1} failed: ${errorMessage(error)}`);
    }
  }
  const ok = runs.filter((run): run is RecoveryRun => typeof run === "object");
  const rows = runs.map((run, i) => {
    if (typeof run !== "object") return [String(i + 1), notAvailable(run), "", "", ""];
    return [String(i + 1), ms(run.redeliveredMs), ms(run.completedMs), `${(run.redeliveredMs / settings.lockDurationMs).toFixed(2)}×`, `attempt ${run.attempt}, ${run.reason}`];
  });
  if (ok.length > 1) {
    const redelivered = median(ok.map((run) => run.redeliveredMs));
    rows.push(["median", ms(redelivered), ms(median(ok.map((run) => run.completedMs))), `${(redelivered / settings.lockDurationMs).toFixed(2)}×`, ""]);
  }
  const L = settings.lockDurationMs;
  return [
    `### 3. Recovery after a worker is SIGKILLed mid-turn`,
    "",
    `Two worker processes (concurrency 1, lockDurationMs ${L}, BENCH_QUEUE_LOCK_MS); a thread runs one turn, then a second one the model answers in ${settings.slowModelMs} ms; once the model is answering it, the worker running it is SIGKILLed. Times from the kill to the producer seeing \`turn.redelivered\` and \`turn.completed\` (each worker ran a turn first, so the survivor's codex is running; the redelivered attempt resumes the thread from its checkpoint there and gets the usual ${settings.modelMs} ms reply).`,
    "",
    markdownTable(["run", "kill → turn.redelivered", "kill → turn.completed", "÷ lockDurationMs", "redelivery"], rows),
    "",
    `The recovery time is bounded by lockDurationMs (BullMQ's stalled-job check): the dead worker's lock expires between lockDurationMs / 2 and lockDurationMs after the kill (it was renewed every lockDurationMs / 2), and the stalled check, which runs every stalledInterval = lockDurationMs, hands the turn to a live worker at its first run after that; so between about ${ms(L / 2)} and ${ms(2 * L)} here. A shorter lockDurationMs recovers sooner, at the price of more lock renewals and of a turn being taken from a worker that is only slow to renew (a blocked event loop).`,
  ].join("\n");
}

// ---------------------------------------------------------------------------------------------

/**
 * Runs section (h); `root` holds every directory it makes (it removes its own, too). `binary`
 * is the codex binary every contender runs.
 */
export async function queueSection(root: string, binary: string, progress: Progress, settings: QueueBenchSettings = queueSettings()): Promise<string> {
  const title = "## (h) The queue: codexkit/queue on BullMQ and a private Redis";
  const { REDIS_INSTALLED, startRedis } = await import("../test/helpers/redis.js");
  if (!REDIS_INSTALLED) return [title, "", markdownTable(["measurement", "result"], [["overhead, scale, recovery", notAvailable("redis-server not installed")]])].join("\n");
  const settingsLine = `Settings: BENCH_QUEUE_REPEAT=${settings.repeat}, BENCH_QUEUE_TURNS=${settings.turns}, BENCH_QUEUE_CONCURRENCY=${settings.concurrency}, BENCH_QUEUE_MODEL_MS=${settings.modelMs}, BENCH_QUEUE_SLOW_MS=${settings.slowModelMs}, BENCH_QUEUE_LOCK_MS=${settings.lockDurationMs}, BENCH_QUEUE_RECOVERY_REPEAT=${settings.recoveryRepeat}.`;
  let model: MockModelServer | undefined;
  let redis: Redis | undefined;
  let lab: QueueLab | undefined;
  const parts: string[] = [];
  let leftovers = "not checked";
  const loadAtStart = loadAverage();
  try {
    let queueModule: QueueModule;
    try {
      const [queue, { Codex }] = await Promise.all([import("../src/queue/index.js"), import("../src/index.js")]);
      queueModule = { ...queue, Codex };
      redis = await startRedis();
      model = await MockModelServer.start({ fallback: timedReply(settings.modelMs) });
    } catch (error) {
      return [title, "", markdownTable(["measurement", "result"], [["overhead, scale, recovery", notAvailable(errorMessage(error))]])].join("\n");
    }
    const version = await queueModule.checkRedis(redis.url).then((info) => info.version, () => "unknown");
    lab = new QueueLab(root, model, redis, binary, settings);
    parts.push(
      title,
      "",
      `A private redis-server ${version} (nothing saved), BullMQ as installed; the mock model answers every request after ${settings.modelMs} ms (BENCH_QUEUE_MODEL_MS), for every contender. ${settingsLine}`,
    );
    const targets: string[] = [];
    const measurements: [string, () => Promise<{ text: string; target?: string } | string>][] = [
      ["overhead", () => overhead(lab!, queueModule, progress)],
      ["scale", () => scale(lab!, queueModule, progress)],
      ["recovery", () => recovery(lab!, queueModule, progress)],
    ];
    for (const [label, measure] of measurements) {
      try {
        const result = await measure();
        const { text, target } = typeof result === "string" ? { text: result, target: undefined } : result;
        parts.push("", text);
        if (target) targets.push(target);
      } catch (error) {
        parts.push("", `### ${label}`, "", markdownTable(["measurement", "result"], [[label, notAvailable(errorMessage(error))]]));
      }
    }
    parts.push("", "Queue targets:", "", ...targets);
  } finally {
    if (lab) leftovers = await lab.cleanUp();
    await model?.close();
    await redis?.close();
  }
  parts.push("", `Queue section: processes left behind: ${leftovers}. Load average (1, 5, 15 min) at its start: ${loadAtStart}; at its end: ${loadAverage()} (on ${os.cpus().length} CPUs; above that, other work competed and timings are noisy).`);
  return parts.join("\n");
}

/** `npx tsx bench/queue.ts`: this section alone, with the same settings variables. */
async function main(): Promise<void> {
  const root = mkdtempSync(path.join(os.tmpdir(), "codexkit-bench-queue-"));
  const startedAt = performance.now();
  try {
    const binary = resolveCodexBinary().executable;
    console.log(`# codexkit benchmark, queue section only\n\n- machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "unknown cpu"}, node ${process.version}\n`);
    console.log(await queueSection(root, binary, (message) => process.stderr.write(`[bench] ${message}\n`)));
  } finally {
    rmSync(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  }
  console.log(`\nSection took ${((performance.now() - startedAt) / 1000).toFixed(1)} s.`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
