/**
 * The cassette's servers at the HTTP level, without codex: what the recording proxy does with
 * upstream failures, broken streams, plain replies and other paths, and that replay gives back
 * the same. A MockModelServer plays the upstream; the client is `fetch`.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { InvalidOptionsError } from "../../../src/errors/index.js";
import { Cassette, disconnect, httpError, MockModelServer, say, stream } from "../../../src/testing/index.js";
import { SseReader } from "../../../src/testing/cassette/sse-reader.js";

const dirs: string[] = [];
const closers: Array<{ close(): Promise<void> }> = [];

afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c.close()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function cassetteFile(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "codexkit-cassettes-"));
  dirs.push(dir);
  return path.join(dir, "http.jsonl");
}

async function upstream(): Promise<MockModelServer> {
  const server = await MockModelServer.start();
  closers.push(server);
  return server;
}

async function open(cassette: Promise<Cassette>): Promise<Cassette> {
  const opened = await cassette;
  closers.push(opened);
  return opened;
}

const BODY = JSON.stringify({ model: "mock-model", input: [{ type: "message", role: "user", content: "hi" }], tools: [], stream: true });

/** POSTs a model request to `base` and reads the SSE events' data (parsed). */
async function ask(base: string, body = BODY): Promise<{ status: number; events: unknown[] }> {
  const response = await fetch(`${base}/responses`, { method: "POST", headers: { "content-type": "application/json" }, body });
  const text = await response.text();
  const reader = new SseReader();
  const events = [...reader.push(text), ...reader.end()].map((message) => JSON.parse(message.data) as unknown);
  // The events' data, not their text: replay writes each with its keys sorted, as the file holds it.
  return { status: response.status, events };
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("recording proxy", () => {
  it("listens on loopback, passes the stream through, and replay sends the same events", async () => {
    const api = await upstream();
    api.reply(say("hello", { deltas: 3 }));
    const file = cassetteFile();
    const recorder = await open(Cassette.record(file, { upstream: api.url }));
    expect(new URL(recorder.url).hostname).toBe("127.0.0.1");
    const live = await ask(recorder.url);
    await recorder.save();
    const player = await open(Cassette.replay(file));
    expect(new URL(player.url).hostname).toBe("127.0.0.1");
    const replayed = await ask(player.url);
    expect(live.status).toBe(200);
    expect(replayed).toEqual(live);
    expect(replayed.events.map((event) => (event as { type: string }).type)).toEqual([
      "response.created",
      "response.output_item.added",
      "response.output_text.delta",
      "response.output_text.delta",
      "response.output_text.delta",
      "response.output_item.done",
      "response.completed",
    ]);
    player.assertDone();
  });

  it("tries a failing upstream again before answering: codex sees one reply, and the file holds one exchange", async () => {
    const api = await upstream();
    api.enqueue(httpError(500), httpError(503, { retryAfter: 0 }), stream([say("third time")]));
    const file = cassetteFile();
    const recorder = await open(Cassette.record(file, { upstream: api.url }));
    const live = await ask(recorder.url);
    expect(live.status).toBe(200);
    expect(api.responseRequests()).toHaveLength(3);
    await recorder.save();
    const lines = readFileSync(file, "utf8").trimEnd().split("\n");
    expect(lines.map((line) => (JSON.parse(line) as { kind: string }).kind)).toEqual(["header", "tools", "request", "response"]);
    expect(JSON.parse(lines[3]!)).toMatchObject({ status: 200 });
  });

  it("records an upstream that keeps failing as it failed, with its status, headers and body", async () => {
    const api = await upstream();
    api.enqueue(httpError(429, { retryAfter: 7, body: { error: { message: "slow down", type: "rate_limit_exceeded", code: "rate_limit_exceeded" } } }));
    const file = cassetteFile();
    const recorder = await open(Cassette.record(file, { upstream: api.url, upstreamRetries: 0 }));
    const live = await fetch(`${recorder.url}/responses`, { method: "POST", body: BODY });
    expect(live.status).toBe(429);
    await live.text();
    await recorder.save();
    const player = await open(Cassette.replay(file));
    const replayed = await fetch(`${player.url}/responses`, { method: "POST", body: BODY });
    expect(replayed.status).toBe(429);
    expect(replayed.headers.get("retry-after")).toBe("7");
    expect(await replayed.json()).toEqual({ error: { message: "slow down", type: "rate_limit_exceeded", code: "rate_limit_exceeded" } });
  });

  it("answers 502 for an unreachable upstream, naming it without its credentials, and records that", async () => {
    const port = await closedPort();
    const file = cassetteFile();
    const recorder = await open(Cassette.record(file, { upstream: `http://user:hunter2-pass@127.0.0.1:${port}/v1`, upstreamRetries: 0 }));
    const live = await fetch(`${recorder.url}/responses`, { method: "POST", body: BODY });
    expect(live.status).toBe(502);
    const body = (await live.json()) as { error: { message: string; code: string } };
    expect(body.error.code).toBe("upstream_unreachable");
    expect(body.error.message).toContain(`the upstream http://127.0.0.1:${port}/v1 could not be reached`);
    await recorder.save();
    expect(readFileSync(file, "utf8")).not.toContain("hunter2-pass");
    const player = await open(Cassette.replay(file));
    expect((await fetch(`${player.url}/responses`, { method: "POST", body: BODY })).status).toBe(502);
  });

  it("records a stream that broke off as incomplete, and replay breaks it after the same events", async () => {
    const api = await upstream();
    api.enqueue(disconnect({ outputs: [say("partial")] }));
    const file = cassetteFile();
    const recorder = await open(Cassette.record(file, { upstream: api.url }));
    await expect(ask(recorder.url)).rejects.toThrow();
    await recorder.save();
    const response = JSON.parse(readFileSync(file, "utf8").trimEnd().split("\n")[3]!) as { incomplete?: boolean; events: Array<{ data: { type: string } }> };
    expect(response.incomplete).toBe(true);
    expect(response.events.map((event) => event.data.type)).toEqual(["response.created", "response.output_item.done"]);
    const player = await open(Cassette.replay(file));
    await expect(ask(player.url)).rejects.toThrow();
  });

  it("keeps each event's time since the request, and replays at that pace with timing: recorded", async () => {
    const api = await upstream();
    api.enqueue(stream([say("a"), say("b")], { delayMs: 60 }));
    const file = cassetteFile();
    const recorder = await open(Cassette.record(file, { upstream: api.url }));
    const live = await ask(recorder.url);
    await recorder.save();
    const events = (JSON.parse(readFileSync(file, "utf8").trimEnd().split("\n")[3]!) as { events: Array<{ ms: number }> }).events.map((event) => event.ms);
    // Four events in order; the upstream waits 60 ms before each of the last three, so the last
    // cannot have come sooner than that after the request (a bound, whatever the machine's load).
    expect(events).toHaveLength(4);
    expect([...events].sort((x, y) => x - y)).toEqual(events);
    expect(events.at(-1)).toBeGreaterThanOrEqual(170);
    const player = await open(Cassette.replay(file, { timing: "recorded" }));
    expect(await ask(player.url)).toEqual(live);
  });

  it("passes other paths through, and replay answers them by method and path", async () => {
    const api = await upstream();
    const file = cassetteFile();
    const recorder = await open(Cassette.record(file, { upstream: api.url }));
    const live = await fetch(`${recorder.url}/models`);
    expect(live.status).toBe(404);
    const liveBody = await live.json();
    await recorder.save();
    const player = await open(Cassette.replay(file));
    const replayed = await fetch(`${player.url}/models`);
    expect(replayed.status).toBe(404);
    expect(await replayed.json()).toEqual(liveBody);
    const mismatch = await fetch(`${player.url}/models`);
    expect(mismatch.status).toBe(409);
    expect(((await mismatch.json()) as { error: { code: string } }).error.code).toBe("cassette_mismatch");
  });
});

describe("Cassette lifecycle", () => {
  it("refuses a missing or broken file with what to do, and bad options", async () => {
    const file = cassetteFile();
    await expect(Cassette.replay(file)).rejects.toThrow(new InvalidOptionsError(`cassette ${file} does not exist: record it first (Cassette.record, or Cassette.use without CODEXKIT_CASSETTE=replay)`));
    writeFileSync(file, '{"kind":"header","format":"codexkit-cassette","version":1}\n{oops\n');
    await expect(Cassette.replay(file)).rejects.toThrow(`cassette ${file}, line 2: not valid JSON`);
    await expect(Cassette.replay("")).rejects.toThrow(/Cassette.replay needs the cassette's file path as a non-empty string/);
    await expect(Cassette.record(file, { upstream: "nope" })).rejects.toThrow(InvalidOptionsError);
    await expect(Cassette.replay(file, { match: "fuzzy" as "content" })).rejects.toThrow(/match must be/);
  });

  it("drops an unsaved recording on close, saves nothing on replay, closes twice, and refuses codexOptions once closed", async () => {
    const api = await upstream();
    api.reply(say("x"));
    const file = cassetteFile();
    const recorder = await Cassette.record(file, { upstream: api.url, model: "mock-model", modelCatalog: true });
    const options = recorder.codexOptions();
    expect(options.config).toMatchObject({ model: "mock-model", model_provider: "cassette", model_providers: { cassette: { base_url: recorder.url, request_max_retries: 0, stream_max_retries: 0 } } });
    expect(readFileSync(options.config.model_catalog_json!, "utf8")).toContain('"slug": "mock-model"');
    await ask(recorder.url);
    await recorder.close();
    await recorder.close();
    expect(() => readFileSync(file)).toThrow();
    expect(() => recorder.codexOptions()).toThrow(InvalidOptionsError);

    const second = await Cassette.record(file, { upstream: api.url });
    await second.save();
    await second.close();
    const saved = readFileSync(file, "utf8");
    expect(saved.trimEnd().split("\n")).toHaveLength(1);
    const player = await open(Cassette.replay(file));
    // Recorded with codex's default model: replay configures none either.
    expect(player.codexOptions().config.model).toBeUndefined();
    await player.save();
    expect(readFileSync(file, "utf8")).toBe(saved);
    player.assertDone();
  });
});
