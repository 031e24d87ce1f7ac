/**
 * `codex.start()`: codex is started (or connected to) ahead of the first turn. Tested for what it
 * does, not for time: once however often it is called, turns started meanwhile use that start,
 * nothing on exec, a remote app-server is connected to, and a failure is the typed error a turn
 * would have had.
 */
import { afterEach, expect, it } from "vitest";
import { Codex, CodexError, CodexNotFoundError } from "../../../src/index.js";
import { MockModelServer, say } from "../../../src/testing/index.js";
import { harness, type Harness } from "../../helpers/harness.js";
import { freePort, listeningAppServer, type ListeningAppServer } from "../../helpers/remote.js";

let h: Harness | null = null;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await h?.close();
  h = null;
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function appServers(codex: Codex): Promise<number> {
  return (await codex.diagnostics()).processes.filter((p) => p.kind === "app-server").length;
}

it("starts the app-server once however often it is called, and a turn started meanwhile runs on it", async () => {
  h = await harness("app-server");
  h.model.reply(say("warm answer"));
  expect(await appServers(h.codex)).toBe(0);
  const first = h.codex.start();
  const second = h.codex.start();
  const turn = h.thread().run("during start");
  await Promise.all([first, second]);
  expect((await turn).finalResponse).toBe("warm answer");
  await h.codex.start();
  expect(await appServers(h.codex)).toBe(1);
  // After close() the client can be used again, and start() starts a new process.
  await h.codex.close();
  await h.codex.start();
  expect(await appServers(h.codex)).toBe(2);
});

it("on exec there is nothing to start: no process runs until a turn does", async () => {
  h = await harness("exec");
  await h.codex.start();
  await h.codex.start();
  expect((await h.codex.diagnostics()).processes).toEqual([]);
});

it("connects to a remote app-server, and a failure to connect is a typed error", async () => {
  const model = await MockModelServer.start();
  cleanups.push(() => model.close());
  const server: ListeningAppServer = await listeningAppServer(model);
  cleanups.push(() => server.close());
  const remote = new Codex({ appServer: { url: server.url } });
  cleanups.push(() => remote.close());
  await remote.start();
  model.reply(say("remote answer"));
  expect((await remote.startThread({ workingDirectory: server.codexHome, skipGitRepoCheck: true }).run("hi")).finalResponse).toBe("remote answer");

  const nowhere = new Codex({ appServer: { url: `ws://127.0.0.1:${await freePort()}` } });
  cleanups.push(() => nowhere.close());
  await expect(nowhere.start()).rejects.toBeInstanceOf(CodexError);
});

it("a codex that cannot be found: start() rejects with CodexNotFoundError, as the first turn would", async () => {
  const codex = new Codex({ transport: "app-server", codexPathOverride: "/nonexistent/codex" });
  cleanups.push(() => codex.close());
  await expect(codex.start()).rejects.toBeInstanceOf(CodexNotFoundError);
});
