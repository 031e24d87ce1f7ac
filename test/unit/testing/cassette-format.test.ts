/** The cassette file: canonical JSON Lines that read back to what was written, and clear errors for a broken file. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvalidOptionsError } from "../../../src/errors/index.js";
import { canonicalJson, jsonHash } from "../../../src/testing/cassette/canonical.js";
import { CASSETTE_FORMAT, CASSETTE_VERSION, parseCassette, serializeCassette, type CassetteData, type CassetteHeader, type Interaction } from "../../../src/testing/cassette/format.js";

const header: CassetteHeader = { kind: "header", format: CASSETTE_FORMAT, version: CASSETTE_VERSION, codex: "0.169.0", codexkit: "0.1.0", model: "mock-model", modelCatalog: true };
const toolsA = [{ type: "function", name: "exec_command", parameters: { type: "object" } }];
const toolsB = [...toolsA, { type: "function", name: "add" }];

function interaction(index: number, tools: unknown[], prompt: string): Interaction {
  return {
    request: { kind: "request", index, method: "POST", path: "/responses", view: { model: "mock-model", tools: jsonHash(tools), input: [{ type: "message", role: "user", content: prompt }] } },
    response: {
      kind: "response",
      index,
      status: 200,
      headers: { "content-type": "text/event-stream" },
      ms: 3,
      events: [
        { ms: 4, data: { type: "response.created", response: { id: `resp_${index}` } } },
        { ms: 9, data: { type: "response.completed", response: { id: `resp_${index}` } } },
      ],
    },
  };
}

function cassette(): CassetteData {
  return {
    header,
    interactions: [interaction(0, toolsA, "one"), interaction(1, toolsA, "two"), interaction(2, toolsB, "three")],
    tools: new Map([
      [jsonHash(toolsA), toolsA],
      [jsonHash(toolsB), toolsB],
    ]),
  };
}

/** The error `parseCassette` throws for `text`. */
function parseError(text: string): InvalidOptionsError {
  try {
    parseCassette(text, "s.jsonl");
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOptionsError);
    return error as InvalidOptionsError;
  }
  throw new Error("parsed");
}

describe("cassette file format", () => {
  it("writes a header, each tool list once before its first use, then a request and a response line per exchange", () => {
    const lines = serializeCassette(cassette()).trimEnd().split("\n");
    expect(lines.map((line) => (JSON.parse(line) as { kind: string }).kind)).toEqual(["header", "tools", "request", "response", "request", "response", "tools", "request", "response"]);
    expect(JSON.parse(lines[0]!)).toEqual(header);
    // Canonical: every line is its own value with sorted keys.
    for (const line of lines) expect(canonicalJson(JSON.parse(line))).toBe(line);
    expect(lines[0]).toBe('{"codex":"0.169.0","codexkit":"0.1.0","format":"codexkit-cassette","kind":"header","model":"mock-model","modelCatalog":true,"version":1}');
  });

  it("reads back what it wrote, and writes the same text again", () => {
    const text = serializeCassette(cassette());
    const read = parseCassette(text, "s.jsonl");
    expect(read).toEqual(cassette());
    expect(serializeCassette(read)).toBe(text);
  });

  it("round-trips any JSON in events and bodies (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue(), { maxLength: 4 }), fc.jsonValue(), fc.string(), (datas, body, prompt) => {
        const data = cassette();
        data.interactions[0]!.response.events = datas.map((value, i) => ({ ms: i, data: value }));
        data.interactions[1]!.response = { kind: "response", index: 1, status: 429, headers: { "retry-after": "1" }, ms: 0, body };
        data.interactions[2]!.request.view!.input = [{ type: "message", role: "user", content: prompt }];
        const text = serializeCassette(data);
        const read = parseCassette(text, "s.jsonl");
        expect(serializeCassette(read)).toBe(text);
        expect(read.interactions[2]!.request.view!.input).toEqual([{ type: "message", role: "user", content: prompt }]);
      }),
    );
  });

  it("hashes a value the same whatever its key order (property)", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (value) => {
        const reversed = Object.fromEntries(Object.entries(value).reverse());
        expect(jsonHash(reversed)).toBe(jsonHash(value));
        expect(canonicalJson(reversed)).toBe(canonicalJson(value));
      }),
    );
  });

  it("refuses a broken file with its name, the line, and what to do", () => {
    const good = serializeCassette(cassette()).trimEnd().split("\n");
    const without = (index: number) => good.filter((_, i) => i !== index).join("\n");
    expect(parseError("").message).toBe("cassette s.jsonl, line 1: the file is empty; record it again (delete it, or set CODEXKIT_CASSETTE=record)");
    expect(parseError('{"kind":"request"}').message).toMatch(/line 1: not a codexkit cassette/);
    expect(parseError(good[0]!.replace('"version":1', '"version":2')).message).toMatch(/line 1: format version 2, but this codexkit reads version 1: record it again/);
    expect(parseError([good[0], "{not json"].join("\n")).message).toMatch(/line 2: not valid JSON/);
    expect(parseError([good[0], "[1]"].join("\n")).message).toMatch(/line 2: not a JSON object/);
    expect(parseError([good[0], '{"kind":"tape"}'].join("\n")).message).toMatch(/line 2: unknown line kind "tape"/);
    expect(parseError(without(1)).message).toMatch(/line 2: request 0 names tool list sha256:[0-9a-f]{16}, not defined above it/);
    expect(parseError(without(3)).message).toMatch(/line 4: request 0 has no response line \(a request's response comes right after it\)/);
    expect(parseError(without(2)).message).toMatch(/line 3: response 0 does not follow its request line/);
    expect(parseError(good.slice(0, 3).join("\n")).message).toMatch(/line 3: request 0 has no response line/);
    expect(parseError(good.map((line, i) => (i === 1 ? line.replace("exec_command", "exec_commant") : line)).join("\n")).message).toMatch(/line 2: the tools do not match their hash/);
    expect(parseError([...good, good[2]].join("\n")).message).toMatch(/line 10: request 0 appears twice/);
  });
});

describe("canonicalJson", () => {
  it("keeps a __proto__ key read from JSON as a key", () => {
    const value = JSON.parse('{"b":1,"__proto__":{"x":1},"a":2}') as unknown;
    expect(canonicalJson(value)).toBe('{"__proto__":{"x":1},"a":2,"b":1}');
  });
});
