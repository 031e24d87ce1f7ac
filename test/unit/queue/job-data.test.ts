/**
 * What may travel in a queued turn's job: thread options without callbacks and with tools by
 * name, and input that is plain JSON (text, images, file mentions by path), never a staged
 * attachment, a function, a cycle, a number JSON cannot write or a class instance.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { InvalidOptionsError } from "../../../src/errors/index.js";
import type { Input } from "../../../src/options/index.js";
import { checkQueuedInput, checkQueuedThreadOptions } from "../../../src/queue/job-data.js";
import { tool } from "../../../src/tools/index.js";

const lookup = tool({ name: "lookup", description: "Looks up a key", parameters: z.object({ key: z.string() }), execute: ({ key }) => key });

/** The InvalidOptionsError `fn` throws (the test fails when it throws nothing or something else). */
function refusal(fn: () => void): InvalidOptionsError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOptionsError);
    return error as InvalidOptionsError;
  }
  throw new Error("nothing was refused");
}

/** A text part carrying any JSON beside its text. */
const part = fc.record({ text: fc.string(), extra: fc.jsonValue() }).map(({ text, extra }) => ({ type: "text", text, extra }));

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
}

describe("checkQueuedThreadOptions", () => {
  it.each(["onApproval", "onElicitation"])("refuses %s, saying to give it to the worker", (key) => {
    const error = refusal(() => checkQueuedThreadOptions({ [key]: () => "accept" }));
    expect(error.message).toBe(`${key} cannot travel through the queue: give it to the CodexWorker, which decides for every thread it runs`);
    expect(error.code).toBe("invalid_options");
  });

  it("refuses tool objects, and tools that are not a list of names", () => {
    for (const tools of [[lookup], ["lookup", lookup], "lookup", { lookup: true }, [1]]) {
      expect(refusal(() => checkQueuedThreadOptions({ tools })).message).toBe('a queued thread names its tools (tools: ["lookup", ...]); the tools themselves are registered on the CodexWorker');
    }
  });

  it("accepts tool names and ordinary options", () => {
    expect(() => checkQueuedThreadOptions({ tools: ["lookup", "search"] })).not.toThrow();
    expect(() => checkQueuedThreadOptions({ tools: [] })).not.toThrow();
    expect(() => checkQueuedThreadOptions({ model: "m", workingDirectory: "/w", skipGitRepoCheck: true, config: { a: { b: [1, "x", null, false] } } })).not.toThrow();
    expect(() => checkQueuedThreadOptions({})).not.toThrow();
  });

  it("refuses any other value JSON cannot carry, naming where it is", () => {
    expect(refusal(() => checkQueuedThreadOptions({ config: { limit: Number.POSITIVE_INFINITY } })).message).toBe("thread options: it.config.limit is not a finite number, which JSON cannot carry");
    expect(refusal(() => checkQueuedThreadOptions({ env: { when: new Date(0) } })).message).toBe("thread options: it.env.when is not plain data (JSON only)");
  });
});

