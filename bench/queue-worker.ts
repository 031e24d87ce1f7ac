/**
 * One worker process of the queue benchmark (bench/queue.ts): a `CodexWorker` with its own codex
 * and CODEX_HOME, configured by the JSON in CODEXKIT_BENCH_WORKER. It speaks to the benchmark in
 * JSON lines on stdout: `{"ready":true}` once it takes turns, then every `queue.*` log event of
 * the worker (which turn it started, recovered, completed). SIGTERM drains running turns and
 * exits 0; stdin closing (the benchmark is gone) ends it at once.
 */
import type { CodexOptions } from "../src/options/index.js";
import type { Logger } from "../src/logger.js";
import { CodexWorker } from "../src/queue/index.js";

/** What the benchmark hands a worker process, as JSON in CODEXKIT_BENCH_WORKER. */
export interface BenchWorkerConfig {
  /** Redis URL of the benchmark's private redis-server. */
  redis: string;
  /** The queue's name. */
  queue: string;
  /** This worker's id (in its log lines). */
  id: string;
  /** Turns it runs at once. */
  concurrency: number;
  /** BullMQ lock duration (and stalled-check interval). */
  lockDurationMs: number;
  /** Options of the worker's `Codex` (binary, CODEX_HOME, mock model config, environment). */
  codex: Omit<CodexOptions, "tools" | "onApproval" | "logger">;
}

function send(message: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ ...message, at: Date.now() })}\n`);
}

const noop = (): void => {};
const forwardQueueEvents = (fields: Record<string, unknown>): void => {
  if (typeof fields.event === "string" && fields.event.startsWith("queue.")) send(fields);
};
/** Only the queue's log events leave the process; codex's own logging stays silent. */
const logger: Logger = { debug: forwardQueueEvents, info: forwardQueueEvents, warn: noop, error: noop };
const silent: Logger = { debug: noop, info: noop, warn: noop, error: noop };

async function main(): Promise<void> {
  const raw = process.env.CODEXKIT_BENCH_WORKER;
  if (!raw) throw new Error("CODEXKIT_BENCH_WORKER is not set: this program is started by bench/queue.ts");
  const config = JSON.parse(raw) as BenchWorkerConfig;
  const worker = new CodexWorker({
    connection: config.redis,
    name: config.queue,
    id: config.id,
    concurrency: config.concurrency,
    lockDurationMs: config.lockDurationMs,
    codex: { ...config.codex, logger: silent },
    logger,
  });
  let stopping = false;
  const stop = (code: number): void => {
    if (stopping) return;
    stopping = true;
    void worker.close().finally(() => process.exit(code));
  };
  process.on("SIGTERM", () => stop(0));
  // The benchmark holds our stdin open; when it goes away (even killed), so do we.
  process.stdin.on("end", () => process.exit(1)).on("error", () => process.exit(1)).resume();
  await worker.waitUntilReady();
  send({ ready: true, id: config.id });
}

main().catch((error: unknown) => {
  process.stderr.write(`bench queue worker: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
