/**
 * A `Codex` on an app-server that is already running (`codex app-server --listen`), started by the
 * test on loopback: the same core scenarios as a spawned one (a message, a command, a codexkit
 * tool, an attachment uploaded to the agent's host and verified), over ws:// and a unix socket,
 * with token auth; a dropped connection fails the turn in flight with a typed error and the client
 * reconnects; a failed upload is an `AttachmentError` that leaves nothing behind; content already on
 * the host is neither sent nor read back again; staging refuses a directory another user owns.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, onTestFinished } from "vitest";
import WebSocket, { WebSocketServer } from "ws";
import { z } from "zod";
import { AttachmentError, Codex, ConnectionClosedError, InvalidOptionsError, tool, type CodexOptions } from "../../../src/index.js";
import { MockModelServer, callTool, inputItems, runCommand, say } from "../../../src/testing/index.js";
import { frameText } from "../../../src/transport/app-server/websocket.js";
import { PNG } from "../../helpers/fixtures.js";
import { recordingLogger } from "../../helpers/logger.js";
import { listeningAppServer, type ListeningAppServer } from "../../helpers/remote.js";
import { otelCapture } from "../../helpers/otel.js";
import { unixOnly } from "../../helpers/platform.js";

const withShell = unixOnly("the mock model scripts POSIX shell commands; codex runs commands through PowerShell and its own sandbox on Windows");

let model: MockModelServer | undefined;
let server: ListeningAppServer | undefined;
const clients: Codex[] = [];
const dirs: string[] = [];
afterEach(async () => {
  // Every step runs whatever the one before did, and nothing of this test is seen by the next.
  const closing = await Promise.allSettled(clients.splice(0).map((c) => c.close()));
  try {
    await server?.close();
  } finally {
    server = undefined;
    await model?.close();
    model = undefined;
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  }
  const failed = closing.find((result): result is PromiseRejectedResult => result.status === "rejected");
  if (failed) throw failed.reason;
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "codexkit-remote-it-"));
  dirs.push(dir);
  return dir;
}

/** A git repository standing for the project on the agent's host (here: the same machine). */
function repo(): string {
  const dir = tempDir();
  execFileSync("git", ["init", "-q"], { cwd: dir });
  return dir;
}

function client(options: Partial<CodexOptions> = {}): Codex {
  const codex = new Codex({ appServer: { url: server!.url }, files: { dir: tempDir() }, ...options });
  clients.push(codex);
  return codex;
}

/** A WebSocket proxy in front of the server: `intercept` sees each client message and may cut the connection there. */
async function proxy(intercept: (text: string) => "pass" | "cut"): Promise<{ url: string; close(): Promise<void> }> {
  const upstreams: WebSocket[] = [];
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  wss.on("connection", (downstream) => {
    const upstream = new WebSocket(server!.url);
    upstreams.push(upstream);
    const pending: WebSocket.RawData[] = [];
    upstream.on("open", () => pending.splice(0).forEach((data) => upstream.send(frameText(data))));
    upstream.on("message", (data) => downstream.send(frameText(data)));
    downstream.on("message", (data) => {
      if (intercept(frameText(data)) === "cut") {
        downstream.terminate();
        upstream.terminate();
        return;
      }
      if (upstream.readyState === WebSocket.OPEN) upstream.send(frameText(data));
      else pending.push(data);
    });
    downstream.on("close", () => upstream.close());
    upstream.on("close", () => downstream.close());
  });
  await new Promise((resolve) => wss.once("listening", resolve));
  return {
    url: `ws://127.0.0.1:${(wss.address() as { port: number }).port}`,
    async close() {
      for (const connection of [...wss.clients, ...upstreams]) connection.terminate();
      await new Promise((resolve) => wss.close(resolve));
    },
  };
}

const add = tool({ name: "add", description: "Adds", parameters: z.object({ a: z.number(), b: z.number() }), execute: ({ a, b }) => String(a + b) });