describe("checkQueuedInput", () => {
  it("accepts a string, and text, image, local_image and file parts", () => {
    const parts: Input = [
      { type: "text", text: "look at these" },
      { type: "image", url: "https://example.test/a.png" },
      { type: "local_image", path: "/data/b.png" },
      { type: "file", path: "src/index.ts" },
    ];
    expect(() => checkQueuedInput("a prompt")).not.toThrow();
    expect(() => checkQueuedInput("")).not.toThrow();
    expect(() => checkQueuedInput(parts)).not.toThrow();
    expect(() => checkQueuedInput([])).not.toThrow();
  });

  it("refuses a staged attachment, saying what to pass instead", () => {
    const input = [{ type: "text", text: "x" }, { type: "attachment", file: { id: "f1" } }] as unknown as Input;
    expect(refusal(() => checkQueuedInput(input)).message).toBe(
      "a staged attachment cannot travel through the queue (it lives in this host's store); pass a local_image or file path on the worker's host, or text",
    );
  });

  it("refuses input that is neither a string nor a list", () => {
    for (const input of [42, { type: "text", text: "x" }, null]) {
      expect(refusal(() => checkQueuedInput(input as unknown as Input)).message).toBe("input must be a string or an array of inputs");
    }
  });

  it("refuses functions, cycles, NaN and class instances, naming the place", () => {
    const cyclic: Record<string, unknown> = { type: "text", text: "x" };
    cyclic.self = cyclic;
    const cases: [unknown, string][] = [
      [[{ type: "text", text: "x", run: () => 1 }], "input: it[0].run is a function, which cannot travel through the queue (JSON only)"],
      [[cyclic], "input: it[0].self refers to itself, which JSON cannot carry"],
      [[{ type: "text", text: "x", n: Number.NaN }], "input: it[0].n is not a finite number, which JSON cannot carry"],
      [[{ type: "text", text: "x" }, new Point(1, 2)], "input: it[1] is not plain data (JSON only)"],
      [[{ type: "local_image", path: new URL("file:///a.png") }], "input: it[0].path is not plain data (JSON only)"],
      [[{ type: "text", text: "x", n: 1n }], "input: it[0].n is a bigint, which cannot travel through the queue (JSON only)"],
      [[{ type: "text", text: "x", s: Symbol("s") }], "input: it[0].s is a symbol, which cannot travel through the queue (JSON only)"],
    ];
    for (const [input, message] of cases) expect(refusal(() => checkQueuedInput(input as Input)).message).toBe(message);
  });

  it("accepts an object seen twice that is not a cycle, and objects without a prototype", () => {
    const shared = { note: "same" };
    const bare = Object.assign(Object.create(null) as object, { type: "text", text: "x" });
    expect(() => checkQueuedInput([{ type: "text", text: "a", meta: shared, again: shared }, bare] as unknown as Input)).not.toThrow();
  });

  it("refuses a part that is not an object with InvalidOptionsError, as a Thread does (not a TypeError)", () => {
    // Thread.run([null]) says "input[0] must be an object"; the queue's check must not crash first.
    for (const part of [null, "text", 3]) expect(() => checkQueuedInput([part] as unknown as Input)).toThrow(InvalidOptionsError);
  });

  it("accepts any JSON value inside its parts (property)", () => {
    fc.assert(
      fc.property(fc.array(part), (parts) => {
        checkQueuedInput(parts as unknown as Input);
        checkQueuedThreadOptions({ config: { parts } });
      }),
      { numRuns: 300 },
    );
  });

  it("refuses any input with something JSON cannot carry somewhere inside a part (property)", () => {
    const bad = fc.constantFrom<unknown>(() => 1, Number.NaN, Number.NEGATIVE_INFINITY, new Point(0, 0), new Map(), 5n);
    // A place inside a JSON value: a path of keys and indexes down from the top.
    const nest = (value: unknown, path: (string | number)[]): unknown => path.reduceRight<unknown>((inner, key) => (typeof key === "number" ? [inner] : { [key]: inner }), value);
    fc.assert(
      fc.property(fc.array(part), bad, fc.array(fc.oneof(fc.string(), fc.nat(3)), { maxLength: 5 }), fc.nat(), (parts, value, path, at) => {
        const input: unknown[] = [...parts];
        input.splice(at % (input.length + 1), 0, { type: "text", text: "x", v: nest(value, path) });
        expect(() => checkQueuedInput(input as Input)).toThrow(InvalidOptionsError);
        expect(() => checkQueuedThreadOptions({ config: { input } })).toThrow(InvalidOptionsError);
      }),
      { numRuns: 300 },
    );
  });
});

describe("secrets in queued thread options", () => {
  it("refuses an MCP server's secret env values, auth headers and URL passwords, which would sit in Redis in plain text", () => {
    expect(() => checkQueuedThreadOptions({ mcpServers: { gh: { command: "gh-mcp", env: { GITHUB_TOKEN: "x" } } } })).toThrow(/mcpServers\.gh\.env\.GITHUB_TOKEN would be stored in Redis/);
    expect(() => checkQueuedThreadOptions({ mcpServers: { api: { url: "https://mcp.example/x", headers: { Authorization: "Bearer x" } } } })).toThrow(InvalidOptionsError);
    expect(() => checkQueuedThreadOptions({ mcpServers: { api: { url: "https://user:pw@mcp.example/x" } } })).toThrow(/carries a password/);
    // What is not a secret travels.
    expect(() => checkQueuedThreadOptions({ mcpServers: { fs: { command: "fs-mcp", env: { LOG_LEVEL: "debug" } }, api: { url: "https://mcp.example/x", bearerTokenEnvVar: "MCP_TOKEN" } } })).not.toThrow();
  });
});
