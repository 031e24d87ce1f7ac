/**
 * A remote app-server reads paths by its own machine's rules: a thread's working directory and
 * additional directories reach it exactly as the caller wrote them for that machine (a Windows
 * form from this Linux client too), seen on the wire by a WebSocket proxy in front of a real
 * `codex app-server --listen`. The working directory is checked on the host, before `thread/start`.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, expect, it } from "vitest";
import WebSocket, { WebSocketServer } from "ws";
import { Codex, InvalidOptionsError, UntrustedDirectoryError } from "../../../src/index.js";
import { MockModelServer } from "../../../src/testing/index.js";
import { frameText } from "../../../src/transport/app-server/websocket.js";
import { listeningAppServer, type ListeningAppServer } from "../../helpers/remote.js";

let model: MockModelServer | undefined;
let server: ListeningAppServer | undefined;
let proxy: WebSocketServer | undefined;
const clients: Codex[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.allSettled(clients.splice(0).map((c) => c.close()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  if (proxy) {
    for (const connection of proxy.clients) connection.terminate();
    await new Promise((resolve) => proxy!.close(resolve));
    proxy = undefined;
  }
  await server?.close();
  server = undefined;
  await model?.close();
  model = undefined;
});

/** A directory on the host (this machine) outside any git repository. */
function hostDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "codexkit-remote-cwd-"));
  dirs.push(dir);
  return dir;
}

/** A proxy to `upstream` that records the params of every request the client sends. */
async function recordingProxy(upstream: string): Promise<{ url: string; sent: Array<{ method: string; params: Record<string, unknown> }> }> {
  const sent: Array<{ method: string; params: Record<string, unknown> }> = [];
  proxy = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  proxy.on("connection", (downstream) => {
    const up = new WebSocket(upstream);
    const waiting: string[] = [];
    up.on("open", () => waiting.splice(0).forEach((text) => up.send(text)));
    up.on("message", (data) => downstream.send(frameText(data)));
    downstream.on("message", (data) => {
      const text = frameText(data);
      const message = JSON.parse(text) as { method?: string; params?: Record<string, unknown> };
      if (message.method) sent.push({ method: message.method, params: message.params ?? {} });
      if (up.readyState === WebSocket.OPEN) up.send(text);
      else waiting.push(text);
    });
    downstream.on("close", () => up.close());
    up.on("close", () => downstream.close());
    up.on("error", () => downstream.terminate());
  });
  await new Promise((resolve) => proxy!.once("listening", resolve));
  return { url: `ws://127.0.0.1:${(proxy.address() as { port: number }).port}`, sent };
}

it("sends a remote thread's Windows-form and POSIX paths to the host unchanged, and refuses a relative one", async () => {
  model = await MockModelServer.start();
  server = await listeningAppServer(model);
  const { url, sent } = await recordingProxy(server.url);
  const codex = new Codex({ appServer: { url } });
  clients.push(codex);
  // The Linux host has no C:\repo: the host is asked about exactly that path, and refuses it (not absolute there).
  const windows = codex.startThread({ workingDirectory: "C:\\repo", additionalDirectories: ["D:\\data"], skipGitRepoCheck: true });
  await expect(windows.run("hi")).rejects.toThrow(/rejected fs\/getMetadata/);
  expect(sent.filter((m) => m.method === "fs/getMetadata").map((m) => m.params.path)).toContain("C:\\repo");
  const cwd = hostDir();
  const posix = codex.startThread({ workingDirectory: cwd, additionalDirectories: ["/srv/data"], skipGitRepoCheck: true });
  await posix.run("hi").catch(() => undefined);
  const starts = sent.filter((m) => m.method === "thread/start").map((m) => m.params);
  expect(starts).toHaveLength(1);
  expect(starts[0]).toMatchObject({ cwd, config: { "sandbox_workspace_write.writable_roots": ["/srv/data"] } });
  expect(JSON.stringify(starts)).not.toContain(process.cwd());
  expect(() => codex.startThread({ workingDirectory: "repo" })).toThrow(InvalidOptionsError);
  expect(() => codex.startThread({ workingDirectory: "repo" })).toThrow(/absolute path on the agent's host/);
});

it("refuses a remote working directory the host does not have, or that is a file there, before thread/start, naming the path", async () => {
  model = await MockModelServer.start();
  server = await listeningAppServer(model);
  const { url, sent } = await recordingProxy(server.url);
  const codex = new Codex({ appServer: { url } });
  clients.push(codex);
  const missing = path.join(hostDir(), "gone");
  const file = path.join(hostDir(), "notes.txt");
  writeFileSync(file, "not a directory");
  for (const [workingDirectory, why] of [
    [missing, "does not exist on the agent's host"],
    [file, "is not a directory on the agent's host"],
  ] as const) {
    // skipGitRepoCheck too: the directory is checked first, whatever the git check would say.
    for (const skipGitRepoCheck of [false, true]) {
      const error = await codex.startThread({ workingDirectory, skipGitRepoCheck }).run("hi").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidOptionsError);
      expect((error as Error).message).toBe(`workingDirectory ${workingDirectory} ${why}`);
    }
  }
  expect(sent.filter((m) => m.method === "thread/start")).toEqual([]);
  expect(model.responseRequests()).toHaveLength(0);
});

it("checks a remote thread's git repository at the host's path", async () => {
  model = await MockModelServer.start();
  server = await listeningAppServer(model);
  const codex = new Codex({ appServer: { url: server.url } });
  clients.push(codex);
  // This client's working directory is a git repository; the host's directory is not.
  const cwd = hostDir();
  const error = await codex.startThread({ workingDirectory: cwd }).run("hi").catch((e: unknown) => e);
  expect(error).toBeInstanceOf(UntrustedDirectoryError);
  expect((error as Error).message).toContain(cwd);
  expect(model.responseRequests()).toHaveLength(0);
});
