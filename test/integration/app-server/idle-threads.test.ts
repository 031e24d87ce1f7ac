/**
 * codex keeps a thread in memory while a client is subscribed to it. A thread idle for
 * `appServer.idleThreadMs` is unsubscribed, codex unloads it (`thread/closed`), and its next turn
 * resumes it from its rollout with its history, on the real binary.
 */
import { afterEach, expect, it } from "vitest";
import { say } from "../../../src/testing/index.js";
import { harness, type Harness } from "../../helpers/harness.js";
import { recordingLogger } from "../../helpers/logger.js";

let h: Harness;
afterEach(async () => {
  await h.close();
});

it("an idle thread is unloaded by codex, and its next turn resumes it with its history", async () => {
  const logger = recordingLogger();
  h = await harness("app-server", { appServer: { idleThreadMs: 100 }, logger });
  h.model.reply(say("first answer")).reply(say("second answer")).reply(say("kept")).reply(say("control"));
  const thread = h.thread();
  await thread.run("the first prompt");
  const unloaded = () => logger.entries.some((e) => e.msg === "codex unloaded the thread" && e.obj.threadId === thread.id);
  for (let i = 0; i < 100 && !unloaded(); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  expect(unloaded(), "codex sent thread/closed for the idle thread").toBe(true);

  expect((await thread.run("the second prompt")).finalResponse).toBe("second answer");
  const input = JSON.stringify(h.model.responseRequests()[1]!.body.input);
  expect(input.split("the first prompt").length - 1).toBe(1);
  expect(input).toContain("first answer");

  // An ephemeral thread has no rollout to come back from: it stays loaded, while a thread that
  // ended after it is unloaded (so the sweep did run).
  const ephemeral = h.thread({ ephemeral: true });
  await ephemeral.run("short-lived");
  const control = h.thread();
  await control.run("control");
  await expect.poll(() => logger.entries.some((e) => e.msg === "codex unloaded the thread" && e.obj.threadId === control.id), { timeout: 5_000 }).toBe(true);
  expect(logger.entries.some((e) => e.msg === "codex unloaded the thread" && e.obj.threadId === ephemeral.id)).toBe(false);
});
