/**
 * Queue workers as a deployment runs them: each one a `codexkit worker` process (the CLI, run
 * from the sources through tsx) with its own CODEX_HOME, empty HOME and environment, sharing
 * nothing with the test or the other workers but Redis and the mock model. A test waits for the
 * worker's ready line instead of sleeping, can SIGKILL it as a crash would, and at the end checks
 * that no worker, and no codex a worker started, is left running.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { onExit } from "signal-exit";
import { expect, onTestFinished } from "vitest";
import { flattenConfig } from "../../src/config/index.js";
import { CodexQueue } from "../../src/queue/index.js";
import { MockModelServer } from "../../src/testing/index.js";
import { linuxOnly, PROCESS_TABLE_READABLE, type Gated } from "./platform.js";
import { appServers, expectNoProcesses, processesWithEnv } from "./processes.js";
import { REDIS_INSTALLED, redisOnly } from "./redis.js";

/** The `codexkit` command's entry, in the sources. */
const CLI_ENTRY = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));
/** The repository root: the workers' working directory (tsx finds tsconfig.json there). */
const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** The queue entry point, for child producer scripts (`codexkit/queue`, from the sources). */
export const QUEUE_ENTRY = fileURLToPath(new URL("../../src/queue/index.ts", import.meta.url));

/** The environment variable that marks a worker and every process it starts. */
const MARKER_VAR = "CODEXKIT_TEST_QUEUE_WORKER";
/** How long a worker may take to say it is ready (tsx compiles the sources at its start). */
const READY_TIMEOUT_MS = 30_000;
/** How long a worker told to stop (SIGTERM: drain) may take to exit before it is told again (exit now). */
const DRAIN_TIMEOUT_MS = 10_000;
/** How long a worker told twice may take to exit before it is killed. */
const EXIT_TIMEOUT_MS = 5_000;
/** The lock duration the workers get unless a test asks otherwise: short, so a lost worker's turn moves on in seconds. */
const TEST_LOCK_DURATION_MS = 3_000;

/**
 * `it` for worker-process tests: skipped by name where redis-server is not installed, or where the
 * process table cannot be read (their point includes which processes are left).
 */
export const workersTest: Gated = (name, fn, timeout) => {
  if (!REDIS_INSTALLED) return redisOnly(name, fn, timeout);
  return linuxOnly("worker processes and their codex are found through /proc")(name, fn, timeout);
};

/** What a worker needs. */
export interface WorkerSpec {
  /** The worker's id (`--id`), as BullMQ records it on the jobs it takes. */
  id: string;
  /** Turns it runs at once (default 1). */
  concurrency?: number;
  /** `--lock-duration-ms` (default `TEST_LOCK_DURATION_MS`). */
  lockDurationMs?: number;
}

/** How a process ended. */
export interface WorkerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A running `codexkit worker` process. */
export interface WorkerProcess {
  readonly id: string;
  readonly pid: number;
  /** Its codex's CODEX_HOME (a temp dir of the mock model's, removed when the model closes). */
  readonly codexHome: string;
  /** `<var>=<unique>`: in the environment of the worker and of every process it starts. */
  readonly marker: string;
  /** Resolves once the worker printed its ready line; rejects if it exits or takes too long. */
  readonly ready: Promise<void>;
  /** Resolves when the worker process has exited. */
  readonly exited: Promise<WorkerExit>;
  /** What the worker printed on stderr so far. */
  stderr(): string;
  /** Pids of this worker's codex app-servers (found by CODEX_HOME). */
  codexPids(): number[];
  /** Every live process of this worker: itself, its codex and what codex runs. */
  processes(): number[];
  /** True once the test SIGKILLed it (`kill()`). */
  readonly killed: boolean;
  /** SIGKILL, as a crash or an OOM kill would: nothing runs in the worker after it. Resolves at its exit. */
  kill(): Promise<WorkerExit>;
  /**
   * SIGTERM (drain: running turns finish) and waits for the exit; a worker still draining after a
   * time limit is sent SIGTERM again (it exits at once, ending its codex), then SIGKILL.
   */
  stop(): Promise<WorkerExit>;
}

/**
 * Starts `codexkit worker` on `queue` at `redisUrl`, pointed at `model` through `-c` overrides,
 * with a fresh CODEX_HOME and the mock's isolated environment (an empty HOME, no credentials).
 */
