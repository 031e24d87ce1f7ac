/**
 * A remote app-server reads paths by its own machine's rules: a thread's working directory and
 * additional directories reach it exactly as the caller wrote them for that machine (a Windows
 * form from this Linux client too), seen on the wire by a WebSocket proxy in front of a real
 * `codex app-server --listen`.
 */
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
afterEach(async () => {
  await Promise.allSettled(clients.splice(0).map((c) => c.close()));
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
  // The Linux host has neither directory: skipGitRepoCheck keeps the git check from looking, and
  // whatever codex answers about the directory, the request it got is what this test is about.
  const windows = codex.startThread({ workingDirectory: "C:\\repo", additionalDirectories: ["D:\\data"], skipGitRepoCheck: true });
  await windows.run("hi").catch(() => undefined);
  const posix = codex.startThread({ workingDirectory: "/home/x", additionalDirectories: ["/srv/data"], skipGitRepoCheck: true });
  await posix.run("hi").catch(() => undefined);
  const starts = sent.filter((m) => m.method === "thread/start").map((m) => m.params);
  expect(starts).toHaveLength(2);
  expect(starts[0]).toMatchObject({ cwd: "C:\\repo", config: { "sandbox_workspace_write.writable_roots": ["D:\\data"] } });
  expect(starts[1]).toMatchObject({ cwd: "/home/x", config: { "sandbox_workspace_write.writable_roots": ["/srv/data"] } });
  expect(JSON.stringify(starts)).not.toContain(process.cwd());
  expect(() => codex.startThread({ workingDirectory: "repo" })).toThrow(InvalidOptionsError);
  expect(() => codex.startThread({ workingDirectory: "repo" })).toThrow(/absolute path on the agent's host/);
});

it("checks a remote thread's git repository at the host's path, by the host's rules", async () => {
  model = await MockModelServer.start();
  server = await listeningAppServer(model);
  const codex = new Codex({ appServer: { url: server.url } });
  clients.push(codex);
  // This client's working directory is a git repository; the host's C:\repo is not, wherever it is resolved.
  const error = await codex.startThread({ workingDirectory: "C:\\repo" }).run("hi").catch((e: unknown) => e);
  expect(error).toBeInstanceOf(UntrustedDirectoryError);
  expect((error as Error).message).toContain("C:\\repo");
  expect(model.responseRequests()).toHaveLength(0);
});
