/**
 * `codex.unloadThread` on the real binary: once it resolves, codex no longer holds the thread, so
 * a rollout replaced on disk (the thread advanced on another machine) is what its next turn
 * continues. Also: nothing to unload resolves, a running turn is refused, exec has nothing to do.
 */
import { copyFileSync, mkdirSync, readdirSync } from "node:fs";
import path from "node:path";
import { afterEach, expect, it } from "vitest";
import { ThreadStateError } from "../../../src/index.js";
import { say, stall } from "../../../src/testing/index.js";
import { harness, type Harness } from "../../helpers/harness.js";

let h: Harness;
afterEach(async () => {
  await h.close();
});

/** The rollout of `threadId` under `codexHome`, relative to it. */
function rolloutOf(codexHome: string, threadId: string): string {
  const found = readdirSync(path.join(codexHome, "sessions"), { recursive: true, encoding: "utf8" }).filter((name) => name.endsWith(`${threadId}.jsonl`));
  expect(found, `one rollout of ${threadId} under ${codexHome}`).toHaveLength(1);
  return path.join("sessions", found[0]!);
}

function copy(fromHome: string, toHome: string, relative: string): void {
  mkdirSync(path.dirname(path.join(toHome, relative)), { recursive: true });
  copyFileSync(path.join(fromHome, relative), path.join(toHome, relative));
}

it("after unloadThread, the next turn continues the rollout another client advanced", async () => {
  h = await harness("app-server");
  h.model.reply(say("first answer")).reply(say("elsewhere answer")).reply(say("third answer"));
  const thread = h.thread();
  await thread.run("the first prompt");
  const id = thread.id!;
  await h.codex.unloadThread(id);

  // Another machine: its own CODEX_HOME, a copy of the rollout, one turn more.
  const elsewhere = h.model.codexOptions();
  const rollout = rolloutOf(h.codexHome, id);
  copy(h.codexHome, elsewhere.codexHome, rollout);
  const other = h.client(elsewhere);
  const advanced = await other.resumeThread(id, { skipGitRepoCheck: true, workingDirectory: h.cwd }).run("the prompt from elsewhere");
  expect(advanced.finalResponse).toBe("elsewhere answer");
  await other.close();
  expect(rolloutOf(elsewhere.codexHome, id)).toBe(rollout);
  copy(elsewhere.codexHome, h.codexHome, rollout);

  expect((await thread.run("the third prompt")).finalResponse).toBe("third answer");
  const input = JSON.stringify(h.model.responseRequests()[2]!.body.input);
  expect(input.split("the prompt from elsewhere").length - 1).toBe(1);
  expect(input.split("the first prompt").length - 1).toBe(1);
  expect(input).toContain("elsewhere answer");
});

it("resolves for a thread codex does not hold, and refuses one running a turn", async () => {
  h = await harness("app-server");
  // No process yet, then a live process that never loaded the thread.
  await h.codex.unloadThread("00000000-0000-0000-0000-000000000000");
  h.model.reply(say("warm")).enqueue(stall()).reply(say("after"));
  const thread = h.thread();
  await thread.run("warm up");
  await h.codex.unloadThread("00000000-0000-0000-0000-000000000000");

  const pending = thread.run("hang").catch((error: unknown) => error);
  await h.model.waitForRequests(2);
  await expect(h.codex.unloadThread(thread.id!)).rejects.toBeInstanceOf(ThreadStateError);
  await thread.interrupt();
  await pending;
  // Once the turn has ended, the thread unloads and goes on from its rollout.
  await h.codex.unloadThread(thread.id!);
  expect((await thread.run("go on")).finalResponse).toBe("after");
});

it("on exec there is nothing to unload", async () => {
  h = await harness("exec");
  h.model.reply(say("done"));
  const thread = h.thread();
  await thread.run("hi");
  await h.codex.unloadThread(thread.id!);
  await expect(h.codex.unloadThread("")).rejects.toThrow(/unloadThread needs a thread id/);
});
