import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { InvalidOptionsError, ToolError } from "../../../src/errors/index.js";
import { silentLogger } from "../../../src/logger.js";
import { TOOL_NAME_PATTERN, tool, type ToolContext, type ToolDefinition, type ToolParameters } from "../../../src/tools/index.js";

const params = z.object({ a: z.number() });
const base = { name: "ok", description: "d", parameters: params, execute: () => "x" };

function rejects(definition: unknown, pattern: RegExp): void {
  expect(() => tool(definition as ToolDefinition<ToolParameters>)).toThrow(ToolError);
  // A bad definition is a bug in the tool, not an invalid option: its own class.
  expect(() => tool(definition as ToolDefinition<ToolParameters>)).not.toThrow(InvalidOptionsError);
  expect(() => tool(definition as ToolDefinition<ToolParameters>)).toThrow(pattern);
}

describe("tool()", () => {
  it("returns a frozen tool with the definition's fields", () => {
    const t = tool({ ...base, timeoutMs: 10 });
    expect(Object.isFrozen(t)).toBe(true);
    expect(t).toMatchObject({ name: "ok", description: "d", parameters: params, timeoutMs: 10 });
    expect("timeoutMs" in tool(base)).toBe(false);
  });

  it.each([
    ["empty", ""],
    ["a space", "my tool"],
    ["65 characters", "a".repeat(65)],
    ["a dot", "a.b"],
    ["unicode", "café"],
  ])("rejects a name with %s, naming the rule", (_label, name) => {
    rejects({ ...base, name }, /\^\[a-zA-Z0-9_-\]\{1,64\}\$/);
  });

  it("accepts 64 characters and the allowed punctuation", () => {
    expect(tool({ ...base, name: "a".repeat(64) }).name).toHaveLength(64);
    expect(tool({ ...base, name: "get_weather-v2" }).name).toBe("get_weather-v2");
  });

  it("rejects non-object definitions and bad fields", () => {
    rejects(null, /must be an object/);
    rejects({ ...base, name: 42 }, /of type number/);
    rejects({ ...base, description: undefined }, /description must be a string/);
    rejects({ ...base, execute: "nope" }, /execute must be a function/);
    for (const timeoutMs of [-1, Number.NaN, Number.POSITIVE_INFINITY, "5"]) {
      rejects({ ...base, timeoutMs }, /timeoutMs must be a finite number >= 0/);
    }
    expect(tool({ ...base, timeoutMs: 0 }).timeoutMs).toBe(0);
  });

  it("rejects parameters that are not an object schema", () => {
    rejects({ ...base, parameters: z.string() }, /must describe an object/);
    rejects({ ...base, parameters: z.array(z.number()) }, /must describe an object/);
    rejects({ ...base, parameters: { type: "string" } }, /type "object"/);
    rejects({ ...base, parameters: [] }, /type "object"/);
    rejects({ ...base, parameters: null }, /type "object"/);
    rejects({ ...base, parameters: z.object({ d: z.date() }) }, /cannot be expressed as JSON Schema/);
  });

  it("rejects a JSON Schema that is not JSON", () => {
    const cyclic: Record<string, unknown> = { type: "object" };
    cyclic.self = cyclic;
    rejects({ ...base, parameters: cyclic }, /parameters must be JSON/);
  });

  it("keeps the definition's `this` for execute (a class instance as the definition)", async () => {
    class Counter {
      readonly name = "count";
      readonly description = "counts calls";
      readonly parameters = params;
      calls = 0;
      execute(): string {
        this.calls++;
        return `call ${this.calls}`;
      }
    }
    const counter = new Counter();
    const t = tool(counter);
    const ctx: ToolContext = { signal: new AbortController().signal, threadId: "t", turnId: null, callId: "c", logger: silentLogger };
    expect(await t.execute({ a: 1 }, ctx)).toBe("call 1");
    expect(await t.execute({ a: 2 }, ctx)).toBe("call 2");
    expect(counter.calls).toBe(2);
  });

  it("keeps a private frozen copy of a JSON Schema", () => {
    const schema = { type: "object", properties: { a: { type: "number" } } };
    const t = tool({ ...base, parameters: schema });
    schema.properties.a.type = "string";
    expect(t.parameters).toEqual({ type: "object", properties: { a: { type: "number" } } });
    expect(Object.isFrozen(t.parameters)).toBe(true);
  });

  it("accepts exactly the names matching the pattern (property)", () => {
    const valid = fc.stringMatching(/^[a-zA-Z0-9_-]{1,64}$/);
    fc.assert(fc.property(valid, (name) => tool({ ...base, name }).name === name));
    fc.assert(
      fc.property(
        fc
          .oneof(
            fc.string({ unit: "grapheme", maxLength: 80 }),
            // Near misses: a valid name made too long, or with one foreign character inserted.
            fc.stringMatching(/^[a-zA-Z0-9_-]{65,80}$/),
            fc
              .tuple(fc.stringMatching(/^[a-zA-Z0-9_-]{0,30}$/), fc.constantFrom(" ", ".", "/", "é", "\n", ":", "😀"), fc.stringMatching(/^[a-zA-Z0-9_-]{0,30}$/))
              .map(([a, c, b]) => a + c + b),
          )
          .filter((s) => !TOOL_NAME_PATTERN.test(s)),
        (name) => {
          expect(() => tool({ ...base, name })).toThrow(ToolError);
        },
      ),
    );
  });
});
