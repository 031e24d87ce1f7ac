/**
 * The queue's features in one process, on a private Redis and the real binary: interrupting a
 * running turn and aborting a queued one, tools named by a thread and run on the worker, the
 * producer's trace continued by the worker, the queue's log events, BullMQ's rate limiter, and a
 * queue and worker without a Redis that answers.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { context, createTraceState, trace } from "@opentelemetry/api";
import { Queue } from "bullmq";
import { afterAll, afterEach, beforeAll, beforeEach, expect } from "vitest";
import { z } from "zod";
import { AbortError, InvalidOptionsError, tool } from "../../../src/index.js";
import { CodexQueue, CodexWorker, QueueConnectionError, type CodexQueueOptions, type CodexWorkerOptions, type QueuedThread } from "../../../src/queue/index.js";
import { callTool, MockModelServer, say, stall } from "../../../src/testing/index.js";
import { recordingLogger } from "../../helpers/logger.js";
import { only, otelCapture } from "../../helpers/otel.js";
import { PROCESS_TABLE_READABLE } from "../../helpers/platform.js";
import { processesWithEnv } from "../../helpers/processes.js";
import { freePort, redisOnly, startRedis, type PrivateRedis } from "../../helpers/redis.js";

let redis: PrivateRedis;
let cwd: string;
beforeAll(async () => {
  redis = await startRedis();
  cwd = mkdtempSync(path.join(os.tmpdir(), "codexkit-queue-features-"));
});
afterAll(async () => {
  await redis?.close();
  if (cwd) rmSync(cwd, { recursive: true, force: true });
});

/** What a test opened, closed after it in reverse order (the model server last: codex writes into its temp dirs until it exits). */
let model: MockModelServer;
let opened: { close(): Promise<unknown> }[] = [];
beforeEach(async () => {
  model = await MockModelServer.start();
});
afterEach(async () => {
  try {
    for (const item of opened.reverse()) await item.close();
  } finally {
    opened = [];
    await model.close();
  }
});

function worker(name: string, extra: Partial<CodexWorkerOptions> = {}): CodexWorker {
  const created = new CodexWorker({ connection: redis.url, name, id: `${name}-worker`, codex: { ...model.codexOptions(), transport: "app-server" }, ...extra });
  opened.push(created);
  return created;
}

function queue(name: string, extra: Partial<CodexQueueOptions> = {}): CodexQueue {
  const created = new CodexQueue({ connection: redis.url, name, ...extra });
  opened.push(created);
  return created;
}

/** BullMQ's own view of a queue, to see where its jobs are. */
function bullQueue(name: string): Queue {
  const created = new Queue(name, { connection: { host: "127.0.0.1", port: redis.port }, prefix: "codexkit" });
  opened.push(created);
  return created;
}

const threadOptions = (): { workingDirectory: string; skipGitRepoCheck: true } => ({ workingDirectory: cwd, skipGitRepoCheck: true });

/** How `promise` settled within `ms`, or "pending": for the bounds the queue promises ("promptly", "within 15 s"). */
async function settledWithin<T>(promise: Promise<T>, ms: number): Promise<{ value: T } | { error: unknown } | "pending"> {
  let timer: NodeJS.Timeout | undefined;
  const pending = new Promise<"pending">((resolve) => (timer = setTimeout(() => resolve("pending"), ms)));
  try {
    return await Promise.race([promise.then((value) => ({ value }), (error: unknown) => ({ error })), pending]);
  } finally {
    clearTimeout(timer);
  }
}

/** The model's requests' input, as text. */
const inputOf = (index: number): string => JSON.stringify(model.responseRequests()[index]!.body.input);

redisOnly("interrupt() stops a turn stalled in the model: run() rejects with AbortError, and the thread's next turn runs with its history", async () => {
  const w = worker("interrupt");
  const q = queue("interrupt");
  await w.waitUntilReady();
  model.reply(say("one"));
  const thread = q.startThread(threadOptions());
  await thread.run("prompt one");
  const id = thread.id;

  model.enqueue(stall());
  // Its rejection is caught from the start: it may come before interrupt() resolves.
  const running = thread.run("prompt two").catch((reason: unknown) => reason);
  await model.waitForRequests(2);
  await thread.interrupt();
  const error = await running;
  expect(error).toBeInstanceOf(AbortError);
  expect((error as AbortError).code).toBe("aborted");

  model.reply(say("three"));
  const third = await thread.run("prompt three");
  expect(third.finalResponse).toBe("three");
  expect(thread.id).toBe(id);
  expect(model.responseRequests()).toHaveLength(3);
  expect(inputOf(2)).toContain("prompt one");
  expect(inputOf(2).split("prompt three").length - 1).toBe(1);
}, 60_000);

