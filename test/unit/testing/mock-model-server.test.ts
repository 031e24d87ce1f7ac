import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  disconnect,
  fail,
  functionCallOutput,
  httpError,
  lastUserText,
  MockModelServer,
  runCommand,
  say,
  stall,
  stream,
  think,
  type MockModelServerOptions,
} from "../../../src/testing/index.js";
import { parseSse, postResponses, readUntil, streamEvents, types } from "./sse-client.js";

const servers: MockModelServer[] = [];

async function start(options?: MockModelServerOptions): Promise<MockModelServer> {
  const server = await MockModelServer.start(options);
  servers.push(server);
  return server;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe("MockModelServer basics", () => {
  it("listens on 127.0.0.1 at a random port under /v1", async () => {
    const a = await start();
    const b = await start();
    expect(a.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    expect(a.url).not.toBe(b.url);
    expect(a.modelName).toBe("mock-model");
    expect((await start({ model: "gpt-test" })).modelName).toBe("gpt-test");
  });

  it("answers with text/event-stream and the scripted events", async () => {
    const model = await start();
    model.reply(think("plan"), say("hello"));
    const res = await postResponses(model.url);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    const events = parseSse(await res.text());
    expect(types(events)).toEqual(["response.created", "response.output_item.done", "response.output_item.done", "response.completed"]);
    expect(events[2]?.data.item).toMatchObject({ type: "message", content: [{ type: "output_text", text: "hello" }] });
  });

  it("serves the script first in, first out, and counts what is pending", async () => {
    const model = await start();
    model.enqueue(stream([say("one")]), stream([say("two")])).reply(say("three"));
    expect(model.pending).toBe(3);
    const texts: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      const events = await streamEvents(model.url);
      texts.push((events[1]?.data.item as { content: Array<{ text: string }> }).content[0]?.text);
    }
    expect(texts).toEqual(["one", "two", "three"]);
    expect(model.pending).toBe(0);
  });

  it("numbers responses, messages and calls per server", async () => {
    const model = await start();
    model.reply(say("a"), runCommand("ls")).reply(say("b"), runCommand("pwd"));
    const first = await streamEvents(model.url);
    const second = await streamEvents(model.url);
    expect(first[0]?.data.response).toEqual({ id: "resp_1" });
    expect(second[0]?.data.response).toEqual({ id: "resp_2" });
    expect([first[1], first[2], second[1], second[2]].map((e) => (e?.data.item as { id?: string; call_id?: string }).id ?? (e?.data.item as { call_id: string }).call_id)).toEqual([
      "msg_1",
      "call_1",
      "msg_2",
      "call_2",
    ]);
  });

  it("rejects malformed scripts where they are enqueued, keeping the queue intact", async () => {
    const model = await start();
    model.reply(say("kept"));
    expect(() => model.enqueue(stream([say("fine")]), { type: "strem", outputs: [] } as never)).toThrow(TypeError);
    expect(model.pending).toBe(1);
    await expect(MockModelServer.start({ fallback: { type: "nope" } as never })).rejects.toThrow(/not a MockResponse/);
  });

  it("says where a bad script part was given, what was expected, and how to write it", async () => {
    const model = await start();
    expect(() => model.enqueue(say("hi") as never)).toThrow(/^enqueue\(\)'s response is not a MockResponse \(got type "message"\).*wrap it as stream\(\[\.\.\.\]\)/);
    expect(() => model.enqueue(stream([]), "hi" as never)).toThrow(/^enqueue\(\) argument 2 is not a MockResponse \(got the string "hi"\).*stream\(\[say\("hi"\)\]\)/);
    expect(() => model.reply(say("ok"), fail("boom") as never)).toThrow(/^reply\(\) argument 2 is not a MockOutput \(got type "fail"\).*model\.enqueue\(fail\("message"\)\)/);
    expect(() => model.reply("hi" as never)).toThrow(/^reply\(\) argument 1 is not a MockOutput .*use say\("hi"\)/);
    expect(model.pending).toBe(0);
    await expect(MockModelServer.start({ fallback: say("hi") as never })).rejects.toThrow(
      /^fallback is not a MockResponse \(got type "message"\).*wrap it as stream\(\[\.\.\.\]\), e\.g\. stream\(\[say\("hi"\)\]\)/,
    );
    await expect(MockModelServer.start({ fallback: "erorr" as never })).rejects.toThrow('fallback must be "error" or a MockResponse such as stream([say("...")]) (got the string "erorr")');
  });

  it("paces events by delayMs", async () => {
    const model = await start();
    model.enqueue(stream([say("abcd", { deltas: 4 })], { delayMs: 40 }));
    const started = performance.now();
    const events = await streamEvents(model.url);
    expect(events).toHaveLength(8);
    // Seven scripted gaps of 40 ms: a lower bound only (a busy machine is slower, never faster).
    expect(performance.now() - started).toBeGreaterThanOrEqual(7 * 40 - 5);
  });
});

describe("script exhaustion and fallback", () => {
  it("answers 500 with a JSON error and records the request as unexpected", async () => {
    const model = await start();
    const res = await postResponses(model.url, { input: [{ type: "message", role: "user", content: [{ type: "input_text", text: "do it" }] }] });
    expect(res.status).toBe(500);
    const body = (await res.json()) as { error: { message: string; code: string } };
    expect(body.error.code).toBe("mock_script_exhausted");
    expect(body.error.message).toContain("script exhausted");
    expect(body.error.message).toContain('"do it"');
    expect(model.unexpectedRequests).toHaveLength(1);
    expect(model.unexpectedRequests[0]?.outcome).toBe("exhausted");
  });

  it("serves a fallback response to every extra request without calling it unexpected", async () => {
    const model = await start({ fallback: stream([say("default")]) });
    model.reply(say("scripted"));
    const texts = [];
    for (let i = 0; i < 3; i++) {
      const events = await streamEvents(model.url);
      texts.push((events[1]?.data.item as { content: Array<{ text: string }> }).content[0]?.text);
    }
    expect(texts).toEqual(["scripted", "default", "default"]);
    expect(model.requests.map((r) => r.outcome)).toEqual(["scripted", "fallback", "fallback"]);
    expect(model.unexpectedRequests).toEqual([]);
  });

  it("answers other paths with 404 JSON, recorded and unexpected, without consuming the script", async () => {
    const model = await start();
    model.reply(say("kept"));
    const res = await fetch(`${model.url}/models`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("not_found");
    expect(model.pending).toBe(1);
    expect(model.requests).toMatchObject([{ method: "GET", path: "/v1/models", outcome: "not_found" }]);
    expect(model.unexpectedRequests).toHaveLength(1);
    expect(model.responseRequests()).toEqual([]);
  });
});

describe("request recording", () => {
  it("records method, path, headers, parsed body and arrival time, in order", async () => {
    const model = await start();
    model.reply(say("a")).reply(say("b"));
    // Only Date is fake: each request's arrival time is the one the test set.
    vi.useFakeTimers({ toFake: ["Date"], now: 1_000_000 });
    try {
      await streamEvents(model.url, { model: "m", input: [{ type: "message", role: "user", content: [{ type: "input_text", text: "first" }] }] });
      vi.setSystemTime(2_000_000);
      await (await postResponses(model.url, "not json {")).text();
    } finally {
      vi.useRealTimers();
    }
    const [first, second] = model.requests;
    expect(first).toMatchObject({ method: "POST", path: "/v1/responses", outcome: "scripted", body: { model: "m" } });
    expect(first?.headers["content-type"]).toBe("application/json");
    expect(first?.receivedAt).toBe(1_000_000);
    expect(second?.receivedAt).toBe(2_000_000);
    expect(second?.body).toBe("not json {");
    expect(lastUserText(first!)).toBe("first");
    expect(model.responseRequests()).toHaveLength(2);
  });

  it("returns copies, so callers cannot rewrite history", async () => {
    const model = await start();
    model.reply(say("a"));
    await streamEvents(model.url);
    model.requests.pop();
    model.unexpectedRequests.push(model.requests[0]!);
    expect(model.requests).toHaveLength(1);
    expect(model.unexpectedRequests).toHaveLength(0);
  });

  it("functionCallOutput finds a tool result by call id, in text or content-item form", async () => {
    const model = await start();
    model.reply(say("a"));
    await streamEvents(model.url, {
      input: [
        { type: "function_call_output", call_id: "call_1", output: "exit 0" },
        { type: "function_call_output", call_id: "call_2", output: [{ type: "input_text", text: "a" }, { type: "input_text", text: "b" }] },
      ],
    });
    const [request] = model.responseRequests();
    expect(functionCallOutput(request!, "call_1")).toBe("exit 0");
    expect(functionCallOutput(request!, "call_2")).toBe("ab");
    expect(functionCallOutput(request!, "call_3")).toBeUndefined();
  });

  it("waitForRequests resolves once enough model requests arrived", async () => {
    const model = await start();
    model.reply(say("a")).reply(say("b"));
    const waiting = model.waitForRequests(2, 5_000);
    await streamEvents(model.url);
    let settled = false;
    void waiting.then(() => (settled = true));
    // The first request was recorded before its answer ended: a waiter it wrongly satisfied has settled by now.
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    await streamEvents(model.url);
    expect(await waiting).toHaveLength(2);
    // Already satisfied: resolves at once.
    expect(await model.waitForRequests(1)).toHaveLength(2);
  });

  it("waitForRequests rejects on timeout saying how many arrived, and on close", async () => {
    const model = await start();
    await expect(model.waitForRequests(1, 30)).rejects.toThrow(/waiting for 1 model requests; got 0/);
    const pendingWait = model.waitForRequests(3, 5_000);
    await model.close();
    await expect(pendingWait).rejects.toThrow(/closed with 0 of 3/);
  });
});

describe("failures on the wire", () => {
  it("fail sends response.created then response.failed", async () => {
    const model = await start();
    model.enqueue(fail("boom", { code: "server_error" }));
    const events = await streamEvents(model.url);
    expect(types(events)).toEqual(["response.created", "response.failed"]);
    expect(events[1]?.data.response).toEqual({ id: "resp_1", error: { code: "server_error", message: "boom" } });
  });

  it("httpError sends status, retry headers and a JSON error body", async () => {
    const model = await start();
    model.enqueue(httpError(429, { retryAfter: 2, retryAfterMs: 1500, headers: { "x-extra": "1" } }));
    const res = await postResponses(model.url);
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("2");
    expect(res.headers.get("retry-after-ms")).toBe("1500");
    expect(res.headers.get("x-extra")).toBe("1");
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(await res.json()).toEqual({ error: { message: "MockModelServer: scripted HTTP 429", type: "rate_limit_exceeded", code: "rate_limit_exceeded" } });
  });

  it("httpError sends no retry headers unless asked, and custom bodies as given", async () => {
    const model = await start();
    model.enqueue(httpError(503, { body: "down for maintenance" }), httpError(400, { body: { error: { message: "bad" } } }));
    const text = await postResponses(model.url);
    expect(text.status).toBe(503);
    expect(text.headers.get("retry-after")).toBeNull();
    expect(text.headers.get("retry-after-ms")).toBeNull();
    expect(await text.text()).toBe("down for maintenance");
    const json = await postResponses(model.url);
    expect(await json.json()).toEqual({ error: { message: "bad" } });
  });

  it("disconnect breaks the body after the outputs", async () => {
    const model = await start();
    model.enqueue(disconnect({ outputs: [say("partial")] }));
    const res = await postResponses(model.url);
    const reader = res.body!.getReader();
    const text = await readUntil(reader, "response.output_item.done");
    expect(text).toContain('"partial"');
    // undici reports a body cut off mid-stream as "terminated" (a clean end would be "stream ended").
    await expect(readUntil(reader, "response.completed")).rejects.toThrow(/terminated/);
  });

  it("graceful disconnect ends the body cleanly without response.completed", async () => {
    const model = await start();
    model.enqueue(disconnect({ outputs: [say("partial")], graceful: true }));
    const events = await streamEvents(model.url);
    expect(types(events)).toEqual(["response.created", "response.output_item.done"]);
  });

  // The test's timeout is the bound on close(): one that waited for the stall would hang.
  it("stall holds the stream open after its outputs until the server closes", { timeout: 10_000 }, async () => {
    const model = await start();
    model.enqueue(stall({ outputs: [say("thinking...")] }));
    const res = await postResponses(model.url);
    const reader = res.body!.getReader();
    await readUntil(reader, "thinking...");
    const next = reader.read();
    // Nothing more comes (a wait that only shows absence: a slow machine cannot make it fail).
    const raced = await Promise.race([next.then(() => "data"), new Promise((resolve) => setTimeout(() => resolve("silent"), 150))]);
    expect(raced).toBe("silent");
    await model.close();
    // Still open when the server closed: the read is cut off, not ended or answered.
    await expect(next).rejects.toThrow(/terminated/);
  });

  it("stall with afterMs holds back even response.created", async () => {
    const model = await start();
    model.enqueue(stall({ afterMs: 100 }));
    const started = performance.now();
    const res = await postResponses(model.url);
    expect(res.status).toBe(200);
    await readUntil(res.body!.getReader(), "response.created");
    // A scripted delay: a lower bound only.
    expect(performance.now() - started).toBeGreaterThanOrEqual(95);
  });
});

describe("codexOptions", () => {
  it("points a mock provider at the server with low retries", async () => {
    const model = await start({ model: "gpt-mock" });
    const options = model.codexOptions();
    expect(options.config).toEqual({
      model: "gpt-mock",
      model_provider: "mock",
      model_providers: {
        mock: {
          name: "mock",
          base_url: model.url,
          wire_api: "responses",
          supports_websockets: false,
          request_max_retries: 0,
          stream_max_retries: 0,
        },
      },
      model_catalog_json: expect.stringMatching(/mock-model-catalog\.json$/) as unknown,
      features: { shell_snapshot: false },
    });
    expect(model.codexOptions({ shellSnapshot: true }).config.features).toEqual({ shell_snapshot: true });
    const tuned = model.codexOptions({ requestMaxRetries: 2, streamMaxRetries: 1, streamIdleTimeoutMs: 500 });
    expect(tuned.config.model_providers.mock).toMatchObject({ request_max_retries: 2, stream_max_retries: 1, stream_idle_timeout_ms: 500 });
  });

  it("gives codex a model catalog with the model's metadata (codex's fallback values), once per server, removed on close", async () => {
    const model = await start({ model: "gpt-mock" });
    const file = model.codexOptions().config.model_catalog_json!;
    expect(model.codexOptions().config.model_catalog_json).toBe(file);
    expect(path.dirname(file)).not.toBe(model.codexOptions().codexHome);
    const catalog = JSON.parse(readFileSync(file, "utf8")) as { models: Array<Record<string, unknown>> };
    expect(catalog.models).toHaveLength(1);
    expect(catalog.models[0]).toMatchObject({
      slug: "gpt-mock",
      shell_type: "default",
      apply_patch_tool_type: null,
      base_instructions: "",
      truncation_policy: { mode: "bytes", limit: 10_000 },
      context_window: 272_000,
    });
    expect(model.codexOptions({ modelCatalog: false }).config).not.toHaveProperty("model_catalog_json");
    await model.close();
    expect(existsSync(file)).toBe(false);
  });

  it("isolates the environment from credentials, base URL and CODEX_HOME", async () => {
    const model = await start();
    const saved = { ...process.env };
    Object.assign(process.env, { OPENAI_API_KEY: "sk-x", CODEX_API_KEY: "ck-x", OPENAI_BASE_URL: "http://elsewhere", CODEX_HOME: "/shared", KEEP_ME: "yes", DROP_ME: "x" });
    try {
      const { env } = model.codexOptions({ env: { EXTRA: "1", DROP_ME: undefined } });
      for (const key of ["OPENAI_API_KEY", "CODEX_API_KEY", "OPENAI_BASE_URL", "CODEX_HOME", "DROP_ME"]) expect(env).not.toHaveProperty(key);
      expect(env.KEEP_ME).toBe("yes");
      expect(env.EXTRA).toBe("1");
      expect(env.PATH).toBe(process.env.PATH);
      expect(Object.values(env).every((v) => typeof v === "string")).toBe(true);
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  });

  it("gives codex an empty HOME of its own unless told to keep yours, and removes it on close", async () => {
    const model = await start();
    const { env } = model.codexOptions();
    expect(env.HOME).not.toBe(process.env.HOME);
    expect(path.basename(env.HOME!)).toMatch(/^codexkit-userhome-/);
    expect(readdirSync(env.HOME!)).toEqual([]);
    expect(model.codexOptions({ inheritHome: true }).env.HOME).toBe(process.env.HOME);
    await model.close();
    expect(existsSync(env.HOME!)).toBe(false);
  });

  it("makes a fresh CODEX_HOME per call and removes them all on close", async () => {
    const model = await start();
    const a = model.codexOptions().codexHome;
    const b = model.codexOptions().codexHome;
    expect(a).not.toBe(b);
    expect(path.basename(a)).toMatch(/^codexkit-home-/);
    expect(path.dirname(a)).toBe(os.tmpdir());
    expect(statSync(a).isDirectory()).toBe(true);
    await model.close();
    expect(existsSync(a)).toBe(false);
    expect(existsSync(b)).toBe(false);
  });

  it("creates but never removes a CODEX_HOME it was given", async () => {
    const parent = mkdtempSync(path.join(os.tmpdir(), "codexkit-test-"));
    try {
      const home = path.join(parent, "home");
      const model = await start();
      expect(model.codexOptions({ codexHome: home }).codexHome).toBe(home);
      expect(existsSync(home)).toBe(true);
      await model.close();
      expect(existsSync(home)).toBe(true);
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });
});

describe("close", () => {
  it("is idempotent and refuses new scripts afterwards", async () => {
    const model = await start();
    const url = model.url;
    await Promise.all([model.close(), model.close()]);
    await model.close();
    expect(() => model.reply(say("late"))).toThrow(/closed/);
    expect(() => model.codexOptions()).toThrow(/closed/);
    await expect(fetch(`${url}/responses`, { method: "POST" })).rejects.toThrow();
  });

  // An hour between events: a close() that waited for the stream could only end by the test's timeout.
  it("cuts short a stream that is still pacing its events", { timeout: 10_000 }, async () => {
    const model = await start();
    model.enqueue(stream([say("x".repeat(50), { deltas: 50 })], { delayMs: 3_600_000 }));
    const res = await postResponses(model.url);
    const reader = res.body!.getReader();
    await readUntil(reader, "response.created");
    await model.close();
    await expect(readUntil(reader, "response.completed")).rejects.toThrow(/terminated/);
  });
});
