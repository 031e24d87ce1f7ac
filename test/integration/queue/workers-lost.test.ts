/**
 * A worker process lost mid-turn, as a deployment loses one (SIGKILL: an OOM kill, a machine
 * gone): another worker process finishes the turn after the lock runs out, the producer is told
 * the turn was redelivered, the thread's history keeps every turn exactly once, and the dead
 * worker's codex does not live on.
 */
import { afterAll, beforeAll, expect } from "vitest";
import type { QueuedThreadEvent } from "../../../src/queue/index.js";
import { lastUserText, say, stall } from "../../../src/testing/index.js";
import { expectTurnEvents, occurrences, turnJobs, workersFixture, workersTest } from "../../helpers/queue-workers.js";
import { REDIS_INSTALLED, startRedis, type PrivateRedis } from "../../helpers/redis.js";

let redis: PrivateRedis | undefined;
beforeAll(async () => {
  if (REDIS_INSTALLED) redis = await startRedis();
});
afterAll(async () => {
  await redis?.close();
});

/** How long the turn of a lost worker may take to complete on another (the lock lasts 3 s in tests). */
const REDELIVERY_LIMIT_MS = 30_000;

workersTest("a worker SIGKILLed mid-turn: the turn completes on the other worker, redelivered, and the history holds each turn once", async () => {
  const fx = await workersFixture(redis!.url, "lost");
  const [a, b] = await fx.fleet.startReady([{ id: "worker-a" }, { id: "worker-b" }]);
  const thread = fx.queue.startThread({ workingDirectory: fx.cwd, skipGitRepoCheck: true });
  fx.model.reply(say("answer one"));
  expect((await thread.run("prompt one")).finalResponse).toBe("answer one");

  // The second turn's model call never answers: its worker is busy with it until it is killed.
  fx.model.enqueue(stall());
  fx.model.reply(say("answer two"));
  const { events } = await thread.runStreamed("prompt two");
  const seen: QueuedThreadEvent[] = [];
  const reading = (async () => {
    for await (const event of events) seen.push(event);
  })();
  reading.catch(() => undefined);
  await fx.model.waitForRequests(2);
  const [active] = await turnJobs(redis!.url, fx.name, ["active"]);
  expect(active?.input).toBe("prompt two");
  const victim = [a!, b!].find((w) => w.id === active!.processedBy);
  const survivor = [a!, b!].find((w) => w !== victim);
  if (!victim || !survivor) throw new Error(`the stalled turn is held by ${String(active?.processedBy)}, not by one of the workers`);
  // The victim's codex is the one running the turn: it exists now, and must not outlive its worker.
  expect(victim.codexPids().length).toBeGreaterThan(0);
  // The producer has seen the lost attempt start.
  await expect.poll(() => seen.map((e) => e.type), { timeout: 15_000, interval: 50 }).toEqual(["thread.started", "turn.started"]);

  expect((await victim.kill()).signal).toBe("SIGKILL");
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the turn did not complete within ${REDELIVERY_LIMIT_MS} ms of its worker's death; events so far: ${seen.map((e) => e.type).join(", ")}`)), REDELIVERY_LIMIT_MS);
  });
  try {
    await Promise.race([reading, limit]);
  } finally {
    clearTimeout(timer);
  }

  const types = seen.map((e) => e.type);
  const redelivered = seen.filter((e) => e.type === "turn.redelivered");
  expect(redelivered).toEqual([{ type: "turn.redelivered", attempt: 2, reason: "worker_lost" }]);
  // The lost attempt started the turn; the new one starts it again and completes it.
  const at = types.indexOf("turn.redelivered");
  expect(types.slice(0, at)).toEqual(["thread.started", "turn.started"]);
  expectTurnEvents(types.slice(at + 1));
  const answers = seen.slice(at).flatMap((e) => (e.type === "item.completed" && e.item.type === "agent_message" ? [e.item.text] : []));
  expect(answers).toEqual(["answer two"]);
  const [done] = (await turnJobs(redis!.url, fx.name, ["completed"])).filter((job) => job.input === "prompt two");
  expect(done?.processedBy).toBe(survivor.id);
  expect(done?.stalledCounter).toBeGreaterThan(0);

  // The killed worker's codex goes too: nothing of the victim is left running.
  await expect.poll(() => victim.processes(), { timeout: 10_000, interval: 100 }).toEqual([]);

  fx.model.reply(say("answer three"));
  expect((await thread.run("prompt three")).finalResponse).toBe("answer three");
  const requests = fx.model.responseRequests();
  // prompt two was sent twice (the lost attempt and its redelivery); the history has it once.
  expect(requests.map((r) => lastUserText(r))).toEqual(["prompt one", "prompt two", "prompt two", "prompt three"]);
  const history = JSON.stringify(requests[3]!.body.input);
  for (const text of ["prompt one", "answer one", "prompt two", "answer two", "prompt three"]) expect({ text, count: occurrences(history, text) }).toEqual({ text, count: 1 });
  expect(fx.model.unexpectedRequests).toEqual([]);
  // The survivor still serves; the fixture's close checks that it drains and exits cleanly.
  expect(survivor.processes()).toContain(survivor.pid);
}, 120_000);
