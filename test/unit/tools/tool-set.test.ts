import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { InvalidOptionsError, ToolError } from "../../../src/errors/index.js";
import { ToolRegistry, createToolSet, tool, type ToolContext, type ToolResult } from "../../../src/tools/index.js";
import { callContext, services } from "./helpers.js";

// The tool is frozen, so the spy travels next to it rather than on it.
const spies = new WeakMap<object, ReturnType<typeof vi.fn>>();
const add = () => {
  const execute = vi.fn(({ a, b }: { a: number; b: number }) => a + b);
  const t = tool({ name: "add", description: "adds", parameters: z.object({ a: z.number(), b: z.number() }), execute });
  spies.set(t, execute);
  return t;
};
const spyOf = (t: object) => spies.get(t);

const returning = (value: ToolResult, name = "ret") =>
  tool({ name, description: "", parameters: { type: "object" }, execute: () => value });

describe("createToolSet: layers", () => {
  it("puts thread tools on top of client tools", () => {
    const clientEcho = returning("client", "echo");
    const threadEcho = returning("thread", "echo");
    const set = createToolSet({ client: new ToolRegistry([clientEcho, add()]), thread: [threadEcho] }, services());
    expect(set.specs.map((s) => s.name)).toEqual(["echo", "add"]);
    expect(set.has("echo")).toBe(true);
    expect(set.has("nope")).toBe(false);
    return expect(set.call("echo", {}, callContext())).resolves.toMatchObject({
      success: true,
      content: [{ type: "text", text: "thread" }],
    });
  });

  it("accepts a client array and rejects duplicates within a layer", () => {
    expect(createToolSet({ client: [add()] }, services()).specs).toHaveLength(1);
    expect(() => createToolSet({ thread: [returning(1, "x"), returning(2, "x")] }, services())).toThrow(ToolError);
    expect(() => createToolSet({ client: [returning(1, "x"), returning(2, "x")] }, services())).toThrow(ToolError);
    expect(() => createToolSet({}, { ...services(), defaultTimeoutMs: -1 })).toThrow(InvalidOptionsError);
  });

  it("snapshots the registry when it is built", async () => {
    const registry = new ToolRegistry([add()]);
    const set = createToolSet({ client: registry }, services());
    registry.deregister("add");
    expect((await set.call("add", { a: 1, b: 2 }, callContext())).success).toBe(true);
  });
});

