/**
 * A queue and workers in one process, on a private Redis and the real binary: a thread's turns
 * run on the workers with their history, events stream back in order, a thread moves between
 * workers from its checkpoint, and typed errors cross the queue.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect } from "vitest";
import { CodexQueue, CodexWorker } from "../../../src/queue/index.js";
import { fail, MockModelServer, say } from "../../../src/testing/index.js";
import { InvalidOptionsError, TurnFailedError } from "../../../src/index.js";
import { redisOnly, startRedis, type PrivateRedis } from "../../helpers/redis.js";
import { openRedis } from "../../../src/queue/connection.js";
import { QueueKeys } from "../../../src/queue/keys.js";
import { defineScripts, QUEUE_PREFIX } from "../../../src/queue/settings.js";

let redis: PrivateRedis;
let model: MockModelServer;
let cwd: string;
beforeAll(async () => {
  redis = await startRedis();
  model = await MockModelServer.start();
  cwd = mkdtempSync(path.join(os.tmpdir(), "codexkit-queue-work-"));
});
afterAll(async () => {
  await model?.close();
  await redis?.close();
  if (cwd) rmSync(cwd, { recursive: true, force: true });
});

function worker(name: string, id: string, transport: "app-server" | "exec" = "app-server"): CodexWorker {
  return new CodexWorker({ connection: redis.url, name, id, codex: { ...model.codexOptions(), transport } });
}

redisOnly("a thread's turns run on a worker, with their history, and events come back in order", async () => {
  const w = worker("basic", "w1");
  const queue = new CodexQueue({ connection: redis.url, name: "basic" });
  try {
    await w.waitUntilReady();
    model.reply(say("first answer")).reply(say("second answer"));
    const thread = queue.startThread({ workingDirectory: cwd, skipGitRepoCheck: true });
    const { events } = await thread.runStreamed("the first prompt");
    const types: string[] = [];
    for await (const event of events) types.push(event.type);
    expect(types[0]).toBe("thread.started");
    expect(types[1]).toBe("turn.started");
    expect(types.at(-1)).toBe("turn.completed");
    expect(thread.id).toMatch(/^[0-9a-f-]{36}$/);
    const second = await thread.run("the second prompt");
    expect(second.finalResponse).toBe("second answer");
    // Another producer reads the thread's latest turn again, from its start.
    const other = new CodexQueue({ connection: redis.url, name: "basic" });
    try {
      const attached = await other.resumeThread(thread.id!).attach();
      const replay: string[] = [];
      for await (const event of attached!.events) if (event.type === "item.completed" && event.item.type === "agent_message") replay.push(event.item.text);
      expect(replay).toEqual(["second answer"]);
      expect(await other.resumeThread("00000000-0000-0000-0000-000000000000").attach()).toBeNull();
    } finally {
      await other.close();
    }
    const input = JSON.stringify(model.responseRequests().at(-1)!.body.input);
    expect(input.split("the first prompt").length - 1).toBe(1);
    expect(input).toContain("first answer");
  } finally {
    await queue.close();
    await w.close();
  }
}, 60_000);

redisOnly("a thread moves between workers from its checkpoint, each prompt once in its history", async () => {
  const a = worker("moves", "a");
  const queue = new CodexQueue({ connection: redis.url, name: "moves" });
  let b: CodexWorker | null = null;
  try {
    await a.waitUntilReady();
    model.reply(say("one")).reply(say("two")).reply(say("three"));
    const thread = queue.startThread({ workingDirectory: cwd, skipGitRepoCheck: true });
    await thread.run("prompt one");
    // Only b takes jobs now: a stops, so the thread's next turn must be restored on b.
    await a.close();
    b = worker("moves", "b");
    await b.waitUntilReady();
    await thread.run("prompt two");
    await b.close();
    // Back on a fresh a: its disk has the first turn only; the checkpoint has both.
    const again = worker("moves", "a2");
    b = again;
    await again.waitUntilReady();
    expect((await thread.run("prompt three")).finalResponse).toBe("three");
    const input = JSON.stringify(model.responseRequests().at(-1)!.body.input);
    for (const prompt of ["prompt one", "prompt two"]) expect(input.split(prompt).length - 1).toBe(1);
    expect(input).toContain("two");
  } finally {
    await queue.close();
    await a.close();
    await b?.close();
  }
}, 90_000);

redisOnly("a failed turn rejects on the producer with the class a Thread would throw", async () => {
  const w = worker("errors", "w");
  const queue = new CodexQueue({ connection: redis.url, name: "errors" });
  try {
    await w.waitUntilReady();
    model.enqueue(fail("the model refused"));
    const thread = queue.startThread({ workingDirectory: cwd, skipGitRepoCheck: true });
    const failed = await thread.run("this fails").catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(TurnFailedError);
  } finally {
    await queue.close();
    await w.close();
  }
}, 60_000);

redisOnly("workers on exec run a thread too, and it moves between an exec and an app-server worker", async () => {
  const e = worker("exec", "e", "exec");
  const queue = new CodexQueue({ connection: redis.url, name: "exec" });
  let a: CodexWorker | null = null;
  try {
    await e.waitUntilReady();
    model.reply(say("exec one")).reply(say("exec two")).reply(say("app-server three"));
    const thread = queue.startThread({ workingDirectory: cwd, skipGitRepoCheck: true });
    expect((await thread.run("exec prompt one")).finalResponse).toBe("exec one");
    expect((await thread.run("exec prompt two")).finalResponse).toBe("exec two");
    await e.close();
    a = worker("exec", "a");
    await a.waitUntilReady();
    expect((await thread.run("app-server prompt three")).finalResponse).toBe("app-server three");
    const input = JSON.stringify(model.responseRequests().at(-1)!.body.input);
    for (const prompt of ["exec prompt one", "exec prompt two"]) expect(input.split(prompt).length - 1).toBe(1);
  } finally {
    await queue.close();
    await e.close();
    await a?.close();
  }
}, 90_000);

redisOnly("a turn that was numbered but never queued (its producer died in between) is skipped, and the thread goes on", async () => {
  const w = worker("holes", "w");
  const queue = new CodexQueue({ connection: redis.url, name: "holes" });
  const raw = defineScripts(await openRedis(redis.url));
  try {
    await w.waitUntilReady();
    model.reply(say("before")).reply(say("after"));
    const thread = queue.startThread({ workingDirectory: cwd, skipGitRepoCheck: true });
    await thread.run("before the hole");
    // A producer took turn 2's number a minute ago and died before queuing it.
    const keys = new QueueKeys(QUEUE_PREFIX, "holes");
    expect(await raw.nextSeq(keys.thread(thread.id!), "lost-job", Date.now() - 60_000)).toBe(2);
    expect((await thread.run("after the hole")).finalResponse).toBe("after");
    expect(await raw.hget(keys.thread(thread.id!), "done")).toBe("3");
    const lost = await raw.xrange(keys.events("lost-job"), "-", "+");
    expect(lost).toHaveLength(1);
    expect(lost[0]![1][1]).toContain("was skipped: it was never queued");
  } finally {
    raw.disconnect();
    await queue.close();
    await w.close();
  }
}, 60_000);

redisOnly("a known thread's turn naming a tool the worker lacks fails typed, and the thread's next turn still runs", async () => {
  const w = worker("no-tool", "w");
  const queue = new CodexQueue({ connection: redis.url, name: "no-tool" });
  try {
    await w.waitUntilReady();
    model.reply(say("first")).reply(say("third"));
    const thread = queue.startThread({ workingDirectory: cwd, skipGitRepoCheck: true });
    await thread.run("turn one");
    const refused = await queue.resumeThread(thread.id!, { workingDirectory: cwd, skipGitRepoCheck: true, tools: ["lookup"] }).run("turn two").catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(InvalidOptionsError);
    expect((refused as Error).message).toMatch(/no tool named "lookup"/);
    expect((await thread.run("turn three")).finalResponse).toBe("third");
  } finally {
    await queue.close();
    await w.close();
  }
}, 60_000);
