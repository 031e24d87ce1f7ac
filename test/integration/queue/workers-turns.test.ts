/**
 * Queued turns on `codexkit worker` processes, as a deployment runs them: a thread's turns keep
 * their history and stream their events back in order, and a producer that exits while its turn
 * runs loses nothing (another producer resumes the thread after it).
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, onTestFinished } from "vitest";
import type { ThreadEvent } from "../../../src/index.js";
import type { QueuedThreadEvent } from "../../../src/queue/index.js";
import { lastUserText, say, stream } from "../../../src/testing/index.js";
import { REPORT, startScript } from "../../helpers/child-script.js";
import { processesWithEnv } from "../../helpers/processes.js";
import { expectTurnEvents, occurrences, QUEUE_ENTRY, turnJobs, workersFixture, workersTest } from "../../helpers/queue-workers.js";
import { REDIS_INSTALLED, startRedis, type PrivateRedis } from "../../helpers/redis.js";

let redis: PrivateRedis | undefined;
beforeAll(async () => {
  if (REDIS_INSTALLED) redis = await startRedis();
});
afterAll(async () => {
  await redis?.close();
});

async function collect(events: AsyncIterable<QueuedThreadEvent>): Promise<QueuedThreadEvent[]> {
  const out: QueuedThreadEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

/** Each item's events in order: started (if any), updates, then completed, once. */
function expectItemsInOrder(events: readonly QueuedThreadEvent[]): void {
  const phases = new Map<string, string[]>();
  for (const event of events) {
    if (event.type !== "item.started" && event.type !== "item.updated" && event.type !== "item.completed") continue;
    const item = (event as Extract<ThreadEvent, { type: "item.completed" }>).item;
    phases.set(item.id, [...(phases.get(item.id) ?? []), event.type]);
  }
  for (const [id, seen] of phases) {
    expect({ id, seen: seen.join(" ") }).toEqual({ id, seen: expect.stringMatching(/^(item\.started )?(item\.updated )*item\.completed$/) as unknown });
  }
}

function answersOf(events: readonly QueuedThreadEvent[]): string[] {
  return events.flatMap((e) => (e.type === "item.completed" && e.item.type === "agent_message" ? [e.item.text] : []));
}

workersTest("a worker process runs a thread's turns: the history holds each earlier turn once, and events stream back in order", async () => {
  const fx = await workersFixture(redis!.url, "turns");
  await fx.fleet.startReady([{ id: "worker-1" }]);
  fx.model.reply(say("answer one")).reply(say("answer two"));
  const thread = fx.queue.startThread({ workingDirectory: fx.cwd, skipGitRepoCheck: true });

  const first = await collect((await thread.runStreamed("prompt one")).events);
  expectTurnEvents(first.map((e) => e.type));
  expectItemsInOrder(first);
  expect(answersOf(first)).toEqual(["answer one"]);
  const started = first[0] as Extract<ThreadEvent, { type: "thread.started" }>;
  expect(thread.id).toBe(started.thread_id);

  const second = await collect((await thread.runStreamed("prompt two")).events);
  expectTurnEvents(second.map((e) => e.type));
  expectItemsInOrder(second);
  expect(answersOf(second)).toEqual(["answer two"]);
  expect(second[0]).toEqual({ type: "thread.started", thread_id: thread.id });

  const requests = fx.model.responseRequests();
  expect(requests.map((r) => lastUserText(r))).toEqual(["prompt one", "prompt two"]);
  const history = JSON.stringify(requests[1]!.body.input);
  for (const text of ["prompt one", "answer one", "prompt two"]) expect({ text, count: occurrences(history, text) }).toEqual({ text, count: 1 });
  // The worker process, not this one, ran them.
  const jobs = await turnJobs(redis!.url, fx.name, ["completed"]);
  expect(jobs.map((job) => job.processedBy)).toEqual(["worker-1", "worker-1"]);
  expect(fx.model.unexpectedRequests).toEqual([]);
}, 60_000);

workersTest("a producer that exits right after thread.started loses nothing: a new producer resumes the thread after its turn", async () => {
  const fx = await workersFixture(redis!.url, "producer-exit");
  const tag = randomUUID();
  const marker = `CODEXKIT_TEST_PRODUCER=${tag}`;
  // The first turn's answer comes slowly, so its producer is gone well before the turn ends.
  fx.model.enqueue(stream([say("first answer")], { delayMs: 400 }));
  fx.model.reply(say("next answer"));
  const producer = startScript(
    `import { CodexQueue } from ${JSON.stringify(QUEUE_ENTRY)};
${REPORT}
const queue = new CodexQueue({ connection: process.env.REDIS_URL, name: process.env.QUEUE_NAME });
const thread = queue.startThread({ workingDirectory: process.env.WORK_DIR, skipGitRepoCheck: true });
const { events } = await thread.runStreamed("the first prompt");
for await (const event of events) {
  if (event.type === "thread.started") {
    report("started", { id: event.thread_id });
    process.exit(0);
  }
}
report("ended");
`,
    { REDIS_URL: redis!.url, QUEUE_NAME: fx.name, WORK_DIR: fx.cwd, CODEXKIT_TEST_PRODUCER: tag },
  );
  onTestFinished(() => producer.dispose());
  await fx.fleet.startReady([{ id: "worker-1" }]);
  const { id } = await producer.waitFor("started", 30_000);
  expect(id).toMatch(/^[0-9a-f-]{36}$/);
  expect(await producer.exited).toMatchObject({ code: 0, signal: null });
  expect(producer.messages.map((m) => m.stage)).toEqual(["started"]);
  expect(processesWithEnv(marker)).toEqual([]);
  // Its turn was still running when it left.
  expect((await turnJobs(redis!.url, fx.name, ["active"])).map((job) => job.input)).toEqual(["the first prompt"]);

  const next = await fx.queue.resumeThread(id as string).run("next");
  expect(next.finalResponse).toBe("next answer");
  const requests = fx.model.responseRequests();
  expect(requests.map((r) => lastUserText(r))).toEqual(["the first prompt", "next"]);
  const history = JSON.stringify(requests[1]!.body.input);
  for (const text of ["the first prompt", "first answer"]) expect({ text, count: occurrences(history, text) }).toEqual({ text, count: 1 });
  expect(fx.model.unexpectedRequests).toEqual([]);
}, 60_000);