describe("createToolSet: call", () => {
  it("runs a tool with validated arguments and its context", async () => {
    let seen: ToolContext | undefined;
    const t = tool({
      name: "ctx",
      description: "",
      parameters: z.object({ n: z.coerce.number() }),
      execute: ({ n }, ctx) => {
        seen = ctx;
        return n * 2;
      },
    });
    const svc = services();
    const outcome = await createToolSet({ thread: [t] }, svc).call("ctx", { n: "21" }, callContext());
    expect(outcome).toEqual({ success: true, content: [{ type: "text", text: "42" }], durationMs: expect.any(Number) });
    expect(outcome.durationMs).toBeGreaterThanOrEqual(0);
    expect(seen).toMatchObject({ threadId: "thr_1", turnId: "turn_1", callId: "call_1", logger: svc.logger });
    expect(seen?.signal.aborted).toBe(false);
  });

  it("reports an unknown tool", async () => {
    const outcome = await createToolSet({}, services()).call("ghost", {}, callContext());
    expect(outcome).toMatchObject({
      success: false,
      error: "unknown tool ghost",
      content: [{ type: "text", text: "unknown tool ghost" }],
    });
  });

  it("parses JSON string arguments and treats empty ones as {}", async () => {
    const t = add();
    const set = createToolSet({ client: [t] }, services());
    expect((await set.call("add", '{"a":1,"b":2}', callContext())).content).toEqual([{ type: "text", text: "3" }]);
    const bad = await set.call("add", "{a:1", callContext());
    expect(bad.success).toBe(false);
    expect(bad.error).toMatch(/^invalid arguments for add: not valid JSON/);
    const none = createToolSet({ client: [returning("ok")] }, services());
    for (const empty of ["", "  ", undefined, null]) {
      expect((await none.call("ret", empty, callContext())).success).toBe(true);
    }
  });

  it("never runs execute when arguments are invalid, and names the problems", async () => {
    const t = add();
    const set = createToolSet({ client: [t] }, services());
    const outcome = await set.call("add", { a: 1, b: "2" }, callContext());
    expect(outcome.success).toBe(false);
    expect(outcome.error).toBe("invalid arguments for add: b: expected number, received string");
    expect(outcome.content).toEqual([{ type: "text", text: outcome.error }]);
    const many = await set.call("add", [1], callContext());
    expect(many.error).toBe("invalid arguments for add: (root): expected object, received array");
    expect(spyOf(t)).not.toHaveBeenCalled();
  });

  it("validates against a plain JSON Schema through zod", async () => {
    const execute = vi.fn(() => "ran");
    const t = tool({
      name: "search",
      description: "",
      parameters: { type: "object", properties: { q: { type: "string" }, limit: { type: "integer" } }, required: ["q"] },
      execute,
    });
    const set = createToolSet({ thread: [t] }, services());
    const outcome = await set.call("search", { limit: 1.5 }, callContext());
    expect(outcome.error).toMatch(/^invalid arguments for search: /);
    expect(outcome.error).toContain("q:");
    expect(outcome.error).toContain("limit:");
    expect(execute).not.toHaveBeenCalled();
    expect((await set.call("search", { q: "x", limit: 2 }, callContext())).success).toBe(true);
  });

  it("redacts thrown messages and logs them at warn", async () => {
    const t = tool({
      name: "leaky",
      description: "",
      parameters: { type: "object" },
      execute: () => Promise.reject(new Error("upstream refused key sk-secret123")),
    });
    const svc = services();
    const outcome = await createToolSet({ thread: [t] }, svc).call("leaky", {}, callContext());
    expect(outcome.success).toBe(false);
    expect(outcome.error).toBe("upstream refused key [REDACTED]");
    expect(JSON.stringify(outcome)).not.toContain("sk-secret123");
    const warn = svc.logger.entries.find((e) => e.level === "warn");
    expect(warn?.obj).toMatchObject({ tool: "leaky", callId: "call_1", error: "upstream refused key [REDACTED]" });
  });

  it("turns synchronous throws of non-Errors into failed outcomes", async () => {
    const thrower = (value: unknown) =>
      tool({ name: "t", description: "", parameters: { type: "object" }, execute: () => { throw value; } });
    const run = (value: unknown) => createToolSet({ thread: [thrower(value)] }, services()).call("t", {}, callContext());
    expect((await run("plain string hunter2-password")).error).toBe("plain string [REDACTED]");
    expect((await run({ message: "object message" })).error).toBe("object message");
    expect((await run(Object.create(null))).success).toBe(false);
    expect((await run(new Error(""))).error).toBe("tool t failed");
  });

  it("times out an execute that never settles, without waiting for it", async () => {
    let signal: AbortSignal | undefined;
    const t = tool({
      name: "hang",
      description: "",
      parameters: { type: "object" },
      timeoutMs: 50,
      execute: (_args, ctx) => {
        signal = ctx.signal;
        return new Promise(() => {});
      },
    });
    vi.useFakeTimers();
    try {
      let settled = false;
      const pending = createToolSet({ thread: [t] }, services())
        .call("hang", {}, callContext())
        .finally(() => (settled = true));
      await vi.advanceTimersByTimeAsync(49);
      expect(settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(settled).toBe(true);
      expect(await pending).toMatchObject({ success: false, error: "tool hang timed out after 50 ms" });
      expect(signal?.aborted).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it("uses the default timeout for tools without their own, and 0 disables it", async () => {
    const slow = (timeoutMs?: number) =>
      tool({
        name: "slow",
        description: "",
        parameters: { type: "object" },
        ...(timeoutMs === undefined ? {} : { timeoutMs }),
        execute: () => new Promise((resolve) => setTimeout(() => resolve("done"), 80)),
      });
    expect((await createToolSet({ thread: [slow()] }, services(20)).call("slow", {}, callContext())).error).toBe(
      "tool slow timed out after 20 ms",
    );
    expect((await createToolSet({ thread: [slow(0)] }, services(20)).call("slow", {}, callContext())).success).toBe(true);
    expect((await createToolSet({ thread: [slow(1e12)] }, services()).call("slow", {}, callContext())).success).toBe(true);
  });

  it("cancels when the turn's signal aborts", async () => {
    const controller = new AbortController();
    let inner: AbortSignal | undefined;
    const t = tool({
      name: "wait",
      description: "",
      parameters: { type: "object" },
      execute: (_args, ctx) => {
        inner = ctx.signal;
        // Rejects on abort, which must not change the verdict.
        return new Promise((_resolve, reject) => ctx.signal.addEventListener("abort", () => reject(new Error("boom"))));
      },
    });
    const set = createToolSet({ thread: [t] }, services());
    const pending = set.call("wait", {}, callContext(controller.signal));
    setTimeout(() => controller.abort(), 10);
    expect(await pending).toMatchObject({ success: false, error: "tool wait was cancelled" });
    expect(inner?.aborted).toBe(true);
  });

  it("does not start execute when the turn is already aborted", async () => {
    const t = add();
    const outcome = await createToolSet({ thread: [t] }, services()).call("add", { a: 1, b: 2 }, callContext(AbortSignal.abort()));
    expect(outcome.error).toBe("tool add was cancelled");
    expect(spyOf(t)).not.toHaveBeenCalled();
  });
});

describe("createToolSet: results", () => {
  const run = (value: ToolResult) => createToolSet({ thread: [returning(value)] }, services()).call("ret", {}, callContext());

  it("sends strings, JSON and undefined as text", async () => {
    expect((await run("hello")).content).toEqual([{ type: "text", text: "hello" }]);
    expect((await run({ a: [1, 2] })).content).toEqual([{ type: "text", text: '{"a":[1,2]}' }]);
    expect((await run(7)).content).toEqual([{ type: "text", text: "7" }]);
    expect((await run(null)).content).toEqual([{ type: "text", text: "null" }]);
    expect((await run([])).content).toEqual([{ type: "text", text: "[]" }]);
    expect((await run(undefined)).content).toEqual([{ type: "text", text: "" }]);
    expect((await run(Promise.resolve("async"))).content).toEqual([{ type: "text", text: "async" }]);
  });

  it("sends content items as they are", async () => {
    const items = [
      { type: "text", text: "see image" },
      { type: "image", imageUrl: "data:image/png;base64,AAAA" },
    ];
    expect((await run(items)).content).toEqual(items);
    expect((await run({ content: items })).content).toEqual(items);
    expect((await run({ content: [] })).content).toEqual([]);
  });

  it("fails on malformed content items", async () => {
    const outcome = await run([{ type: "text", text: "ok" }, { type: "image", url: "x" }]);
    expect(outcome).toMatchObject({ success: false, error: expect.stringMatching(/index 1: an image item needs a string `imageUrl`/) });
    expect((await run({ content: [{ type: "text", text: 3 }] })).success).toBe(false);
  });

  it("fails on values that are not JSON-serializable", async () => {
    // @ts-expect-error a bigint is refused at compile time (ToolResult); from JavaScript the call fails
    expect((await run(10n)).error).toMatch(/^tool ret returned a value that is not JSON-serializable: /);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect((await run(cyclic)).error).toMatch(/not JSON-serializable/);
    expect((await run(() => 1)).error).toMatch(/not JSON-serializable: function/);
    // @ts-expect-error a symbol is refused at compile time (ToolResult); from JavaScript the call fails
    expect((await run(Symbol("s"))).success).toBe(false);
  });
});