redisOnly("interrupt() during a thread's first turn: the stream ends with AbortError, and the thread goes on under the same id", async () => {
  const w = worker("interrupt-first");
  const q = queue("interrupt-first");
  await w.waitUntilReady();
  model.enqueue(stall());
  const thread = q.startThread(threadOptions());
  const { events } = await thread.runStreamed("the first prompt");
  const seen: string[] = [];
  let error: unknown;
  try {
    for await (const event of events) {
      seen.push(event.type);
      // thread.started comes once the worker recorded the thread; the model has the request soon after.
      if (event.type === "turn.started") {
        await model.waitForRequests(1);
        await thread.interrupt();
      }
    }
  } catch (thrown) {
    error = thrown;
  }
  expect(error).toBeInstanceOf(AbortError);
  expect(seen.slice(0, 2)).toEqual(["thread.started", "turn.started"]);
  const id = thread.id;
  expect(id).toMatch(/^[0-9a-f-]{36}$/);

  model.reply(say("second"));
  expect((await thread.run("the second prompt")).finalResponse).toBe("second");
  expect(thread.id).toBe(id);
  expect(inputOf(1)).toContain("the first prompt");
}, 60_000);

redisOnly("interrupt() of a known thread's turn no worker started: AbortError at once, and a worker later records it as an empty turn so the next one runs", async () => {
  const first = worker("interrupt-queued");
  const q = queue("interrupt-queued");
  const bull = bullQueue("interrupt-queued");
  await first.waitUntilReady();
  model.reply(say("one"));
  const thread = q.startThread(threadOptions());
  await thread.run("prompt one");
  // No worker now: the next turn waits in the queue.
  await first.close();
  const running = thread.run("prompt two");
  await expect.poll(async () => (await bull.getJobCounts("wait")).wait, { timeout: 10_000 }).toBe(1);
  // Watched from now: the rejection may come before interrupt() resolves.
  const watched = settledWithin(running, 10_000);
  await thread.interrupt();
  const settled = await watched;
  expect(settled).not.toBe("pending");
  expect((settled as { error: unknown }).error).toBeInstanceOf(AbortError);

  const log = recordingLogger();
  const second = worker("interrupt-queued", { id: "second", logger: log });
  await second.waitUntilReady();
  model.reply(say("three"));
  expect((await thread.run("prompt three")).finalResponse).toBe("three");
  expect(model.responseRequests()).toHaveLength(2);
  expect(inputOf(1)).toContain("prompt one");
  expect(inputOf(1)).not.toContain("prompt two");

  // The interrupted turn ends on the worker as aborted; it was never run, so nothing was recovered or redelivered.
  await expect.poll(() => log.entries.filter((e) => e.obj.event === "queue.complete").length).toBe(2);
  const ended = log.entries.filter((e) => e.obj.event === "queue.complete").map((e) => e.obj);
  expect(ended.map((e) => e.seq)).toEqual([2, 3]);
  expect.soft(ended[0]).toMatchObject({ outcome: "aborted", code: "aborted" });
  expect.soft(log.entries.filter((e) => e.obj.event === "queue.recover" && e.obj.seq === 2).map((e) => e.obj)).toEqual([]);
}, 60_000);

redisOnly("a signal aborts a queued turn no worker runs yet: AbortError promptly, and a worker started later does not run it", async () => {
  const q = queue("signal");
  const bull = bullQueue("signal");
  await q.waitUntilReady();
  const controller = new AbortController();
  const running = q.startThread(threadOptions()).run("never asked", { signal: controller.signal });
  // Once the turn is a job waiting for a worker, abort it.
  await expect.poll(async () => (await bull.getJobCounts("wait")).wait, { timeout: 10_000 }).toBe(1);
  controller.abort();
  const settled = await settledWithin(running, 10_000);
  expect(settled).not.toBe("pending");
  expect((settled as { error: unknown }).error).toBeInstanceOf(AbortError);

  const w = worker("signal");
  await w.waitUntilReady();
  // The worker takes the job, finds it cancelled and ends it without running it.
  await expect.poll(async () => (await bull.getJobCounts("completed")).completed, { timeout: 20_000 }).toBe(1);
  expect(model.responseRequests()).toHaveLength(0);
  expect(await bull.getJobCounts("wait", "active", "delayed", "failed")).toEqual({ wait: 0, active: 0, delayed: 0, failed: 0 });
}, 60_000);

