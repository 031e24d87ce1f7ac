/**
 * When the consumer stops pulling, codex's stdout is paused: the pipe fills and codex blocks on
 * write instead of our memory growing. Proof: with ~48 MB of events pending, codex is still alive
 * (blocked) after a pause, our memory did not grow by anything near that, and afterwards every
 * event arrives intact.
 */
import { afterEach, expect } from "vitest";
import { say } from "../../../src/testing/index.js";
import { harness, type Harness } from "../../helpers/harness.js";
import { linuxOnly } from "../../helpers/platform.js";
import { processesWithEnv } from "../../helpers/processes.js";

let h: Harness;
afterEach(async () => {
  await h.close();
});

const MESSAGES = 24;
const SIZE = 2 * 1024 * 1024;

linuxOnly("sees that codex is still alive, blocked on its output, through /proc")("pauses codex while the consumer does not pull, and loses nothing", async () => {
  h = await harness("exec");
  const texts = Array.from({ length: MESSAGES }, (_, i) => `${i}:` + "é\u2028x".repeat(SIZE / 4));
  h.model.reply(...texts.map((text) => say(text)));
  const { events } = await h.thread().runStreamed("flood");
  const iterator = events[Symbol.asyncIterator]();
  const first = await iterator.next();
  expect(first).toMatchObject({ value: { type: "thread.started" } });
  await h.model.waitForRequests(1);
  // Give codex time to produce everything it can; it should block on the full pipe.
  await new Promise((resolve) => setTimeout(resolve, 2_500));
  global.gc?.();
  const before = process.memoryUsage();
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  const after = process.memoryUsage();
  expect(processesWithEnv(h.marker).length).toBeGreaterThan(0);
  const grown = after.heapUsed + after.arrayBuffers - (before.heapUsed + before.arrayBuffers);
  expect(grown).toBeLessThan(16 * 1024 * 1024);

  const received: string[] = [];
  for (;;) {
    const next = await iterator.next();
    if (next.done) break;
    const event = next.value;
    if (event.type === "item.completed" && event.item.type === "agent_message") received.push(event.item.text);
  }
  expect(received.length).toBe(MESSAGES);
  expect(received.every((text, i) => text === texts[i])).toBe(true);
}, 120_000);
