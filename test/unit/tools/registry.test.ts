import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ToolError } from "../../../src/errors/index.js";
import { ToolRegistry, tool, toToolSpec, type Tool } from "../../../src/tools/index.js";

const make = (name: string, timeoutMs?: number) =>
  tool({
    name,
    description: `${name} tool`,
    parameters: z.object({ x: z.string(), n: z.number().default(1) }),
    execute: ({ x }) => x,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  });

describe("ToolRegistry", () => {
  it("registers, lists, gets and deregisters", () => {
    const a = make("a", 500);
    const registry = new ToolRegistry([a]);
    registry.register(make("b"));
    expect(registry.size).toBe(2);
    expect(registry.has("a")).toBe(true);
    expect(registry.get("a")).toBe(a);
    expect(registry.get("zzz")).toBeUndefined();
    expect([...registry].map((t) => t.name)).toEqual(["a", "b"]);
    const [first, second] = registry.list();
    expect(first).toEqual({ name: "a", description: "a tool", inputSchema: toToolSpec(a).inputSchema, timeoutMs: 500 });
    expect(second).not.toHaveProperty("timeoutMs");
    expect(registry.deregister("a")).toBe(true);
    expect(registry.deregister("a")).toBe(false);
    expect(registry.size).toBe(1);
    expect(registry.has("a")).toBe(false);
  });

  it("rejects a duplicate name, in the constructor too", () => {
    const registry = new ToolRegistry([make("a")]);
    expect(() => registry.register(make("a"))).toThrow(ToolError);
    expect(() => registry.register(make("a"))).toThrow(/already registered/);
    expect(() => new ToolRegistry([make("a"), make("a")])).toThrow(ToolError);
  });

  it("validates plain objects again and stores a frozen copy", () => {
    const registry = new ToolRegistry();
    const plain = { name: "plain", description: "", parameters: { type: "object" }, execute: () => "ok" };
    registry.register(plain);
    const stored = registry.get("plain");
    expect(stored).not.toBe(plain);
    expect(Object.isFrozen(stored)).toBe(true);
    expect(() => registry.register({ ...plain, name: "bad name" })).toThrow(ToolError);
    expect(() => registry.register({ ...plain, name: "p2", execute: undefined } as unknown as Tool)).toThrow(/execute/);
    expect(() => registry.register(null as unknown as Tool)).toThrow(ToolError);
  });
});

describe("toToolSpec", () => {
  it("converts zod to JSON Schema of the input side, without $schema", () => {
    const spec = toToolSpec(make("a"));
    expect(spec).toEqual({
      name: "a",
      description: "a tool",
      inputSchema: {
        type: "object",
        properties: { x: { type: "string" }, n: { type: "number", default: 1 } },
        required: ["x"],
      },
    });
    expect(spec.inputSchema).not.toHaveProperty("$schema");
  });

  it("passes a JSON Schema through as a copy", () => {
    const schema = { type: "object", properties: { q: { type: "string", description: "query" } }, required: ["q"] };
    const t = tool({ name: "search", description: "s", parameters: schema, execute: () => "" });
    const spec = toToolSpec(t);
    expect(spec.inputSchema).toEqual(schema);
    expect(spec.inputSchema).not.toBe(schema);
  });

  it("caches per tool and freezes what it caches", () => {
    const t = make("a");
    expect(toToolSpec(t)).toBe(toToolSpec(t));
    expect(Object.isFrozen(toToolSpec(t).inputSchema)).toBe(true);
    expect(toToolSpec(make("a"))).not.toBe(toToolSpec(t));
  });
});