function startWorker(redisUrl: string, queue: string, model: MockModelServer, spec: WorkerSpec): WorkerProcess {
  const options = model.codexOptions();
  const tag = randomUUID();
  const marker = `${MARKER_VAR}=${tag}`;
  // prettier-ignore
  const args = [
    "--import", "tsx", CLI_ENTRY, "worker",
    "--redis", redisUrl, "--queue", queue, "--id", spec.id,
    "--codex-home", options.codexHome,
    "--concurrency", String(spec.concurrency ?? 1),
    "--lock-duration-ms", String(spec.lockDurationMs ?? TEST_LOCK_DURATION_MS),
    ...flattenConfig(options.config).flatMap((override) => ["-c", override]),
  ];
  const env = { ...options.env, [MARKER_VAR]: tag };
  const child: ChildProcess = spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  // Should the test process die first, its workers die with it (their codex then sees stdin close).
  const forget = onExit(() => void child.kill("SIGKILL"));
  let stderr = "";
  child.stdout!.resume();
  child.stderr!.setEncoding("utf8");
  const exited = new Promise<WorkerExit>((resolve) => {
    child.once("exit", (code, signal) => {
      forget();
      resolve({ code, signal });
    });
  });
  const readyLine = `codexkit worker ${spec.id} ready on queue ${queue}`;
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker ${spec.id} was not ready within ${READY_TIMEOUT_MS} ms; stderr: ${stderr.slice(-2000)}`)), READY_TIMEOUT_MS);
    child.stderr!.on("data", (chunk: string) => {
      stderr += chunk;
      if (stderr.includes(readyLine)) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then((exit) => {
      clearTimeout(timer);
      reject(new Error(`worker ${spec.id} exited (${JSON.stringify(exit)}) before it was ready; stderr: ${stderr.slice(-2000)}`));
    });
  });
  // A worker that is never awaited for readiness must not fail the run with an unhandled rejection.
  ready.catch(() => undefined);
  const codexMarker = `CODEX_HOME=${options.codexHome}`;
  const alive = (): boolean => child.exitCode === null && child.signalCode === null;
  let killed = false;
  return {
    id: spec.id,
    pid: child.pid!,
    codexHome: options.codexHome,
    marker,
    ready,
    exited,
    stderr: () => stderr,
    codexPids: () => appServers(codexMarker),
    processes: () => processesWithEnv(marker),
    get killed() {
      return killed;
    },
    kill() {
      killed = true;
      if (alive()) child.kill("SIGKILL");
      return exited;
    },
    async stop() {
      if (!alive()) return exited;
      child.kill("SIGTERM");
      const again = setTimeout(() => child.kill("SIGTERM"), DRAIN_TIMEOUT_MS);
      const kill = setTimeout(() => child.kill("SIGKILL"), DRAIN_TIMEOUT_MS + EXIT_TIMEOUT_MS);
      const exit = await exited;
      clearTimeout(again);
      clearTimeout(kill);
      return exit;
    },
  };
}

/** The workers of one test on one queue; `close()` stops them and checks that nothing of theirs is left. */
export class WorkerFleet {
  private readonly workers: WorkerProcess[] = [];

  constructor(
    private readonly redisUrl: string,
    private readonly queue: string,
    private readonly model: MockModelServer,
  ) {}

  /** Starts a worker (see `startWorker`); await its `ready`. */
  start(spec: WorkerSpec): WorkerProcess {
    const worker = startWorker(this.redisUrl, this.queue, this.model, spec);
    this.workers.push(worker);
    return worker;
  }

  /** Starts workers and resolves once all of them are ready. */
  async startReady(specs: WorkerSpec[]): Promise<WorkerProcess[]> {
    const started = specs.map((spec) => this.start(spec));
    await Promise.all(started.map((worker) => worker.ready));
    return started;
  }

  /**
   * Stops every worker still running (SIGTERM: each drains and exits 0), then checks that no
   * worker, codex or command of theirs survived; survivors are killed and reported as a failure,
   * as is a worker that did not exit cleanly when told to stop.
   */
  async close(): Promise<void> {
    const problems: string[] = [];
    await Promise.all(
      this.workers.map(async (worker) => {
        const exit = await worker.stop();
        if (!worker.killed && (exit.code !== 0 || exit.signal !== null)) problems.push(`worker ${worker.id} did not stop cleanly on SIGTERM (${JSON.stringify(exit)}); stderr: ${worker.stderr().slice(-1000)}`);
      }),
    );
    if (PROCESS_TABLE_READABLE) {
      for (const worker of this.workers) {
        try {
          await expectNoProcesses(worker.marker);
        } catch (error) {
          problems.push(`worker ${worker.id}: ${(error as Error).message}`);
          for (const pid of processesWithEnv(worker.marker)) {
            try {
              process.kill(pid, "SIGKILL");
            } catch {
              // Gone meanwhile.
            }
          }
        }
      }
    }
    if (problems.length > 0) throw new Error(problems.join("\n"));
  }
}

/** A turn's job as BullMQ holds it: which worker took it, and how often it was found stalled. */
export interface TurnJobInfo {
  id: string;
  state: string;
  /** The turn's input (its prompt). */
  input: unknown;
  seq: number;
  /** The id of the worker that took the job last (BullMQ's `processedBy`). */
  processedBy: string | undefined;
  /** How often the job was found stalled (its worker lost) and put back. */
  stalledCounter: number;
}

/**
 * The turns of `queue` in `states`, read from BullMQ's own records (prefix "codexkit", as the
 * queue documents), to tell which worker process holds or ran a turn.
 */
export async function turnJobs(redisUrl: string, queue: string, states: Array<"active" | "completed" | "waiting" | "delayed" | "failed">): Promise<TurnJobInfo[]> {
  const { Queue } = await import("bullmq");
  const bull = new Queue(queue, { connection: { url: redisUrl, maxRetriesPerRequest: null }, prefix: "codexkit" });
  try {
    const jobs = await bull.getJobs(states);
    return await Promise.all(
      jobs.map(async (job) => ({
        id: job.id!,
        state: await job.getState(),
        input: (job.data as { input?: unknown }).input,
        seq: (job.data as { seq: number }).seq,
        processedBy: job.processedBy,
        stalledCounter: job.stalledCounter,
      })),
    );
  } finally {
    await bull.close();
  }
}

/** What a worker-process test uses: its own mock model, queue name, producer, workers and working directory. */
export interface WorkersFixture {
  model: MockModelServer;
  /** The queue's name (the test's own). */
  name: string;
  /** A producer on the queue, in the test process. */
  queue: CodexQueue;
  fleet: WorkerFleet;
  /** The threads' working directory. */
  cwd: string;
  /**
   * Closes the producer, stops the workers and checks that none of their processes is left
   * (throws when one is), then closes the model and removes the directory.
   */
  close(): Promise<void>;
}

/**
 * A fresh fixture on `redisUrl`, with the queue `name`, closed when the test finishes (pass or
 * fail; a failure to clean up is reported beside the test's own, not instead of it).
 */
export async function workersFixture(redisUrl: string, name: string): Promise<WorkersFixture> {
  const model = await MockModelServer.start();
  const cwd = mkdtempSync(path.join(os.tmpdir(), "codexkit-queue-work-"));
  const queue = new CodexQueue({ connection: redisUrl, name });
  const fleet = new WorkerFleet(redisUrl, name, model);
  let closing: Promise<void> | undefined;
  const fixture: WorkersFixture = {
    model,
    name,
    queue,
    fleet,
    cwd,
    close() {
      closing ??= (async () => {
        try {
          await queue.close();
          await fleet.close();
        } finally {
          // Only after the workers: a codex still running writes into its CODEX_HOME, which the model removes.
          await model.close();
          rmSync(cwd, { recursive: true, force: true });
        }
      })();
      return closing;
    },
  };
  onTestFinished(() => fixture.close());
  return fixture;
}

/** How often `needle` occurs in `text`. */
export function occurrences(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

/**
 * Checks the event types of one whole turn as a producer reads them: `thread.started` (every
 * turn opens its thread, as a `Thread`'s do), `turn.started`, only item events, `turn.completed`.
 */
export function expectTurnEvents(types: readonly string[]): void {
  expect(types.slice(0, 2)).toEqual(["thread.started", "turn.started"]);
  expect(types.at(-1)).toBe("turn.completed");
  expect(types.slice(2, -1).filter((type) => !type.startsWith("item."))).toEqual([]);
}
