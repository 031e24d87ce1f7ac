/**
 * The queue's Lua scripts on a private Redis, called as the worker and producer call them: a
 * thread is recorded once; turns are numbered; an attempt may run a turn only in order and gets a
 * new fence each time; a stale attempt (lower fence) or one whose checkpoint moved writes nothing;
 * a commit appends the checkpoint, sets len and done and ends the turn's stream in one step; a turn
 * that can never run is skipped only in its place in the order.
 */
import { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect } from "vitest";
import type { ScriptedRedis } from "../../../src/queue/event-log.js";
import { QueueKeys } from "../../../src/queue/keys.js";
import { defineScripts } from "../../../src/queue/settings.js";
import { redisOnly, startRedis, type PrivateRedis } from "../../helpers/redis.js";

const TTL = 60_000;
const EVENTS_TTL = 30_000;

let server: PrivateRedis;
let redis: ScriptedRedis;
beforeAll(async () => {
  server = await startRedis();
  redis = defineScripts(new Redis(server.url));
});
afterAll(async () => {
  redis?.disconnect();
  await server?.close();
});

let keys: QueueKeys;
let n = 0;
beforeEach(() => {
  // A queue of its own per test: no state carries over.
  keys = new QueueKeys("codexkit", `scripts${++n}`);
});

const session = Buffer.from('{"type":"session_meta","payload":{"id":"t"}}\n');
const REL = "sessions/2025/01/02/rollout-x-t.jsonl";

/** When the turns below were submitted (ms since the epoch). */
const NOW = 1_700_000_000_000;

/** Records thread `t` as the worker does at its first turn's `turn.started`. */
function init(thread = "t", jobId = "job1"): Promise<number> {
  return redis.initThread(keys.thread(thread), keys.chunks(thread), keys.jobThread(jobId), REL, session, jobId, TTL, thread, NOW);
}

/** Numbers turn `jobId` of thread `t`, as a producer does. */
function nextSeq(jobId: string, now = NOW): Promise<number> {
  return redis.nextSeq(keys.thread("t"), jobId, now);
}

function skip(seq: number, jobId: string, end: object = { f: 0, end: { error: { name: "ThreadStateError" } } }): Promise<number> {
  return redis.skipTurn(keys.thread("t"), keys.events(jobId), seq, JSON.stringify(end), EVENTS_TTL);
}

function commit(fence: number, base: number, bytes: Buffer, seq: number, jobId: string, end: object = { f: fence, end: {} }): Promise<number> {
  return redis.commitTurn(keys.thread("t"), keys.chunks("t"), keys.events(jobId), fence, base, bytes, seq, JSON.stringify(end), TTL, EVENTS_TTL);
}

/** The entries of a turn's stream, parsed. */
async function entries(jobId: string): Promise<unknown[]> {
  const stream = await redis.xrange(keys.events(jobId), "-", "+");
  return stream.map(([, fields]) => JSON.parse(fields[1]!) as unknown);
}

