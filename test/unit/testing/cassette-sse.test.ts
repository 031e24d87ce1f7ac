/**
 * The stream side of a cassette: reading SSE as it arrives, keeping events, writing them back,
 * rewriting a codexkit tool call for the transport that replays, and the headers the proxy passes on.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Redactor } from "../../../src/errors/index.js";
import { codexVersionOf, recordedBody, recordedEvent, upstreamHeaders, withoutEchoes } from "../../../src/testing/cassette/recorder.js";
import { adaptEventData, encodeRecordedEvent, offeredTools } from "../../../src/testing/cassette/replay-events.js";
import { SseReader, type SseMessage } from "../../../src/testing/cassette/sse-reader.js";
import { apiPath, isModelRequest } from "../../../src/testing/cassette/loopback.js";

/** Every event in `text`, fed in pieces cut at `cuts`. */
function readInPieces(text: string, cuts: number[]): SseMessage[] {
  const reader = new SseReader();
  const bytes = Buffer.from(text);
  const out: SseMessage[] = [];
  let at = 0;
  for (const cut of [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)) {
    out.push(...reader.push(bytes.subarray(at, cut)));
    at = cut;
  }
  out.push(...reader.push(bytes.subarray(at)), ...reader.end());
  return out;
}

describe("SseReader", () => {
  it("reads events, joins data lines, skips comments and other fields, any line ending", () => {
    const text = ': keep-alive\r\nevent: response.created\r\ndata: {"a":1}\r\n\r\nid: 7\nretry: 10\ndata: line one\ndata:line two\n\nevent: x\rdata: cr\r\rdata: {"last":true}';
    expect(readInPieces(text, [])).toEqual([{ event: "response.created", data: '{"a":1}' }, { data: "line one\nline two" }, { event: "x", data: "cr" }, { data: '{"last":true}' }]);
  });

  it("gives the same events however the bytes are cut, multi-byte characters too (property)", () => {
    const text = 'event: a\r\ndata: {"t":"Grüße 🌍"}\r\n\r\ndata: 日本語\n\n';
    const whole = readInPieces(text, []);
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 8 }), (cuts) => {
        expect(readInPieces(text, cuts)).toEqual(whole);
      }),
    );
  });

  it("reads back what replay writes: an event recorded replays as recorded, JSON or not (property)", () => {
    // What a reader can deliver: any text without CR (SSE has no way to send one), JSON text included.
    const sent = fc.oneof(
      fc.jsonValue().map((value) => JSON.stringify(value)),
      fc.string().filter((text) => !text.includes("\r") && Buffer.from(text).toString() === text),
    );
    fc.assert(
      fc.property(sent, fc.option(fc.stringMatching(/^[a-z.]{1,12}$/), { nil: undefined }), (data, name) => {
        const kept = recordedEvent(name === undefined ? { data } : { event: name, data }, 0);
        const [message] = readInPieces(encodeRecordedEvent(kept), []);
        expect(recordedEvent(message!, 0)).toEqual(kept);
      }),
    );
  });

  it("sends a JSON string as JSON, and text that is not JSON as it came", () => {
    expect(recordedEvent({ data: '"hello"' }, 0)).toEqual({ ms: 0, data: "hello" });
    expect(encodeRecordedEvent(recordedEvent({ data: '"hello"' }, 0))).toBe('data: "hello"\n\n');
    expect(encodeRecordedEvent(recordedEvent({ data: "[DONE]" }, 0))).toBe("data: [DONE]\n\n");
  });
});

describe("recordedEvent", () => {
  it("parses JSON data, keeps the event name only when it differs from the type, and redacts", () => {
    expect(recordedEvent({ event: "response.created", data: '{"type":"response.created"}' }, 5)).toEqual({ ms: 5, data: { type: "response.created" } });
    expect(recordedEvent({ event: "ping", data: '{"type":"response.created"}' }, 5)).toEqual({ ms: 5, event: "ping", data: { type: "response.created" } });
    expect(recordedEvent({ data: "[DONE]" }, 1)).toEqual({ ms: 1, text: "[DONE]" });
    const redactor = new Redactor().add("planted-secret-value");
    const kept = recordedEvent({ data: '{"type":"x","text":"see planted-secret-value"}' }, 0, (value) => redactor.redactValue(value));
    expect(kept.data).toEqual({ type: "x", text: "see [REDACTED]" });
    expect(recordedEvent({ data: "token planted-secret-value" }, 0, (value) => redactor.redactValue(value))).toEqual({ ms: 0, text: "token [REDACTED]" });
  });
});

describe("recordedBody", () => {
  it("keeps a JSON body parsed and any other body as its text, redacted", () => {
    const redactor = new Redactor().add("planted-secret-value");
    const redact = <T>(value: T): T => redactor.redactValue(value);
    expect(recordedBody('{"error":{"message":"bad key planted-secret-value"}}', redact)).toEqual({ body: { error: { message: "bad key [REDACTED]" } } });
    expect(recordedBody('"quoted"')).toEqual({ body: "quoted" });
    expect(recordedBody("Bad Gateway planted-secret-value", redact)).toEqual({ bodyText: "Bad Gateway [REDACTED]" });
    expect(recordedBody("")).toEqual({ bodyText: "" });
  });
});