redisOnly("a signal aborted while the turn is being queued still aborts it (not a hang until a worker comes)", async () => {
  const q = queue("signal-early");
  await q.waitUntilReady();
  const controller = new AbortController();
  const running = q.startThread(threadOptions()).run("never asked", { signal: controller.signal });
  // run() has started (its checks passed); the job is still being added.
  controller.abort();
  const settled = await settledWithin(running, 10_000);
  expect(settled, "run() was still pending 10 s after its signal aborted").not.toBe("pending");
  expect((settled as { error: unknown }).error).toBeInstanceOf(AbortError);
}, 30_000);

redisOnly("a thread's named tool runs on the worker and its result reaches the model; a tool the worker lacks is an InvalidOptionsError naming it", async () => {
  const calls: string[] = [];
  const lookup = tool({
    name: "lookup",
    description: "Looks up a key",
    parameters: z.object({ key: z.string() }),
    execute: ({ key }) => {
      calls.push(key);
      return `the value of ${key} is 42`;
    },
  });
  const unused = tool({ name: "unused", description: "Not offered", parameters: z.object({}), execute: () => "never" });
  const w = worker("tools", { tools: [lookup, unused] });
  const q = queue("tools");
  await w.waitUntilReady();
  model.reply(callTool("lookup", { key: "answer" }, { callId: "call_lookup" })).reply(say("it is 42"));
  const thread = q.startThread({ ...threadOptions(), tools: ["lookup"] });
  const turn = await thread.run("look up the answer");
  expect(turn.finalResponse).toBe("it is 42");
  expect(calls).toEqual(["answer"]);

  const [first, second] = model.responseRequests();
  const offered = JSON.stringify(first!.body.tools);
  expect(offered).toContain('"lookup"');
  expect(offered).not.toContain('"unused"');
  const outputs = (second!.body.input as { type?: string; call_id?: string; output?: unknown }[]).filter((item) => item.type === "function_call_output");
  expect(outputs).toHaveLength(1);
  expect(outputs[0]!.call_id).toBe("call_lookup");
  expect(JSON.stringify(outputs[0]!.output)).toContain("the value of answer is 42");

  const lacking = q.startThread({ ...threadOptions(), tools: ["lookup", "missing"] });
  const error = await lacking.run("use the missing tool").catch((reason: unknown) => reason);
  expect(error).toBeInstanceOf(InvalidOptionsError);
  expect((error as Error).message).toBe('this worker has no tool named "missing"; it has "lookup", "unused"');
  expect(model.responseRequests()).toHaveLength(2);
}, 60_000);

redisOnly("the producer's span is the parent of the worker's invoke_agent span", async () => {
  const otel = otelCapture();
  opened.push({ close: () => otel.shutdown() });
  const w = worker("trace", { codex: { ...model.codexOptions(), transport: "app-server", tracer: otel.tracerProvider.getTracer("codexkit") } });
  const q = queue("trace");
  await w.waitUntilReady();
  model.reply(say("traced"));
  const thread = q.startThread(threadOptions());
  const { caller, result } = await otel.inCallerSpan(() => thread.run("a traced prompt"));
  expect(result.finalResponse).toBe("traced");
  await expect.poll(() => otel.named("invoke_agent codex").length).toBe(1);
  const agent = only(otel.named("invoke_agent codex"), "invoke_agent spans");
  expect(agent.spanContext().traceId).toBe(caller.spanContext().traceId);
  expect(agent.parentSpanContext?.spanId).toBe(caller.spanContext().spanId);
  expect(agent.attributes["gen_ai.conversation.id"]).toBe(thread.id);
  // The worker's other spans of the turn are in the same trace.
  for (const span of otel.spans().filter((s) => s !== agent)) expect(span.spanContext().traceId).toBe(caller.spanContext().traceId);
}, 60_000);

