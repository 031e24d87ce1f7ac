/**
 * `REDIS_URL=redis://127.0.0.1:6379 npx tsx examples/queue.ts`: a thread whose turns run on
 * workers through a Redis queue (`codexkit/queue`; in your project `npm i bullmq ioredis`). The
 * producer and the workers share nothing but Redis: each worker has its own CODEX_HOME, as on its
 * own machine. Worker w1 runs the first turn, with a tool that lives on the worker; then w1 stops
 * and w2 runs the second turn from the checkpoint in Redis, with the first turn in its history.
 * Offline against the built-in mock model. Without REDIS_URL it says how to run it and exits.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { tool, type Logger } from "codexkit";
import { checkRedis, CodexQueue, CodexWorker } from "codexkit/queue";
import { callTool, MockModelServer, say } from "codexkit/testing";

const redisUrl = process.env.REDIS_URL;
if (!redisUrl) {
  console.log("REDIS_URL is not set: this example needs a Redis (6.2 or later) to queue turns on.");
  console.log("  redis-server --port 6379 --save '' &    # or: docker run -p 6379:6379 redis:7");
  console.log("  REDIS_URL=redis://127.0.0.1:6379 npx tsx examples/queue.ts");
  process.exit(0);
}

const QUEUE = "codexkit-example";
const { endpoint, version } = await checkRedis(redisUrl); // what `codexkit doctor --redis <url>` checks
console.log(`Redis ${version} at ${endpoint}, queue "${QUEUE}"`);

/** The worker's log events of interest, one line each (a pino logger fits here as is). */
function workerLog(id: string): Logger {
  const print = (fields: Record<string, unknown>): void => {
    if (fields.event === "queue.checkpoint") console.log(`  [${id}] checkpoint after turn ${String(fields.seq)}: ${String(fields.totalBytes)} bytes in Redis`);
    if (fields.event === "queue.recover" && fields.reason === "moved") console.log(`  [${id}] restored thread ${String(fields.threadId)} from its checkpoint (${String(fields.bytes)} bytes)`);
  };
  return { debug: print, info: print, warn: () => {}, error: () => {} };
}

/** A worker: its own codex (own CODEX_HOME), and the tools threads may name. */
function startWorker(id: string): CodexWorker {
  const lookupOrder = tool({
    name: "lookup_order",
    description: "An order's shipping status",
    parameters: z.object({ order: z.string() }),
    // Tools run on the worker: make them idempotent, a turn can run twice if its worker dies.
    execute: ({ order }) => {
      console.log(`  [${id}] tool lookup_order(${JSON.stringify({ order })})`);
      return { order, status: "packed", ships: "tomorrow" };
    },
  });
  return new CodexWorker({ connection: redisUrl!, name: QUEUE, id, tools: [lookupOrder], codex: { ...model.codexOptions() }, logger: workerLog(id) });
}

const cwd = mkdtempSync(path.join(os.tmpdir(), "codexkit-queue-"));
const model = await MockModelServer.start();
const queue = new CodexQueue({ connection: redisUrl, name: QUEUE });
const w1 = startWorker("w1");
let w2: CodexWorker | undefined;
try {
  await w1.waitUntilReady();
  console.log("worker w1 ready");
  model.reply(callTool("lookup_order", { order: "A-17" })).reply(say("Order A-17 is packed and ships tomorrow."));
  model.reply(say(JSON.stringify({ order: "A-17", eta: "tomorrow" })));

  // The producer: threads name the workers' tools; callbacks cannot travel, so there are none here.
  const thread = queue.startThread({ workingDirectory: cwd, skipGitRepoCheck: true, tools: ["lookup_order"] });
  const first = await thread.run("Where is order A-17?");
  console.log(`turn 1: ${first.finalResponse}`);
  console.log(`thread ${thread.id}`); // keep it: any producer can queue.resumeThread(id) later

  await w1.close(); // drains: running turns finish first (what SIGTERM does to `codexkit worker`)
  w2 = startWorker("w2");
  await w2.waitUntilReady();
  console.log("worker w1 stopped; worker w2 ready (another CODEX_HOME, as on another machine)");

  // A Standard Schema travels as JSON Schema; the producer validates the answer with the original.
  const second = await thread.run("Summarize it as JSON.", { outputSchema: z.object({ order: z.string(), eta: z.string() }) });
  console.log(`turn 2: order ${second.structuredOutput?.order}, eta ${second.structuredOutput?.eta}`);
  const history = JSON.stringify(model.responseRequests().at(-1)?.body.input);
  console.log(`turn 2's request carried turn 1: ${history.includes("Where is order A-17?") && history.includes("ships tomorrow")}`);
} finally {
  await queue.close();
  await w1.close();
  await w2?.close(); // close the workers (and their codex) before the model they talk to
  await model.close();
  rmSync(cwd, { recursive: true, force: true });
}
