/** Replay matching (sequence and content), the short diff a mismatch shows, and the options' checks. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvalidOptionsError } from "../../../src/errors/index.js";
import { CassetteMismatchError } from "../../../src/testing/index.js";
import { jsonHash } from "../../../src/testing/cassette/canonical.js";
import { DIFF_MAX_LINES, lineDiff, shortDiff, viewLines } from "../../../src/testing/cassette/diff.js";
import type { CassetteData, Interaction } from "../../../src/testing/cassette/format.js";
import { ReplayBook, type LiveRequest } from "../../../src/testing/cassette/match.js";
import type { RequestView, ViewTool } from "../../../src/testing/cassette/normalize.js";
import { cassetteMode, checkRecordOptions, checkReplayOptions, DEFAULT_UPSTREAM } from "../../../src/testing/cassette/options.js";

const TOOLS: ViewTool[] = [{ type: "function", name: "add", description: "Adds two numbers" }];

function view(...prompts: string[]): RequestView {
  return { model: "mock-model", tools: jsonHash(TOOLS), input: prompts.map((content) => ({ type: "message", role: "user", content })) };
}

function data(...views: RequestView[]): CassetteData {
  const interactions: Interaction[] = views.map((v, index) => ({
    request: { kind: "request", index, method: "POST", path: "/responses", view: v },
    response: { kind: "response", index, status: 200, headers: {}, ms: 0, events: [] },
  }));
  return {
    header: { kind: "header", format: "codexkit-cassette", version: 1, codex: "0.169.0", codexkit: "0.1.0", model: null, modelCatalog: false },
    interactions,
    tools: new Map([[jsonHash(TOOLS), TOOLS]]),
  };
}

const live = (v: RequestView, tools: ViewTool[] = TOOLS): LiveRequest => ({ method: "POST", path: "/responses", view: v, tools });

function mismatch(result: ReturnType<ReplayBook["match"]>): CassetteMismatchError {
  if (result.ok) throw new Error("matched");
  return result.error;
}

describe("ReplayBook, sequence", () => {
  it("answers the n-th request with the n-th recording", () => {
    const book = new ReplayBook(data(view("a"), view("a", "b")), "sequence", "s.jsonl");
    expect(book.match(live(view("a")))).toMatchObject({ ok: true, interaction: { request: { index: 0 } } });
    expect(book.unused()).toEqual([1]);
    expect(book.match(live(view("a", "b")))).toMatchObject({ ok: true, interaction: { request: { index: 1 } } });
    expect(book.unused()).toEqual([]);
    expect(book.seen).toBe(2);
  });

  it("refuses a changed prompt with the request's index and a diff of the line that changed", () => {
    const book = new ReplayBook(data(view("a"), view("a", "b")), "sequence", "s.jsonl");
    book.match(live(view("a")));
    const error = mismatch(book.match(live(view("a", "B!"))));
    expect(error).toBeInstanceOf(CassetteMismatchError);
    expect(error).toMatchObject({ code: "cassette_mismatch", kind: "unmatched", file: "s.jsonl", index: 1, recordedIndex: 1, retryable: false });
    expect(error.diff).toBe('- input[1] user: "b"\n+ input[1] user: "B!"');
    expect(error.message).toBe(
      'request 1 matches no recording in s.jsonl (match: sequence); against recorded request 1 (- recorded, + now):\n- input[1] user: "b"\n+ input[1] user: "B!"\nIf the change is intended, record again: delete the file or set CODEXKIT_CASSETTE=record.',
    );
    expect(book.unused()).toEqual([1]);
  });

  it("shows a changed tool by its line, the list resolved from the file", () => {
    const book = new ReplayBook(data(view("a")), "sequence", "s.jsonl");
    const changed: ViewTool[] = [{ type: "function", name: "add", description: "Adds numbers" }];
    const error = mismatch(book.match(live({ ...view("a"), tools: jsonHash(changed) }, changed)));
    expect(error.diff).toBe('- tool add: {"description":"Adds two numbers","type":"function"}\n+ tool add: {"description":"Adds numbers","type":"function"}');
  });

  it("refuses a request past the end of the recording, showing the request", () => {
    const book = new ReplayBook(data(view("a")), "sequence", "s.jsonl", () => "The cassette was recorded with codex 0.169.0; codex 0.170.0 is replaying it, and its requests may differ.");
    book.match(live(view("a")));
    const error = mismatch(book.match(live(view("a", "more"))));
    expect(error.index).toBe(1);
    expect(error.recordedIndex).toBeNull();
    expect(error.message).toContain("request 1 matches no recording in s.jsonl (match: sequence): the recording has only 1 request. The request (+):");
    expect(error.diff).toContain('+ input[1] user: "more"');
    expect(error.message).toContain("codex 0.170.0 is replaying it");
  });

  it("matches other requests by method and path", () => {
    const recorded = data(view("a"));
    recorded.interactions.unshift({ request: { kind: "request", index: 9, method: "GET", path: "/models", view: null }, response: { kind: "response", index: 9, status: 200, headers: {}, ms: 0, body: {} } });
    const book = new ReplayBook(recorded, "sequence", "s.jsonl");
    expect(book.match({ method: "GET", path: "/models", view: null, tools: [] }).ok).toBe(true);
    expect(mismatch(book.match({ method: "GET", path: "/models", view: null, tools: [] })).diff).toBe(
      '- POST /responses\n- model: mock-model\n- tool add: {"description":"Adds two numbers","type":"function"}\n- input[0] user: "a"\n+ GET /models',
    );
  });
});

describe("ReplayBook, content", () => {
  it("answers from any unused recording with the same request, in any order, each once", () => {
    const book = new ReplayBook(data(view("x"), view("y"), view("x")), "content", "s.jsonl");
    expect(book.match(live(view("y")))).toMatchObject({ ok: true, interaction: { request: { index: 1 } } });
    expect(book.match(live(view("x")))).toMatchObject({ ok: true, interaction: { request: { index: 0 } } });
    expect(book.unused()).toEqual([2]);
    expect(book.match(live(view("x")))).toMatchObject({ ok: true, interaction: { request: { index: 2 } } });
    const error = mismatch(book.match(live(view("x"))));
    expect(error.message).toContain("all 3 recorded requests were used");
  });

  it("diffs a miss against the closest unused recording", () => {
    const book = new ReplayBook(data(view("p", "q", "r"), view("a", "b", "c")), "content", "s.jsonl");
    const error = mismatch(book.match(live(view("a", "b", "C"))));
    expect(error.recordedIndex).toBe(1);
    expect(error.diff).toBe('- input[2] user: "c"\n+ input[2] user: "C"');
    expect(error.message).toContain("against the closest unused recording, request 1");
  });
});

describe("shortDiff", () => {
  it("is empty for equal lines and shows only what changed", () => {
    expect(shortDiff(["a", "b"], ["a", "b"])).toBe("");
    expect(shortDiff(["a", "b", "c"], ["a", "c", "d"])).toBe("- b\n+ d");
  });

  it("cuts a long changed line around its first difference, keeping its label", () => {
    const before = `input[4] function_call_output #2: ${"x".repeat(400)}OLD${"y".repeat(50)}`;
    const after = before.replace("OLD", "NEW");
    const [minus, plus] = shortDiff([before], [after]).split("\n");
    expect(minus).toMatch(/^- input\[4\] function_call_output #2: …x+OLDy+$/);
    expect(plus).toMatch(/^\+ input\[4\] function_call_output #2: …x+NEWy+$/);
    expect(minus!.length).toBeLessThan(220);
  });

  it(`shows at most ${DIFF_MAX_LINES} changed lines and counts the rest`, () => {
    const a = Array.from({ length: 30 }, (_, i) => `line ${i}`);
    const diff = shortDiff(a, []).split("\n");
    expect(diff).toHaveLength(DIFF_MAX_LINES + 1);
    expect(diff.at(-1)).toBe(`... and ${30 - DIFF_MAX_LINES} more changed lines`);
  });

  it("diffs lines so that both sides can be rebuilt from it (property)", () => {
    const lines = fc.array(fc.constantFrom("a", "b", "c", "d"), { maxLength: 12 });
    fc.assert(
      fc.property(lines, lines, (a, b) => {
        const ops = lineDiff(a, b);
        expect(ops.filter((op) => op.kind !== "added").map((op) => op.line)).toEqual(a);
        expect(ops.filter((op) => op.kind !== "removed").map((op) => op.line)).toEqual(b);
        if (JSON.stringify(a) === JSON.stringify(b)) expect(ops.every((op) => op.kind === "same")).toBe(true);
      }),
    );
  });

  it("renders a view as one line per setting, tool and input item", () => {
    const lines = viewLines(
      {
        model: "m",
        reasoning: { effort: "low" },
        text: { format: { type: "json_schema" } },
        tools: "sha256:0",
        input: [
          { type: "message", role: "user", content: "hi\nthere" },
          { type: "function_call", call: "#1", name: "add", namespace: "mcp__calc", arguments: { a: 1 } },
          { type: "function_call_output", call: "#1", output: "1" },
          { type: "web_search_call", action: { query: "q" } },
        ],
      },
      [{ type: "web_search" }],
    );
    expect(lines).toEqual([
      "model: m",
      'reasoning: {"effort":"low"}',
      'text: {"format":{"type":"json_schema"}}',
      'tool web_search: {"type":"web_search"}',
      'input[0] user: "hi\\nthere"',
      'input[1] function_call #1 mcp__calc/add {"a":1}',
      'input[2] function_call_output #1: "1"',
      'input[3] {"action":{"query":"q"},"type":"web_search_call"}',
    ]);
  });
});

describe("cassette options", () => {
  it("Cassette.use records when the file is missing or CODEXKIT_CASSETTE=record, replays otherwise", () => {
    expect(cassetteMode(false, undefined)).toBe("record");
    expect(cassetteMode(true, undefined)).toBe("replay");
    expect(cassetteMode(true, "")).toBe("replay");
    expect(cassetteMode(true, "record")).toBe("record");
    expect(cassetteMode(true, " RECORD ")).toBe("record");
    expect(cassetteMode(false, "replay")).toBe("replay");
    expect(cassetteMode(false, "auto")).toBe("record");
    expect(() => cassetteMode(true, "rec")).toThrow(new InvalidOptionsError('CODEXKIT_CASSETTE must be "record", "replay" or unset (got "rec")'));
  });

  it("checks record and replay options, with defaults", () => {
    expect(checkRecordOptions({ apiKey: "k" })).toEqual({ upstream: DEFAULT_UPSTREAM, apiKey: "k", secrets: [], model: undefined, modelCatalog: false, upstreamRetries: 2 });
    expect(checkRecordOptions({ upstream: "http://127.0.0.1:9/v1/", apiKey: "k" }).upstream).toBe("http://127.0.0.1:9/v1");
    expect(() => checkRecordOptions({ upstream: "ftp://user:pw@host/v1" })).toThrow(/upstream must be an http\(s\) URL of a Responses API.*got "ftp:\/\/host\/v1"/);
    expect(() => checkRecordOptions({ upstream: "not a url" })).toThrow(InvalidOptionsError);
    expect(() => checkRecordOptions({ apiKey: "k", upstreamRetries: 11 })).toThrow(/upstreamRetries must be an integer from 0 to 10/);
    expect(() => checkRecordOptions({ model: "" })).toThrow(/model must be a non-empty string/);
    expect(() => checkRecordOptions({ secrets: "x" as unknown as string[] })).toThrow(/secrets must be an array of strings/);
    const saved = process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_API_KEY;
    try {
      expect(() => checkRecordOptions({})).toThrow(
        new InvalidOptionsError(
          "recording from https://api.openai.com/v1 needs an API key: pass apiKey, or set OPENAI_API_KEY (to replay an existing cassette instead, check its path, or set CODEXKIT_CASSETTE=replay)",
        ),
      );
      expect(checkRecordOptions({ upstream: "http://127.0.0.1:9/v1" }).apiKey).toBeUndefined();
      process.env.OPENAI_API_KEY = "sk-from-the-environment";
      expect(checkRecordOptions({}).apiKey).toBe("sk-from-the-environment");
    } finally {
      if (saved === undefined) delete process.env.OPENAI_API_KEY;
      else process.env.OPENAI_API_KEY = saved;
    }
    expect(checkReplayOptions({})).toEqual({ match: "sequence", timing: "none", secrets: [] });
    expect(() => checkReplayOptions({ match: "order" as "sequence" })).toThrow(/match must be "sequence" or "content" \(got "order"\)/);
    expect(() => checkReplayOptions({ timing: "fast" as "none" })).toThrow(/timing must be "none" or "recorded"/);
  });
});