describe("withoutEchoes", () => {
  it("leaves the request's instructions and tools echoed by the API out of a response event, and the rest as it is", () => {
    const created = { type: "response.created", response: { id: "r", instructions: "You are Codex...", tools: [{ type: "function" }], usage: null, output: [] } };
    expect(withoutEchoes(created)).toEqual({ type: "response.created", response: { id: "r", usage: null, output: [] } });
    expect(recordedEvent({ data: JSON.stringify(created) }, 0).data).toEqual({ type: "response.created", response: { id: "r", usage: null, output: [] } });
    const plain = { type: "response.completed", response: { id: "r" } };
    expect(withoutEchoes(plain)).toBe(plain);
    expect(withoutEchoes("[DONE]")).toBe("[DONE]");
  });
});

describe("adaptEventData", () => {
  const execTools = { tools: [{ type: "function", name: "exec_command" }, { type: "namespace", name: "mcp__codexkit", tools: [{ type: "function", name: "add" }] }] };
  const appServerTools = { tools: [{ type: "function", name: "exec_command" }, { type: "function", name: "add" }] };
  const call = (namespace?: string) => ({ type: "response.output_item.done", output_index: 0, item: { type: "function_call", name: "add", arguments: "{}", call_id: "c", ...(namespace ? { namespace } : {}) } });

  it("names a codexkit tool call the way the answered request offers the tool", () => {
    expect(offeredTools(execTools)).toEqual(new Set(["exec_command", "mcp__codexkit/add"]));
    // Recorded on exec, replayed on app-server: the namespace goes.
    expect(adaptEventData(call("mcp__codexkit"), offeredTools(appServerTools))).toEqual(call());
    // Recorded on app-server, replayed on exec: it comes.
    expect(adaptEventData(call(), offeredTools(execTools))).toEqual(call("mcp__codexkit"));
    // Already right, or a tool not offered at all (codex then answers "unsupported call", and matching shows it): unchanged.
    const same = call("mcp__codexkit");
    expect(adaptEventData(same, offeredTools(execTools))).toBe(same);
    expect(adaptEventData(call(), offeredTools({ tools: [] }))).toEqual(call());
    // Other namespaces are never touched.
    expect(adaptEventData(call("mcp__calc"), offeredTools(appServerTools))).toEqual(call("mcp__calc"));
  });

  it("also adapts the output listed in response.completed, and leaves other events as they are", () => {
    const completed = { type: "response.completed", response: { id: "r", output: [call("mcp__codexkit").item, { type: "message" }] } };
    expect(adaptEventData(completed, offeredTools(appServerTools))).toEqual({ type: "response.completed", response: { id: "r", output: [call().item, { type: "message" }] } });
    const delta = { type: "response.output_text.delta", delta: "x" };
    expect(adaptEventData(delta, offeredTools(appServerTools))).toBe(delta);
    expect(adaptEventData("[DONE]", offeredTools(appServerTools))).toBe("[DONE]");
  });
});

describe("the proxy's headers", () => {
  it("passes codex's headers on without credentials or hop-by-hop ones, and adds the key", () => {
    const incoming = {
      host: "127.0.0.1:1",
      connection: "keep-alive",
      "content-length": "9",
      "accept-encoding": "gzip",
      authorization: "Bearer sk-planted-in-header-123456",
      cookie: "session=planted",
      "x-api-key": "planted",
      "api-key": "planted",
      "user-agent": "codexkit/0.169.0 (Debian 12.0.0; x86_64) xterm (codex_exec; 0.169.0)",
      "x-codex-window-id": "w:0",
      accept: "text/event-stream",
      "set-both": ["a", "b"],
    };
    expect(upstreamHeaders(incoming, "sk-real")).toEqual({
      "user-agent": incoming["user-agent"],
      "x-codex-window-id": "w:0",
      accept: "text/event-stream",
      "set-both": "a, b",
      authorization: "Bearer sk-real",
    });
    expect(upstreamHeaders({ authorization: "Bearer x" }, undefined)).toEqual({});
  });

  it("reads codex's version from its user agent, and strips the /v1 of the base URL", () => {
    expect(codexVersionOf("codexkit/0.169.0 (Debian 12.0.0; x86_64) xterm (codexkit; 0.1.0)")).toBe("0.169.0");
    expect(codexVersionOf("curl/8")).toBeNull();
    expect(codexVersionOf(undefined)).toBeNull();
    expect(apiPath("/v1/responses")).toBe("/responses");
    expect(apiPath("/v1")).toBe("/");
    expect(apiPath("/other")).toBe("/other");
    expect(apiPath(undefined)).toBe("/");
    expect(isModelRequest("POST", "/responses")).toBe(true);
    expect(isModelRequest("POST", "/responses/compact?x=1")).toBe(true);
    expect(isModelRequest("GET", "/responses")).toBe(false);
    expect(isModelRequest("POST", "/models")).toBe(false);
  });
});
