/**
 * Many threads over several `codexkit worker` processes at once: every turn runs exactly once,
 * each thread's turns run in the order they were submitted (even when submitted together), and
 * no thread's history or answers leak into another's, while threads move between workers.
 */
import { afterAll, beforeAll, expect } from "vitest";
import { lastUserText, say } from "../../../src/testing/index.js";
import { occurrences, turnJobs, workersFixture, workersTest } from "../../helpers/queue-workers.js";
import { REDIS_INSTALLED, startRedis, type PrivateRedis } from "../../helpers/redis.js";

let redis: PrivateRedis | undefined;
beforeAll(async () => {
  if (REDIS_INSTALLED) redis = await startRedis();
});
afterAll(async () => {
  await redis?.close();
});

const THREADS = 6;
const TURNS = 3;

const prompt = (thread: number, turn: number): string => `thread ${thread} turn ${turn}`;
/** The mock's n-th answer (1-based): each model request gets the next one, in arrival order. */
const answer = (n: number): string => `answer-${String(n).padStart(2, "0")}`;

workersTest("six threads of three turns over three workers: every turn once, in its thread's order, no histories mixed", async () => {
  const fx = await workersFixture(redis!.url, "many");
  const workers = await fx.fleet.startReady([
    { id: "worker-1", concurrency: 2 },
    { id: "worker-2", concurrency: 2 },
    { id: "worker-3", concurrency: 2 },
  ]);
  for (let n = 1; n <= THREADS * TURNS; n++) fx.model.reply(say(answer(n)));

  const results = new Map<string, string>();
  await Promise.all(
    Array.from({ length: THREADS }, async (_, i) => {
      const t = i + 1;
      const thread = fx.queue.startThread({ workingDirectory: fx.cwd, skipGitRepoCheck: true });
      results.set(prompt(t, 1), (await thread.run(prompt(t, 1))).finalResponse);
      // The later turns are submitted together, from two handles: the queue, not this producer, keeps their order.
      const later = Array.from({ length: TURNS - 1 }, (_, k) => fx.queue.resumeThread(thread.id!).run(prompt(t, k + 2)));
      const turns = await Promise.all(later);
      turns.forEach((turn, k) => results.set(prompt(t, k + 2), turn.finalResponse));
    }),
  );

  const requests = fx.model.responseRequests();
  expect(requests).toHaveLength(THREADS * TURNS);
  expect(fx.model.pending).toBe(0);
  expect(fx.model.unexpectedRequests).toEqual([]);
  // Which request each turn was, and so which answer it got.
  const index = new Map<string, number>();
  requests.forEach((request, n) => {
    const text = lastUserText(request) ?? "";
    expect(index.has(text), `${text} was sent to the model twice`).toBe(false);
    index.set(text, n);
  });
  for (let t = 1; t <= THREADS; t++) {
    for (let k = 1; k <= TURNS; k++) {
      const n = index.get(prompt(t, k));
      expect(n, `${prompt(t, k)} never reached the model`).toBeDefined();
      // The producer got this turn's own answer back.
      expect({ turn: prompt(t, k), answer: results.get(prompt(t, k)) }).toEqual({ turn: prompt(t, k), answer: answer(n! + 1) });
      if (k > 1) expect(n!, `${prompt(t, k)} ran before ${prompt(t, k - 1)}`).toBeGreaterThan(index.get(prompt(t, k - 1))!);
      // Its history: its own thread's earlier prompts and answers, once each, and nothing of any other thread.
      const history = JSON.stringify(requests[n!]!.body.input);
      const expected = Array.from({ length: k - 1 }, (_, j) => [prompt(t, j + 1), answer(index.get(prompt(t, j + 1))! + 1)]).flat();
      for (const text of [...expected, prompt(t, k)]) expect({ turn: prompt(t, k), text, count: occurrences(history, text) }).toEqual({ turn: prompt(t, k), text, count: 1 });
      expect({ turn: prompt(t, k), prompts: [...history.matchAll(/thread \d+ turn \d+/g)].map((m) => m[0]).sort() }).toEqual({ turn: prompt(t, k), prompts: Array.from({ length: k }, (_, j) => prompt(t, j + 1)) });
      expect({ turn: prompt(t, k), answers: [...history.matchAll(/answer-\d\d/g)].map((m) => m[0]).sort() }).toEqual({ turn: prompt(t, k), answers: expected.filter((_, j) => j % 2 === 1).sort() });
    }
  }

  // Every turn ran once, and on the worker processes, all three of them taking a share.
  const jobs = await turnJobs(redis!.url, fx.name, ["completed", "failed", "active", "waiting", "delayed"]);
  expect(jobs.map((job) => job.state)).toEqual(Array.from({ length: THREADS * TURNS }, () => "completed"));
  expect(jobs.filter((job) => job.stalledCounter > 0)).toEqual([]);
  expect(new Set(jobs.map((job) => job.processedBy))).toEqual(new Set(workers.map((w) => w.id)));
}, 60_000);