describe("a remote app-server", () => {
  withShell("over ws:// runs a message, a command and a tool, and uploads an attachment it verified", async () => {
    model = await MockModelServer.start();
    server = await listeningAppServer(model);
    const logger = recordingLogger();
    const otel = otelCapture();
    onTestFinished(() => otel.shutdown());
    const codex = client({ tools: [add], logger, tracer: otel.tracerProvider.getTracer("codexkit") });
    const cwd = repo();
    const thread = codex.startThread({ workingDirectory: cwd });
    model.reply(say("hello from afar"));
    expect((await thread.run("hi")).finalResponse).toBe("hello from afar");

    model.reply(runCommand("echo remote")).reply(callTool("add", { a: 2, b: 3 }, { callId: "c1" })).reply(say("done"));
    const turn = await thread.run("work");
    expect(turn.items.find((i) => i.type === "command_execution")).toMatchObject({ status: "completed", exit_code: 0 });
    expect(turn.items.find((i) => i.type === "tool_call")).toMatchObject({ tool: "add", result: "5", status: "completed" });

    const imagePath = path.join(tempDir(), "diagram.png");
    writeFileSync(imagePath, PNG);
    const image = await codex.files.stage(imagePath);
    const notes = await codex.files.stage(Buffer.from("remote notes\n"), { name: "notes.txt" });
    model.reply(say("seen"));
    await thread.run([{ type: "text", text: "look" }, { type: "attachment", file: image }, { type: "attachment", file: notes }]);
    const hostNotes = path.join(server.codexHome, "codexkit-uploads", thread.id!, notes.sha256, "notes.txt");
    expect(readFileSync(hostNotes, "utf8")).toBe("remote notes\n");
    expect(readdirSync(path.dirname(hostNotes))).toEqual(["notes.txt"]);
    const body = JSON.stringify(inputItems(model.responseRequests().at(-1)!));
    expect(body).toContain("input_image");
    expect(body).toContain(`@${hostNotes}`);
    expect(body).not.toContain(notes.path);
    expect((await thread.attachments()).map((a) => a.fileId).sort()).toEqual([image.id, notes.id].sort());
    const uploadSpans = otel.named("codexkit.file.upload");
    expect(uploadSpans.map((span) => span.attributes["codexkit.file.id"]).sort()).toEqual([image.id, notes.id].sort());
    const agent = otel.named("invoke_agent codex").at(-1)!;
    expect(uploadSpans.every((span) => span.parentSpanContext?.spanId === agent.spanContext().spanId)).toBe(true);

    // The same content for another thread: copied on the host, not uploaded again.
    const second = codex.startThread({ workingDirectory: cwd });
    model.reply(say("again"));
    await second.run([{ type: "attachment", file: notes }]);
    const uploads = logger.entries.filter((e) => e.obj.event === "file.uploaded" && e.obj.id === notes.id).map((e) => e.obj);
    expect(uploads).toEqual([expect.objectContaining({ existing: false, bytes: notes.size }), expect.objectContaining({ threadId: second.id, bytes: 0 })]);
    expect(existsSync(path.join(server.codexHome, "codexkit-uploads", second.id!, notes.sha256, "notes.txt"))).toBe(true);
  });

  unixOnly("a Unix domain socket")("over a unix socket", async () => {
    model = await MockModelServer.start();
    server = await listeningAppServer(model, { unix: true });
    model.reply(say("via the socket"));
    expect((await client().startThread({ workingDirectory: repo() }).run("hi")).finalResponse).toBe("via the socket");
  });

  it("with a capability token (a wrong one is refused with HTTP 401, and never shown in errors)", async () => {
    model = await MockModelServer.start();
    const token = "capability-token-0123456789abcdef";
    server = await listeningAppServer(model, { token });
    model.reply(say("authorized"));
    expect((await client({ appServer: { url: server.url, token } }).startThread({ workingDirectory: repo() }).run("hi")).finalResponse).toBe("authorized");
    const wrong = `${token}-wrong`;
    const refused = await client({ appServer: { url: server.url, token: wrong, connectAttempts: 1 } })
      .startThread({ workingDirectory: repo() })
      .run("hi")
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ConnectionClosedError);
    expect((refused as Error).message).toMatch(/HTTP 401/);
    const shown = JSON.stringify({ message: (refused as Error).message, stack: (refused as Error).stack });
    expect(shown).not.toContain(token);
  });

  withShell("fails the turn in flight with ConnectionClosedError when the connection drops, then reconnects", async () => {
    model = await MockModelServer.start();
    server = await listeningAppServer(model);
    const codex = client();
    const thread = codex.startThread({ workingDirectory: repo() });
    model.reply(runCommand("sleep 30"));
    const { events } = await thread.runStreamed("wait");
    const failure = (async () => {
      for await (const event of events) if (event.type === "item.started" && event.item.type === "command_execution") await server.stop(true);
    })().catch((e: unknown) => e);
    expect(await failure).toBeInstanceOf(ConnectionClosedError);
    await server.restart();
    model.reply(say("back"));
    expect((await thread.run("again")).finalResponse).toBe("back");
  });

  it("refuses an upload the host cannot take with AttachmentError, leaving nothing partial; checks its options", async () => {
    model = await MockModelServer.start();
    server = await listeningAppServer(model);
    const blocked = path.join(tempDir(), "not-a-dir");
    writeFileSync(blocked, "a file where the upload directory should be");
    const codex = client({ appServer: { url: server.url, uploadDir: path.join(blocked, "uploads") } });
    const file = await codex.files.stage(Buffer.from("payload"), { name: "p.txt" });
    const thread = codex.startThread({ workingDirectory: repo() });
    const error = await thread.run([{ type: "attachment", file }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AttachmentError);
    expect((error as Error).message).toMatch(/uploading p\.txt .* failed/);
    expect(model.responseRequests()).toHaveLength(0);
    expect(() => new Codex({ appServer: { url: "http://x" } })).toThrow(InvalidOptionsError);
    expect(() => new Codex({ appServer: { url: server!.url }, transport: "exec" })).toThrow(/needs the app-server transport/);
    expect(() => client().startThread({ workingDirectory: "relative/dir" })).toThrow(/absolute path on the agent's host/);
  });

  it("an upload cut off half-way is an AttachmentError; the next upload removes its part file, and only parts provably stale", async () => {
    model = await MockModelServer.start();
    server = await listeningAppServer(model);
    // Drops the connection when the client asks the host to copy the uploaded part into place.
    let cut = true;
    const relay = await proxy((text) => {
      if (!cut || !/"method":"fs\/copy"/.test(text)) return "pass";
      cut = false;
      return "cut";
    });
    try {
      const codex = client({ appServer: { url: relay.url } });
      const file = await codex.files.stage(Buffer.alloc(64 * 1024, 7), { name: "big.bin" });
      const thread = codex.startThread({ workingDirectory: repo() });
      model.reply(say("first"));
      await thread.run("start the thread");
      const error = await thread.run([{ type: "attachment", file }]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AttachmentError);
      expect((error as Error).message).toMatch(/uploading big\.bin .* failed/);
      const dir = path.join(server.codexHome, "codexkit-uploads", thread.id!, file.sha256);
      expect(readdirSync(dir).filter((name) => name.includes(".part-"))).toHaveLength(1);
      expect(existsSync(path.join(dir, "big.bin"))).toBe(false);
      // Another client's upload in progress (a fresh part), and one abandoned hours ago.
      const fresh = `big.bin.part-${Date.now().toString(36)}-${"a".repeat(12)}`;
      const old = `big.bin.part-${(Date.now() - 2 * 3_600_000).toString(36)}-${"b".repeat(12)}`;
      for (const name of [fresh, old]) writeFileSync(path.join(dir, name), "partial");
      model.reply(say("second"));
      expect((await thread.run([{ type: "attachment", file }])).finalResponse).toBe("second");
      expect(readdirSync(dir).sort()).toEqual(["big.bin", fresh].sort());
    } finally {
      await relay.close();
    }
  });

  it("content already on the host is not read back: not for a second thread, nor from a new connection; a changed copy is uploaded again", async () => {
    model = await MockModelServer.start();
    server = await listeningAppServer(model);
    const calls: { method: string; path: string }[] = [];
    const relay = await proxy((text) => {
      const message = JSON.parse(text) as { method?: string; params?: { path?: string } };
      if (message.method?.startsWith("fs/")) calls.push({ method: message.method, path: message.params?.path ?? "" });
      return "pass";
    });
    try {
      const logger = recordingLogger();
      const files = tempDir();
      const codex = client({ appServer: { url: relay.url }, files: { dir: files }, logger });
      const notes = await codex.files.stage(Buffer.from("notes read once\n".repeat(4096)), { name: "notes.txt" });
      const cwd = repo();
      const first = codex.startThread({ workingDirectory: cwd });
      model.reply(say("one"));
      await first.run([{ type: "attachment", file: notes }]);
      const uploadsRoot = path.join(server.codexHome, "codexkit-uploads");
      const firstCopy = path.join(uploadsRoot, first.id!, notes.sha256, "notes.txt");
      // The upload itself: sent once, read back once to verify it.
      const contentReads = (): string[] => calls.filter((c) => c.method === "fs/readFile" && !c.path.endsWith(".verified")).map((c) => c.path);
      const contentWrites = (): string[] => calls.filter((c) => c.method === "fs/writeFile" && !c.path.endsWith(".verified")).map((c) => c.path);
      expect(contentReads()).toEqual([firstCopy]);
      expect(contentWrites()).toHaveLength(1);

      calls.length = 0;
      const second = codex.startThread({ workingDirectory: cwd });
      model.reply(say("two"));
      await second.run([{ type: "attachment", file: notes }]);
      expect(readFileSync(path.join(uploadsRoot, second.id!, notes.sha256, "notes.txt"), "utf8")).toBe("notes read once\n".repeat(4096));
      expect(contentReads()).toEqual([]);
      expect(contentWrites()).toEqual([]);
      expect(calls.map((c) => c.method)).toContain("fs/copy");

      // A new connection (nothing remembered) finds the first thread's copy by its marker.
      calls.length = 0;
      const again = client({ appServer: { url: relay.url }, files: { dir: files }, logger });
      model.reply(say("three"));
      await again.resumeThread(first.id!, { workingDirectory: cwd }).run([{ type: "attachment", file: notes }]);
      expect(contentReads()).toEqual([]);
      expect(contentWrites()).toEqual([]);
      expect(logger.entries.filter((e) => e.obj.event === "file.uploaded").at(-1)?.obj).toMatchObject({ threadId: first.id, existing: true, bytes: 0 });

      // Changed on the host (its modification time moves): a new connection uploads it again.
      calls.length = 0;
      writeFileSync(firstCopy, "tampered");
      const third = client({ appServer: { url: relay.url }, files: { dir: files } });
      model.reply(say("four"));
      await third.resumeThread(first.id!, { workingDirectory: cwd }).run([{ type: "attachment", file: notes }]);
      expect(contentWrites()).toHaveLength(1);
      expect(readFileSync(firstCopy, "utf8")).toBe("notes read once\n".repeat(4096));
    } finally {
      await relay.close();
    }
  });
});
