/**
 * The remote working-directory check, against a WebSocket peer that answers `fs/getMetadata` as
 * told: only the host's "no such path" is "does not exist"; an older codex without `fs/*`
 * (method not found) skips the check with a debug line and the turn goes on to `thread/start`;
 * any other error the host gives (permission denied, invalid params) is rethrown as it is.
 */
import { afterEach, describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import { Codex, InvalidOptionsError, RpcError } from "../../../../src/index.js";
import { frameText } from "../../../../src/transport/app-server/websocket.js";
import { recordingLogger } from "../../../helpers/logger.js";

type RpcAnswer = { result: unknown } | { error: { code: number; message: string } };

let server: WebSocketServer | undefined;
const clients: Codex[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  if (server) {
    for (const client of server.clients) client.terminate();
    await new Promise((resolve) => server!.close(resolve));
    server = undefined;
  }
});

/** A peer that answers `fs/getMetadata` with `metadata`, and every other request but `initialize` with "no threads here"; records the methods asked. */
async function peer(metadata: RpcAnswer): Promise<{ url: string; methods: string[] }> {
  const methods: string[] = [];
  server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  server.on("connection", (socket) => {
    socket.on("message", (data) => {
      const request = JSON.parse(frameText(data)) as { id?: number; method: string };
      if (request.id === undefined) return;
      methods.push(request.method);
      const answer: RpcAnswer =
        request.method === "initialize"
          ? { result: { codexHome: "/h", platformFamily: "unix" } }
          : request.method === "fs/getMetadata"
            ? metadata
            : { error: { code: -32600, message: "no threads here" } };
      socket.send(JSON.stringify({ id: request.id, ...answer }));
    });
  });
  await new Promise((resolve) => server!.once("listening", resolve));
  return { url: `ws://127.0.0.1:${(server.address() as { port: number }).port}`, methods };
}

async function runIn(url: string, logger = recordingLogger()): Promise<unknown> {
  const codex = new Codex({ appServer: { url, connectAttempts: 1 }, logger });
  clients.push(codex);
  return codex
    .startThread({ workingDirectory: "/repo", skipGitRepoCheck: true })
    .run("hi")
    .then(
      () => new Error("expected a rejection"),
      (e: unknown) => e,
    );
}

describe("remote working directory check", () => {
  it.each([
    ["No such file or directory (os error 2)"],
    ["The system cannot find the path specified. (os error 3)"],
    ["Not a directory (os error 20)"],
  ])("the host's %j is 'does not exist', before thread/start", async (message) => {
    const { url, methods } = await peer({ error: { code: -32603, message } });
    const error = await runIn(url);
    expect(error).toBeInstanceOf(InvalidOptionsError);
    expect((error as Error).message).toBe("workingDirectory /repo does not exist on the agent's host");
    expect(methods).not.toContain("thread/start");
  });

  it("a host without fs/getMetadata (method not found) skips the check with a debug line: the turn reaches thread/start", async () => {
    const { url, methods } = await peer({ error: { code: -32601, message: "Method not found: fs/getMetadata" } });
    const logger = recordingLogger();
    const error = await runIn(url, logger);
    expect(error).toBeInstanceOf(RpcError);
    expect((error as Error).message).toMatch(/no threads here/);
    expect(methods).toContain("thread/start");
    expect(logger.messages("debug").some((m) => m.includes("the working directory is not checked there"))).toBe(true);
  });

  it.each([
    [-32603, "Permission denied (os error 13)"],
    [-32600, "Invalid request: AbsolutePathBuf deserialized without a base path"],
  ])("any other host error (%i %s) is rethrown as it is, and the turn stops before thread/start", async (code, message) => {
    const { url, methods } = await peer({ error: { code, message } });
    const error = await runIn(url);
    expect(error).toBeInstanceOf(RpcError);
    expect(error).not.toBeInstanceOf(InvalidOptionsError);
    expect((error as RpcError).rpcCode).toBe(code);
    expect((error as Error).message).toContain(message);
    expect(methods).not.toContain("thread/start");
  });

  it("a directory passes", async () => {
    const { url, methods } = await peer({ result: { isFile: false, isDirectory: true } });
    expect(((await runIn(url)) as Error).message).toMatch(/no threads here/);
    expect(methods).toContain("thread/start");
  });

  it("a directory is checked once per connection, not at every turn", async () => {
    const { url, methods } = await peer({ result: { isFile: false, isDirectory: true } });
    const codex = new Codex({ appServer: { url, connectAttempts: 1 }, logger: recordingLogger() });
    clients.push(codex);
    for (let turn = 0; turn < 3; turn++) {
      await expect(codex.startThread({ workingDirectory: "/repo", skipGitRepoCheck: true }).run("hi")).rejects.toThrow(/no threads here/);
    }
    expect(methods.filter((m) => m === "thread/start")).toHaveLength(3);
    expect(methods.filter((m) => m === "fs/getMetadata")).toHaveLength(1);
  });

  it("a file is 'not a directory'", async () => {
    const { url } = await peer({ result: { isFile: true, isDirectory: false } });
    expect(((await runIn(url)) as Error).message).toBe("workingDirectory /repo is not a directory on the agent's host");
  });
});