redisOnly("the producer's tracestate travels with its traceparent to the worker's spans", async () => {
  const otel = otelCapture();
  opened.push({ close: () => otel.shutdown() });
  const w = worker("tracestate", { codex: { ...model.codexOptions(), transport: "app-server", tracer: otel.tracerProvider.getTracer("codexkit") } });
  const q = queue("tracestate");
  await w.waitUntilReady();
  model.reply(say("traced"));
  const thread = q.startThread(threadOptions());
  // A caller whose trace carries vendor state (as one continued from an incoming request would).
  const incoming = trace.setSpanContext(context.active(), { traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "b7ad6b7169203331", traceFlags: 1, isRemote: true, traceState: createTraceState("vendor=abc") });
  const caller = otel.tracerProvider.getTracer("test").startSpan("caller", {}, incoming);
  expect(caller.spanContext().traceState?.serialize()).toBe("vendor=abc");
  try {
    await context.with(trace.setSpan(incoming, caller), () => thread.run("a traced prompt"));
  } finally {
    caller.end();
  }
  await expect.poll(() => otel.named("invoke_agent codex").length).toBe(1);
  const agent = only(otel.named("invoke_agent codex"), "invoke_agent spans");
  expect(agent.parentSpanContext?.spanId).toBe(caller.spanContext().spanId);
  expect(agent.spanContext().traceState?.serialize()).toBe("vendor=abc");
}, 60_000);

redisOnly("queue and worker log queue.enqueue, queue.start, queue.checkpoint and queue.complete with their documented fields", async () => {
  const producerLog = recordingLogger();
  const workerLog = recordingLogger();
  const w = worker("logs", { logger: workerLog });
  const q = queue("logs", { logger: producerLog });
  await w.waitUntilReady();
  model.reply(say("one")).reply(say("two"));
  const thread = q.startThread(threadOptions());
  await thread.run("prompt one");
  await thread.run("prompt two");
  const id = thread.id!;
  // The producer has its answer at the commit; the worker logs the checkpoint and the end just after.
  await expect.poll(() => workerLog.entries.filter((entry) => entry.obj.event === "queue.complete").length).toBe(2);
  const named = (log: ReturnType<typeof recordingLogger>, event: string) => log.entries.filter((entry) => entry.obj.event === event);
  const keys = (entries: { obj: Record<string, unknown> }[]) => entries.map((entry) => Object.keys(entry.obj).sort());

  const enqueued = named(producerLog, "queue.enqueue");
  expect(enqueued.map((e) => [e.level, e.msg])).toEqual([
    ["info", "turn queued"],
    ["info", "turn queued"],
  ]);
  expect(keys(enqueued)).toEqual(Array(2).fill(["event", "jobId", "queue", "seq", "threadId"]));
  expect(enqueued.map((e) => e.obj)).toMatchObject([
    { queue: "logs", threadId: null, seq: 1 },
    { queue: "logs", threadId: id, seq: 2 },
  ]);
  const jobIds = enqueued.map((e) => e.obj.jobId);
  expect(new Set(jobIds).size).toBe(2);
  // The producer logs nothing of the worker's.
  expect(producerLog.entries.filter((e) => String(e.obj.event).startsWith("queue.") && e.obj.event !== "queue.enqueue")).toEqual([]);

  const started = named(workerLog, "queue.start");
  expect(started.map((e) => [e.level, e.msg])).toEqual(Array(2).fill(["info", "queued turn started"]));
  expect(keys(started)).toEqual(Array(2).fill(["attempt", "event", "fence", "jobId", "queue", "seq", "threadId", "waitMs", "worker"]));
  expect(started.map((e) => e.obj)).toMatchObject([
    { queue: "logs", worker: "logs-worker", jobId: jobIds[0], seq: 1, threadId: null, attempt: 1, fence: 1 },
    { queue: "logs", worker: "logs-worker", jobId: jobIds[1], seq: 2, threadId: id, attempt: 1, fence: 2 },
  ]);
  for (const e of started) expect(e.obj.waitMs).toBeGreaterThanOrEqual(0);

  const checkpoints = named(workerLog, "queue.checkpoint");
  expect(checkpoints.map((e) => [e.level, e.msg])).toEqual(Array(2).fill(["debug", "rollout checkpointed"]));
  expect(keys(checkpoints)).toEqual(Array(2).fill(["bytes", "event", "jobId", "queue", "seq", "threadId", "totalBytes", "worker"]));
  expect(checkpoints.map((e) => e.obj)).toMatchObject([
    { queue: "logs", worker: "logs-worker", jobId: jobIds[0], seq: 1, threadId: id },
    { queue: "logs", worker: "logs-worker", jobId: jobIds[1], seq: 2, threadId: id },
  ]);
  const [first, second] = checkpoints.map((e) => e.obj as { bytes: number; totalBytes: number });
  expect(first!.bytes).toBeGreaterThan(0);
  // The first checkpoint began with codex's session line.
  expect(first!.totalBytes).toBeGreaterThan(first!.bytes);
  expect(second!.bytes).toBeGreaterThan(0);
  expect(second!.totalBytes).toBe(first!.totalBytes + second!.bytes);

  const completed = named(workerLog, "queue.complete");
  expect(completed.map((e) => [e.level, e.msg])).toEqual(Array(2).fill(["info", "queued turn ended"]));
  expect(keys(completed)).toEqual(Array(2).fill(["code", "durationMs", "event", "jobId", "outcome", "queue", "seq", "threadId", "worker"]));
  expect(completed.map((e) => e.obj)).toMatchObject([
    { queue: "logs", worker: "logs-worker", jobId: jobIds[0], seq: 1, threadId: id, outcome: "completed", code: undefined },
    { queue: "logs", worker: "logs-worker", jobId: jobIds[1], seq: 2, threadId: id, outcome: "completed", code: undefined },
  ]);
  for (const e of completed) expect(e.obj.durationMs).toBeGreaterThanOrEqual(0);

  // The same worker ran both turns: nothing was restored or redelivered.
  expect(named(workerLog, "queue.recover")).toEqual([]);
  // The worker's codex logs to the same logger (its process started).
  expect(named(workerLog, "process.spawn").length).toBeGreaterThan(0);
}, 60_000);