describe("the queue's scripts", () => {
  redisOnly("INIT_THREAD records a thread once, with its first checkpoint, fence 1 and expiry", async () => {
    expect(await init()).toBe(1);
    expect(await redis.hgetall(keys.thread("t"))).toEqual({ seq: "1", done: "0", fence: "1", len: String(session.length), rel: REL, job: "job1", "turn:1": `job1:${NOW}`, "att:1": "1" });
    expect(await redis.lrangeBuffer(keys.chunks("t"), 0, -1)).toEqual([session]);
    expect(await redis.get(keys.jobThread("job1"))).toBe("t");
    for (const key of [keys.thread("t"), keys.chunks("t"), keys.jobThread("job1")]) {
      const ttl = await redis.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(TTL);
    }
    // A second time (another attempt, another job): refused, nothing changed.
    expect(await init("t", "job2")).toBe(0);
    expect(await redis.hget(keys.thread("t"), "job")).toBe("job1");
    expect(await redis.llen(keys.chunks("t"))).toBe(1);
    expect(await redis.exists(keys.jobThread("job2"))).toBe(0);
  });

  redisOnly("INIT_THREAD records at most one thread per job: a stale first attempt that started a thread of its own is refused", async () => {
    // Attempt 2 of job1 (its worker took over from a stalled one) recorded its thread first.
    expect(await init("t-new", "job1")).toBe(1);
    // The stalled attempt comes back with the thread codex started for it.
    expect(await init("t-old", "job1")).toBe(-1);
    expect(await redis.get(keys.jobThread("job1"))).toBe("t-new");
    expect(await redis.exists(keys.thread("t-old"), keys.chunks("t-old"))).toBe(0);
  });

  redisOnly("NEXT_SEQ numbers a known thread's turns and records the latest job and each turn's job and time; 0 for an unknown thread", async () => {
    expect(await redis.nextSeq(keys.thread("nobody"), "j", NOW)).toBe(0);
    expect(await redis.exists(keys.thread("nobody"))).toBe(0);
    await init();
    expect(await nextSeq("job2", NOW + 1)).toBe(2);
    expect(await nextSeq("job3", NOW + 2)).toBe(3);
    expect(await redis.hget(keys.thread("t"), "job")).toBe("job3");
    expect(await redis.hget(keys.thread("t"), "seq")).toBe("3");
    expect(await redis.hmget(keys.thread("t"), "turn:1", "turn:2", "turn:3")).toEqual([`job1:${NOW}`, `job2:${NOW + 1}`, `job3:${NOW + 2}`]);
  });

  redisOnly("BEGIN_TURN: gone for an unknown thread, wait before the turn's predecessor is done, run with a new fence, done once committed", async () => {
    expect(await redis.beginTurn(keys.thread("t"), 2)).toEqual(["gone", 0, 0, ""]);
    await init();
    await nextSeq("job2", NOW + 1);
    await nextSeq("job3", NOW + 2);
    // Turn 1 is not done yet (the first turn's attempt holds fence 1): a wait names the turn waited for.
    expect(await redis.beginTurn(keys.thread("t"), 2)).toEqual(["wait", 1, 0, `job1:${NOW}`]);
    expect(await redis.beginTurn(keys.thread("t"), 3)).toEqual(["wait", 1, 0, `job1:${NOW}`]);
    // A waiting turn takes no fence.
    expect(await redis.hget(keys.thread("t"), "fence")).toBe("1");
    expect(await commit(1, session.length, Buffer.from("turn one\n"), 1, "job1")).toBe(1);
    const len = session.length + "turn one\n".length;
    expect(await redis.beginTurn(keys.thread("t"), 1)).toEqual(["done", 0, 0, ""]);
    expect(await redis.beginTurn(keys.thread("t"), 3)).toEqual(["wait", 2, 0, `job2:${NOW + 1}`]);
    // Nor does a finished one.
    expect(await redis.hget(keys.thread("t"), "fence")).toBe("1");
    // Each attempt at turn 2 gets a fence of its own, higher than any before.
    expect(await redis.beginTurn(keys.thread("t"), 2)).toEqual(["run", 2, len, REL, 1, 0]);
    expect(await redis.beginTurn(keys.thread("t"), 2)).toEqual(["run", 3, len, REL, 2, 0]);
    expect(await redis.hget(keys.thread("t"), "fence")).toBe("3");
    expect(await commit(3, len, Buffer.alloc(0), 2, "job2")).toBe(1);
    expect(await redis.beginTurn(keys.thread("t"), 2)).toEqual(["done", 0, 0, ""]);
    expect(await redis.beginTurn(keys.thread("t"), 3)).toEqual(["run", 4, len, REL, 1, 0]);
  });

  redisOnly("COMMIT_TURN appends the chunk, sets len and done and adds the end entry, with expiries", async () => {
    await init();
    await redis.appendEvent(keys.thread("t"), keys.events("job1"), 1, JSON.stringify({ f: 1, e: { type: "turn.started" } }), EVENTS_TTL);
    const bytes = Buffer.from('{"turn":1}\n{"more":true}\n');
    expect(await commit(1, session.length, bytes, 1, "job1")).toBe(1);
    expect(await redis.hgetall(keys.thread("t"))).toMatchObject({ done: "1", fence: "1", len: String(session.length + bytes.length) });
    expect(await redis.lrangeBuffer(keys.chunks("t"), 0, -1)).toEqual([session, bytes]);
    expect(await entries("job1")).toEqual([
      { f: 1, e: { type: "turn.started" } },
      { f: 1, end: {} },
    ]);
    expect(await redis.pttl(keys.events("job1"))).toBeGreaterThan(0);
    expect(await redis.pttl(keys.events("job1"))).toBeLessThanOrEqual(EVENTS_TTL);
    // A committed turn's submission record is gone.
    expect(await redis.hexists(keys.thread("t"), "turn:1")).toBe(0);
    // An empty turn (interrupted before it ran) takes its place without a chunk.
    await nextSeq("job2");
    const [, fence, len] = await redis.beginTurn(keys.thread("t"), 2);
    expect(await commit(fence, len, Buffer.alloc(0), 2, "job2", { f: fence, end: { error: { name: "AbortError" } } })).toBe(1);
    expect(await redis.llen(keys.chunks("t"))).toBe(2);
    expect(await redis.hgetall(keys.thread("t"))).toMatchObject({ done: "2", len: String(len) });
    expect(await entries("job2")).toEqual([{ f: fence, end: { error: { name: "AbortError" } } }]);
  });

  redisOnly("COMMIT_TURN refuses a stale fence (0) and a moved checkpoint (-1), writing nothing", async () => {
    await init();
    await commit(1, session.length, Buffer.from("one\n"), 1, "job1");
    const len = session.length + 4;
    const [, lost] = await redis.beginTurn(keys.thread("t"), 2);
    const [, current] = await redis.beginTurn(keys.thread("t"), 2);
    expect(current).toBeGreaterThan(lost);
    const before = await redis.hgetall(keys.thread("t"));
    // The lost attempt comes back: its fence is no longer the thread's.
    expect(await commit(lost, len, Buffer.from("stale\n"), 2, "job2")).toBe(0);
    // The current attempt, from a checkpoint length that is not the thread's.
    expect(await commit(current, len - 1, Buffer.from("moved\n"), 2, "job2")).toBe(-1);
    // On a thread that expired.
    expect(await redis.commitTurn(keys.thread("gone"), keys.chunks("gone"), keys.events("job9"), 1, 0, Buffer.from("x\n"), 1, "{}", TTL, EVENTS_TTL)).toBe(0);
    expect(await redis.hgetall(keys.thread("t"))).toEqual(before);
    expect(await redis.llen(keys.chunks("t"))).toBe(2);
    expect(await redis.exists(keys.events("job2"), keys.events("job9"), keys.chunks("gone"), keys.thread("gone"))).toBe(0);
    // The current attempt's own commit still goes through.
    expect(await commit(current, len, Buffer.from("two\n"), 2, "job2")).toBe(1);
    expect(await redis.hget(keys.thread("t"), "done")).toBe("2");
  });

  redisOnly("APPEND_EVENT writes only while the attempt holds the thread", async () => {
    await init();
    await commit(1, session.length, Buffer.alloc(0), 1, "job1");
    const [, first] = await redis.beginTurn(keys.thread("t"), 2);
    const append = (fence: number, text: string): Promise<number> => redis.appendEvent(keys.thread("t"), keys.events("job2"), fence, JSON.stringify({ f: fence, e: { text } }), EVENTS_TTL);
    expect(await append(first, "a")).toBe(1);
    const [, second] = await redis.beginTurn(keys.thread("t"), 2);
    expect(await append(first, "stale")).toBe(0);
    expect(await append(second, "b")).toBe(1);
    expect(await append(second + 1, "from the future")).toBe(0);
    expect(await redis.appendEvent(keys.thread("gone"), keys.events("job9"), 1, "{}", EVENTS_TTL)).toBe(0);
    expect(await entries("job2")).toEqual([
      { f: first, e: { text: "a" } },
      { f: second, e: { text: "b" } },
    ]);
    expect(await redis.pttl(keys.events("job2"))).toBeGreaterThan(0);
    expect(await redis.exists(keys.events("job9"))).toBe(0);
  });

  redisOnly("SKIP_TURN skips only the turn next in order, ending its stream, so the turn after it runs", async () => {
    await init();
    await commit(1, session.length, Buffer.from("one\n"), 1, "job1");
    await nextSeq("job2");
    await nextSeq("job3");
    // Not its place: turn 3 waits for turn 2, and a skip of turn 1 (done) changes nothing either.
    expect(await skip(3, "job3")).toBe(0);
    expect(await skip(1, "job1")).toBe(0);
    expect(await redis.skipTurn(keys.thread("gone"), keys.events("job9"), 1, "{}", EVENTS_TTL)).toBe(0);
    expect(await redis.hget(keys.thread("t"), "done")).toBe("1");
    expect(await redis.exists(keys.events("job3"), keys.events("job9"))).toBe(0);
    expect(await entries("job1")).toEqual([{ f: 1, end: {} }]);

    expect(await skip(2, "job2")).toBe(1);
    expect(await redis.hget(keys.thread("t"), "done")).toBe("2");
    expect(await redis.hexists(keys.thread("t"), "turn:2")).toBe(0);
    expect(await entries("job2")).toEqual([{ f: 0, end: { error: { name: "ThreadStateError" } } }]);
    expect(await redis.pttl(keys.events("job2"))).toBeGreaterThan(0);
    // The checkpoint is as it was; turn 3 runs on it.
    expect(await redis.llen(keys.chunks("t"))).toBe(2);
    const [status, fence, len, rel] = await redis.beginTurn(keys.thread("t"), 3);
    expect([status, len, rel]).toEqual(["run", session.length + 4, REL]);
    expect(fence).toBeGreaterThan(1);
    expect(await skip(2, "job2")).toBe(0);
  });

  redisOnly("SKIP_TURN leaves an attempt still running the skipped turn stale: it can neither write events nor commit", async () => {
    await init();
    await commit(1, session.length, Buffer.from("one\n"), 1, "job1");
    await nextSeq("job2");
    // An attempt at turn 2 holds the thread; BullMQ then gives its job up (failed) while it still runs, and the turn is skipped.
    const [, fence, len] = await redis.beginTurn(keys.thread("t"), 2);
    expect(await skip(2, "job2")).toBe(1);
    expect(await redis.appendEvent(keys.thread("t"), keys.events("job2"), fence, JSON.stringify({ f: fence, e: { type: "turn.started" } }), EVENTS_TTL)).toBe(0);
    expect(await commit(fence, len, Buffer.from("two\n"), 2, "job2")).toBe(0);
    // The skipped turn is not in the thread's history.
    expect(await redis.llen(keys.chunks("t"))).toBe(2);
    expect(await entries("job2")).toEqual([{ f: 0, end: { error: { name: "ThreadStateError" } } }]);
  });

  redisOnly("defineScripts on a connection that has them already returns it as is", () => {
    expect(defineScripts(redis)).toBe(redis);
  });
});
