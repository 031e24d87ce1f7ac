/** The life of the warm app-server process: lazy start, crash, restart, forced kill, close. */
import { afterEach, expect, it } from "vitest";
import { AbortError, CodexExitError } from "../../../src/index.js";
import { say, stall } from "../../../src/testing/index.js";
import { harness, type Harness } from "../../helpers/harness.js";
import { descendantsOf, killAll } from "../../../src/process/tree.js";
import { linuxOnly } from "../../helpers/platform.js";
import { appServers, processesWithEnv } from "../../helpers/processes.js";

/** The app-server and what it started are found through /proc. */
const withProcessTable = linuxOnly("finds the app-server and what it started through /proc");

let h: Harness;
afterEach(async () => {
  await h.close();
});

it("starts nothing until the first turn", async () => {
  h = await harness("app-server");
  h.thread();
  // diagnostics() does I/O of its own (it asks the binary its version), so an eager start
  // scheduled by startThread() has run by the time it answers; codexkit records every spawn.
  const report = await h.codex.diagnostics();
  expect(report.processes.filter((p) => p.kind === "app-server")).toEqual([]);
  h.model.reply(say("started"));
  await h.thread().run("hi");
  // The same look does see the process once a turn has started it.
  expect((await h.codex.diagnostics()).processes.filter((p) => p.kind === "app-server" && p.running)).toHaveLength(1);
});

withProcessTable("fails every running turn when the process dies, then starts a fresh one", async () => {
  h = await harness("app-server");
  h.model.enqueue(stall()).enqueue(stall());
  h.model.reply(say("back again"));
  const [one, two] = [h.thread(), h.thread()];
  const pending = [one.run("a"), two.run("b")].map((p) => p.catch((e: unknown) => e));
  await h.model.waitForRequests(2);
  const [pid] = appServers(h.marker);
  // A crash is not our kill: whatever codex ran in sessions of its own is orphaned by it, not by
  // codexkit. List it now and reap it below, so the no-orphan check covers what codexkit owns.
  const orphans = descendantsOf(pid!);
  process.kill(pid!, "SIGKILL");
  // Both turns stall for ever: only the death can end them (the test's timeout bounds a hang).
  const errors = await Promise.all(pending);
  await killAll(orphans);
  for (const error of errors) {
    expect(error).toBeInstanceOf(CodexExitError);
    expect((error as CodexExitError).signal).toBe("SIGKILL");
  }
  // The next call starts a new process; the thread is resumed from its rollout.
  const turn = await one.run("again");
  expect(turn.finalResponse).toBe("back again");
  const now = appServers(h.marker);
  expect(now).toHaveLength(1);
  expect(now).not.toContain(pid);
});

withProcessTable("restarts once when several turns find the process dead, and close() leaves nothing", async () => {
  h = await harness("app-server");
  h.model.reply(say("warm")).reply(say("a")).reply(say("b"));
  const [one, two] = [h.thread(), h.thread()];
  await one.run("warm up");
  const [pid] = appServers(h.marker);
  const orphans = descendantsOf(pid!);
  process.kill(pid!, "SIGKILL");
  // The turns below must find the process dead, not race its death: wait until Node has seen the exit.
  await expect.poll(async () => (await h.codex.diagnostics()).processes.find((p) => p.pid === pid)?.running).toBe(false);
  await killAll(orphans);
  const answers = await Promise.all([one.run("x"), two.run("y")]);
  expect(answers.map((t) => t.finalResponse).sort()).toEqual(["a", "b"]);
  expect(appServers(h.marker)).toHaveLength(1);
  await h.codex.close();
  expect(processesWithEnv(h.marker)).toEqual([]);
});

linuxOnly("finds the app-server through /proc and stops it with SIGSTOP")("kills the process when codex does not confirm an interrupt in time", async () => {
  h = await harness("app-server", { interruptTimeoutMs: 300 });
  h.model.enqueue(stall());
  const thread = h.thread();
  const pending = thread.run("hang").catch((e: unknown) => e);
  await h.model.waitForRequests(1);
  const [pid] = appServers(h.marker);
  // A stopped process cannot answer; interrupt must fall back to killing it.
  // Another thread on the same process learns why its turn ended.
  h.model.enqueue(stall());
  const other = h.thread().run("bystander").catch((e: unknown) => e);
  await h.model.waitForRequests(2);
  process.kill(pid!, "SIGSTOP");
  await thread.interrupt();
  expect(await pending).toBeInstanceOf(AbortError);
  const bystander = await other;
  expect(bystander).toBeInstanceOf(CodexExitError);
  expect((bystander as Error).message).toMatch(/did not stop the turn/);
  expect(appServers(h.marker)).not.toContain(pid);
});

withProcessTable("close() ends the process and everything it started", async () => {
  h = await harness("app-server");
  h.model.reply(say("ok"));
  await h.thread().run("hi");
  expect(appServers(h.marker)).toHaveLength(1);
  await h.codex.close();
  expect(processesWithEnv(h.marker)).toEqual([]);
});
