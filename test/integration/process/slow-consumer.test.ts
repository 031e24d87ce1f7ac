/**
 * A consumer that pauses on the app-server transport: one codex process serves every thread, so
 * its output is always read, and the paused turn's events must neither grow memory without bound
 * nor be lost, nor hold up another thread. Measured in a child Node program with `--expose-gc`.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, expect } from "vitest";
import { MockModelServer, say } from "../../../src/testing/index.js";
import { REPORT, startScript, type ChildScript } from "../../helpers/child-script.js";
import { linuxOnly } from "../../helpers/platform.js";
import { expectNoProcesses } from "../../helpers/processes.js";

const MESSAGES = 24;
const MESSAGE_CHARS = 2 * 1024 * 1024;
const MB = 1024 * 1024;

let model: MockModelServer | null = null;
let script: ChildScript | null = null;
let cwd: string | null = null;

afterEach(async () => {
  await script?.dispose();
  await model?.close();
  if (cwd) rmSync(cwd, { recursive: true, force: true });
  script = model = cwd = null;
});

/** Message `i`: 2 MB that differ from every other message. */
function message(i: number): string {
  const unit = `message ${i} of ${MESSAGES}; `;
  return unit.repeat(Math.ceil(MESSAGE_CHARS / unit.length)).slice(0, MESSAGE_CHARS);
}

linuxOnly("looks for codex processes left behind through /proc")("24 × 2 MB messages behind a paused consumer cost < 32 MB, arrive intact, and another thread's turn completes meanwhile", async () => {
  model = await MockModelServer.start();
  const options = { ...model.codexOptions(), transport: "app-server", killGraceMs: 1_000 };
  cwd = mkdtempSync(path.join(os.tmpdir(), "codexkit-work-"));
  model.reply(say("warm"));
  script = startScript(
    `
import { createHash } from "node:crypto";
import { Codex } from CODEXKIT_ENTRY;
${REPORT}
const { options, cwd, count } = JSON.parse(process.env.CODEXKIT_TEST);
const finished = new Map();
const logger = { debug: (fields, msg) => { if (msg === "codex finished the turn") finished.set(fields.threadId, fields); }, info() {}, warn() {}, error() {} };
const codex = new Codex({ ...options, logger });
const big = codex.startThread({ workingDirectory: cwd, skipGitRepoCheck: true });
const other = codex.startThread({ workingDirectory: cwd, skipGitRepoCheck: true });
await other.run("warm up");
// Freed ArrayBuffers are released by a sweeper that runs after the collection itself: collect, let it run, collect.
const used = async () => {
  globalThis.gc();
  await new Promise((resolve) => setTimeout(resolve, 50));
  globalThis.gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};
const before = await used();
const { events } = await big.runStreamed("big");
const it = events[Symbol.asyncIterator]();
for (;;) { const { value } = await it.next(); if (value.type === "turn.started") break; }
report("paused");
await nextLine();
const small = await other.run("small");
report("other-done", { text: small.finalResponse });
while (!finished.has(big.id)) await new Promise((resolve) => setTimeout(resolve, 20));
report("measured", { grown: (await used()) - before, finished: finished.get(big.id) });
const texts = [];
for (;;) {
  const { value, done } = await it.next();
  if (done) break;
  if (value.type === "item.completed" && value.item.type === "agent_message") texts.push(createHash("sha256").update(value.item.text).digest("hex"));
}
report("drained", { digests: texts });
await codex.close();
`,
    { CODEXKIT_TEST: JSON.stringify({ options, cwd, count: MESSAGES }) },
    ["--expose-gc"],
  );
  const texts = Array.from({ length: MESSAGES }, (_, i) => message(i));
  model.reply(...texts.map((text) => say(text)));
  await script.waitFor("paused");
  // The big answer has been requested before the other thread asks, so the mock serves them in order.
  await model.waitForRequests(2);
  model.reply(say("small answer"));
  script.send("go");
  expect((await script.waitFor("other-done")).text).toBe("small answer");
  const measured = await script.waitFor("measured");
  const finished = measured.finished as { bytesInMemory: number; spilledEvents: number };
  expect(finished.spilledEvents).toBeGreaterThan(0);
  expect(finished.bytesInMemory).toBeLessThanOrEqual(16 * MB);
  expect(measured.grown as number).toBeLessThan(32 * MB);
  const digests = (await script.waitFor("drained", 60_000)).digests as string[];
  expect(digests).toEqual(texts.map((text) => createHash("sha256").update(text).digest("hex")));
  expect(await script.exited).toMatchObject({ code: 0 });
  await expectNoProcesses(`CODEX_HOME=${path.resolve(options.codexHome)}`, 3_000);
}, 120_000);