redisOnly("a worker's rate limiter runs one of two threads' turns and leaves the other queued", async () => {
  const w = worker("limited", { limiter: { max: 1, durationMs: 60_000 } });
  const q = queue("limited");
  const bull = bullQueue("limited");
  await w.waitUntilReady();
  model.reply(say("the only answer")).reply(say("never"));
  const threads: QueuedThread[] = [q.startThread(threadOptions()), q.startThread(threadOptions())];
  const runs = threads.map((t, i) => t.run(`turn ${i}`).then(() => i));
  // The loser's rejection is expected; it is looked at below.
  const outcomes = runs.map((run) => run.catch((reason: unknown) => reason));
  const winner = await Promise.race(runs);
  const loser = 1 - winner;
  expect(model.responseRequests()).toHaveLength(1);
  // The producer has its answer at the commit; BullMQ marks the job completed just after.
  await expect.poll(async () => (await bull.getJobCounts("completed")).completed).toBe(1);
  // A limiter's effect is that nothing happens: watch for a while that the other turn stays queued.
  const deadline = Date.now() + 1_500;
  while (Date.now() < deadline) {
    expect(model.responseRequests()).toHaveLength(1);
    expect(await bull.getJobCounts("active", "completed", "wait")).toEqual({ active: 0, completed: 1, wait: 1 });
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(await bull.getRateLimitTtl()).toBeGreaterThan(0);
  // Interrupted while queued, it ends at once; then everything closes cleanly.
  await threads[loser]!.interrupt();
  expect(await outcomes[loser]).toBeInstanceOf(AbortError);
  expect(model.responseRequests()).toHaveLength(1);
}, 60_000);

redisOnly("a queue without Redis: run() rejects with QueueConnectionError within 15 s", async () => {
  const port = await freePort();
  const q = new CodexQueue({ connection: `redis://127.0.0.1:${port}` });
  opened.push(q);
  const settled = await settledWithin(q.startThread(threadOptions()).run("x"), 15_000);
  expect(settled).not.toBe("pending");
  const error = (settled as { error: unknown }).error;
  expect(error).toBeInstanceOf(QueueConnectionError);
  expect(error).toMatchObject({ code: "queue_unavailable", endpoint: `redis://127.0.0.1:${port}` });
}, 30_000);

redisOnly("a worker without Redis: waitUntilReady() rejects with QueueConnectionError within 15 s, and close() leaves no process", async () => {
  const port = await freePort();
  const log = recordingLogger();
  const codex = model.codexOptions();
  const w = new CodexWorker({ connection: `redis://127.0.0.1:${port}`, codex: { ...codex, transport: "app-server" }, logger: log });
  const settled = await settledWithin(w.waitUntilReady(), 15_000);
  expect(settled).not.toBe("pending");
  expect((settled as { error: unknown }).error).toBeInstanceOf(QueueConnectionError);
  await w.close();
  // Its codex never started.
  expect(log.entries.filter((e) => e.obj.event === "process.spawn")).toEqual([]);
  if (PROCESS_TABLE_READABLE) expect(processesWithEnv(`CODEX_HOME=${codex.codexHome}`)).toEqual([]);
}, 30_000);
