import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyPatch, callTool, disconnect, fail, rawEvent, runCommand, say, stall, stream, think } from "../../../src/testing/index.js";
import { deltaChunks, encodeSseEvent, IdSource, mergeUsage, responseEvents } from "../../../src/testing/sse.js";

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const usage = {
  input_tokens: 10,
  input_tokens_details: { cached_tokens: 2 },
  output_tokens: 5,
  output_tokens_details: { reasoning_tokens: 1 },
  total_tokens: 15,
};

describe("encodeSseEvent", () => {
  it("frames one event as `event: <type>` and one JSON data line", () => {
    expect(encodeSseEvent({ type: "response.created", response: { id: "resp_1" } })).toBe(
      'event: response.created\ndata: {"type":"response.created","response":{"id":"resp_1"}}\n\n',
    );
  });

  it("keeps text with newlines on one data line and U+2028/U+2029 raw", () => {
    const encoded = encodeSseEvent({ type: "x", text: "a\nb\u2028c\u2029d" });
    expect(encoded.split("\n")).toHaveLength(4); // event, data, blank, blank
    expect(encoded).toContain("a\\nb\u2028c\u2029d");
  });
});

describe("responseEvents", () => {
  it("streams a plain message as created, output_item.done, completed with default usage", () => {
    expect(responseEvents(stream([say("hello")]), new IdSource())).toEqual([
      { type: "response.created", response: { id: "resp_1" } },
      {
        type: "response.output_item.done",
        output_index: 0,
        item: { type: "message", role: "assistant", id: "msg_1", content: [{ type: "output_text", text: "hello" }] },
      },
      { type: "response.completed", response: { id: "resp_1", usage } },
    ]);
  });

  it("streams message deltas between output_item.added and output_item.done", () => {
    const events = responseEvents(stream([say("abcdef", { deltas: 3, id: "m" })], { id: "r" }), new IdSource());
    expect(events).toEqual([
      { type: "response.created", response: { id: "r" } },
      { type: "response.output_item.added", output_index: 0, item: { type: "message", role: "assistant", id: "m", content: [] } },
      { type: "response.output_text.delta", item_id: "m", output_index: 0, content_index: 0, delta: "ab" },
      { type: "response.output_text.delta", item_id: "m", output_index: 0, content_index: 0, delta: "cd" },
      { type: "response.output_text.delta", item_id: "m", output_index: 0, content_index: 0, delta: "ef" },
      {
        type: "response.output_item.done",
        output_index: 0,
        item: { type: "message", role: "assistant", id: "m", content: [{ type: "output_text", text: "abcdef" }] },
      },
      { type: "response.completed", response: { id: "r", usage } },
    ]);
  });

  it("streams reasoning as a summary, with summary deltas when asked", () => {
    const ids = new IdSource();
    const [, plain] = responseEvents(stream([think("hmm")]), ids);
    expect(plain).toEqual({
      type: "response.output_item.done",
      output_index: 0,
      item: { type: "reasoning", id: "rs_1", summary: [{ type: "summary_text", text: "hmm" }] },
    });
    const withDeltas = responseEvents(stream([think("hm", { deltas: true })]), ids);
    expect(withDeltas.map((e) => e.type)).toEqual([
      "response.created",
      "response.output_item.added",
      "response.reasoning_summary_text.delta",
      "response.reasoning_summary_text.delta",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(withDeltas[1]).toEqual({ type: "response.output_item.added", output_index: 0, item: { type: "reasoning", id: "rs_2", summary: [] } });
    expect(withDeltas[2]).toEqual({ type: "response.reasoning_summary_text.delta", item_id: "rs_2", output_index: 0, summary_index: 0, delta: "h" });
  });

  it("numbers outputs and gives function calls call ids unique across responses", () => {
    const ids = new IdSource();
    const first = responseEvents(stream([say("a"), runCommand("ls"), callTool("add", { a: 1 }, { namespace: "mcp__calc" })]), ids);
    const second = responseEvents(stream([callTool("x", undefined), callTool("y", 1, { callId: "mine" })]), ids);
    expect(first.slice(1, 4)).toEqual([
      expect.objectContaining({ output_index: 0 }),
      {
        type: "response.output_item.done",
        output_index: 1,
        item: { type: "function_call", call_id: "call_1", name: "exec_command", arguments: '{"cmd":"ls"}' },
      },
      {
        type: "response.output_item.done",
        output_index: 2,
        item: { type: "function_call", call_id: "call_2", name: "add", arguments: '{"a":1}', namespace: "mcp__calc" },
      },
    ]);
    expect(second[0]).toEqual({ type: "response.created", response: { id: "resp_2" } });
    expect(second[1]?.item).toEqual({ type: "function_call", call_id: "call_3", name: "x", arguments: "{}" });
    expect(second[2]?.item).toEqual({ type: "function_call", call_id: "mine", name: "y", arguments: "1" });
  });

  it("ends a failure with response.failed carrying code and message", () => {
    const ids = new IdSource();
    expect(responseEvents(fail("boom"), ids)).toEqual([
      { type: "response.created", response: { id: "resp_1" } },
      { type: "response.failed", response: { id: "resp_1", error: { code: "server_error", message: "boom" } } },
    ]);
    expect(responseEvents(fail("long", { code: "context_length_exceeded", id: "r9" }), ids)[1]).toEqual({
      type: "response.failed",
      response: { id: "r9", error: { code: "context_length_exceeded", message: "long" } },
    });
  });

  it("stops stalls and disconnects after their outputs, without response.completed", () => {
    const ids = new IdSource();
    expect(responseEvents(stall(), ids).map((e) => e.type)).toEqual(["response.created"]);
    expect(responseEvents(stall({ outputs: [say("x")] }), ids).map((e) => e.type)).toEqual(["response.created", "response.output_item.done"]);
    expect(responseEvents(disconnect({ outputs: [say("y"), think("z")] }), ids).map((e) => e.type)).toEqual([
      "response.created",
      "response.output_item.done",
      "response.output_item.done",
    ]);
  });

  it("passes raw events through untouched", () => {
    const event = { type: "response.web_search_call.in_progress", item_id: "ws_1", output_index: 0 };
    expect(responseEvents(stream([rawEvent(event)]), new IdSource())[1]).toBe(event);
  });

  it("sends applyPatch as an exec_command heredoc", () => {
    const [, done] = responseEvents(stream([applyPatch({ path: "a.txt", content: "x\n" })]), new IdSource());
    const item = done?.item as { name: string; arguments: string };
    expect(item.name).toBe("exec_command");
    expect(JSON.parse(item.arguments)).toEqual({ cmd: "apply_patch <<'EOF'\n*** Begin Patch\n*** Add File: a.txt\n+x\n*** End Patch\nEOF" });
  });
});

describe("deltaChunks", () => {
  it("returns null when no deltas are wanted", () => {
    expect(deltaChunks("abc", undefined)).toBeNull();
    expect(deltaChunks("abc", false)).toBeNull();
    expect(deltaChunks("abc", 0)).toBeNull();
  });

  it("makes about eight chunks for `true`, fewer for short text, none for empty text", () => {
    expect(deltaChunks("abcdefghijklmnop", true)).toEqual(["ab", "cd", "ef", "gh", "ij", "kl", "mn", "op"]);
    expect(deltaChunks("abc", true)).toEqual(["a", "b", "c"]);
    expect(deltaChunks("", 4)).toEqual([]);
  });

  it("never splits a surrogate pair", () => {
    expect(deltaChunks("🌍🌍🌍", 3)).toEqual(["🌍", "🌍", "🌍"]);
  });

  it("always rejoins to the text, with at most the requested number of non-empty chunks", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), fc.integer({ min: 1, max: 20 }), (text, n) => {
        const chunks = deltaChunks(text, n) ?? [];
        expect(chunks.join("")).toBe(text);
        expect(chunks.length).toBeLessThanOrEqual(n);
        for (const chunk of chunks) {
          expect(chunk.length).toBeGreaterThan(0);
          expect(chunk).not.toMatch(LONE_SURROGATE);
        }
      }),
    );
  });
});

describe("mergeUsage", () => {
  it("returns the default usage when nothing is overridden", () => {
    expect(mergeUsage()).toEqual(usage);
  });

  it("applies partial and nested overrides and recomputes the total", () => {
    expect(mergeUsage({ input_tokens: 100, output_tokens_details: { reasoning_tokens: 7 } })).toEqual({
      input_tokens: 100,
      input_tokens_details: { cached_tokens: 2 },
      output_tokens: 5,
      output_tokens_details: { reasoning_tokens: 7 },
      total_tokens: 105,
    });
    expect(mergeUsage({ total_tokens: 1 }).total_tokens).toBe(1);
  });
});
