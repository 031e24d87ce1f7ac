/**
 * A WebSocket peer that answers with a frame that does not parse: the request it answers fails at
 * once with `ProtocolError` (not after the 60 s timeout, which would be a `TimeoutError`), and a
 * frame that names no request breaks the connection, failing everything pending, after which the
 * client reconnects.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import WebSocket, { WebSocketServer } from "ws";
import { Codex, ProtocolError } from "../../../../src/index.js";
import { JsonRpcConnection } from "../../../../src/jsonrpc/index.js";
import { silentLogger } from "../../../../src/logger.js";
import { connectRemoteAppServer, frameText } from "../../../../src/transport/app-server/websocket.js";
import { recordingLogger } from "../../../helpers/logger.js";

type Answer = (request: { id: number; method: string }, socket: WebSocket) => void;

let server: WebSocketServer | undefined;
let connections = 0;
const closing: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of closing.splice(0)) await close();
  if (server) {
    for (const client of server.clients) client.terminate();
    await new Promise((resolve) => server!.close(resolve));
    server = undefined;
  }
});

/** A WebSocket server on loopback that answers each request with `answer`; resolves with its URL. */
async function peer(answer: Answer): Promise<string> {
  server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  connections = 0;
  server.on("connection", (socket) => {
    connections++;
    socket.on("message", (data) => {
      const message = JSON.parse(frameText(data)) as { id?: number; method: string };
      if (message.id !== undefined) answer({ id: message.id, method: message.method }, socket);
    });
  });
  await new Promise((resolve) => server!.once("listening", resolve));
  return `ws://127.0.0.1:${(server.address() as { port: number }).port}`;
}

async function connection(url: string): Promise<JsonRpcConnection> {
  const channel = await connectRemoteAppServer({ url, connectAttempts: 1 }, silentLogger)();
  const rpc = new JsonRpcConnection(channel.transport, { name: "codex app-server" });
  closing.push(() => rpc.close());
  await rpc.start();
  return rpc;
}

/**
 * What `promise` rejects with. A ProtocolError is what the bad frame causes; had the request waited
 * for its timeout instead, it would be a TimeoutError (and the test's own timeout would come first).
 */
function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => new Error("expected a rejection"),
    (e: unknown) => e,
  );
}

describe("frameText", () => {
  it("reads a frame's text from each shape ws delivers: Buffer, fragments, ArrayBuffer", () => {
    const text = '{"id":1,"result":"héllo"}';
    const bytes = Buffer.from(text, "utf8");
    expect(frameText(bytes)).toBe(text);
    // A split inside "é" (two bytes) must still decode as one character.
    const cut = bytes.indexOf(0xc3) + 1;
    expect(frameText([bytes.subarray(0, cut), bytes.subarray(cut)])).toBe(text);
    expect(frameText(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length))).toBe(text);
  });
});

describe("a WebSocket frame that does not parse", () => {
  it("fails the request whose id it carries at once; the connection and other requests go on", async () => {
    const url = await peer((request, socket) => {
      socket.send(request.method === "cut" ? `{"id":${request.id},"result":{"half` : JSON.stringify({ id: request.id, result: request.method }));
    });
    const rpc = await connection(url);
    const error = await rejection(rpc.request("cut"));
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).message).toMatch(/WebSocket frame that is not JSON \(the answer to cut\)/);
    expect((error as ProtocolError).line).toContain('"half');
    expect(rpc.isClosed).toBe(false);
    await expect(rpc.request("whole")).resolves.toBe("whole");
  });

  it("without an id, breaks the connection: every pending request fails with ProtocolError at once", async () => {
    let held: number | undefined;
    const url = await peer((request, socket) => {
      if (request.method === "slow") held = request.id;
      else socket.send("<html>502 Bad Gateway sk-abcdefghijklmnopqrstuvwxyz</html>");
    });
    const rpc = await connection(url);
    const slow = rejection(rpc.request("slow"));
    await vi.waitFor(() => expect(held).toBe(1));
    for (const error of await Promise.all([rejection(rpc.request("garbage")), slow])) {
      expect(error).toBeInstanceOf(ProtocolError);
      expect((error as ProtocolError).line).not.toContain("sk-abcdefghijklmnopqrstuvwxyz");
    }
    expect(await rpc.closed).toBeInstanceOf(ProtocolError);
  });

  it("fails a turn with ProtocolError (not a timeout), is logged redacted, and the client reconnects for the next one", async () => {
    let garbage = true;
    const url = await peer((request, socket) => {
      if (request.method === "initialize") socket.send(JSON.stringify({ id: request.id, result: { codexHome: "/h", platformFamily: "unix" } }));
      else if (garbage) socket.send("\u0000\u0001 not json OPENAI_API_KEY=sk-abcdefghijklmnopqrstuvwxyz");
      // The host has the working directory (checked before thread/start); it has no threads.
      else if (request.method === "fs/getMetadata") socket.send(JSON.stringify({ id: request.id, result: { isFile: false, isDirectory: true, isSymlink: false, modifiedAtMs: 0 } }));
      else socket.send(JSON.stringify({ id: request.id, error: { code: -32600, message: "no threads here" } }));
    });
    const logger = recordingLogger();
    const codex = new Codex({ appServer: { url, connectAttempts: 1 }, logger });
    closing.push(() => codex.close());
    const thread = codex.startThread({ workingDirectory: "/repo", skipGitRepoCheck: true });
    const error = await rejection(thread.run("hi"));
    expect(error).toBeInstanceOf(ProtocolError);
    const warning = JSON.stringify(logger.entries.filter((e) => e.level === "warn"));
    expect(warning).toContain("could not be read");
    expect(warning).not.toContain("sk-abcdefghijklmnopqrstuvwxyz");
    // The broken connection is replaced: the next turn reaches the peer again.
    garbage = false;
    await expect(thread.run("again")).rejects.toThrow(/no threads here/);
    expect(connections).toBe(2);
  });
});
