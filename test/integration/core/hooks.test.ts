/**
 * Hooks on both transports, real binary: `onEvent` sees every event before the consumer, in
 * order; `beforeToolCall` can veto a call or change its arguments; `afterToolCall` can change the
 * result; a throwing hook fails the call as a throwing tool does (or, for `onEvent`, is logged);
 * hooks run inside the call's span.
 */
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { tool, type ToolCallItem } from "../../../src/index.js";
import { functionCallOutput, say } from "../../../src/testing/index.js";
import { harness, type Harness } from "../../helpers/harness.js";
import { recordingLogger } from "../../helpers/logger.js";
import { only, otelCapture } from "../../helpers/otel.js";
import { TRANSPORTS, toolCallFor } from "../../helpers/transports.js";
import { trace } from "@opentelemetry/api";

let h: Harness;
afterEach(async () => {
  await h.close();
});

function adder(calls: unknown[] = []) {
  return tool({
    name: "add",
    description: "Adds two numbers",
    parameters: z.object({ a: z.number(), b: z.number() }),
    execute: ({ a, b }) => {
      calls.push({ a, b });
      return String(a + b);
    },
  });
}

describe.each(TRANSPORTS)("%s transport: hooks", (transport) => {
  const call = (callId: string, args: unknown = { a: 2, b: 3 }) => toolCallFor(transport, "add", args, { callId });
  /** What the model got back for `callId` in its second request (exec prefixes codex's own lines). */
  const output = (callId: string): string => (functionCallOutput(h.model.responseRequests()[1]!, callId) ?? "").replace(/^Wall time: [^\n]*\nOutput:\n?/, "");
  const toolItem = (items: { type: string }[]): ToolCallItem => items.find((i) => i.type === "tool_call") as ToolCallItem;

  it("onEvent sees every event of the stream, in order, each just before the loop does", async () => {
    const order: string[] = [];
    h = await harness(transport, {
      onEvent: async (event, info) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        order.push(`hook ${event.type}${event.type === "turn.completed" ? ` ${info.threadId !== null}` : ""}`);
      },
    });
    h.model.reply(say("hello"));
    const { events } = await h.thread().runStreamed("hi");
    for await (const event of events) order.push(`loop ${event.type}${event.type === "turn.completed" ? " true" : ""}`);
    expect(order.length).toBeGreaterThanOrEqual(8);
    for (let i = 0; i < order.length; i += 2) expect(order[i + 1]).toBe(order[i]!.replace(/^hook/, "loop"));
    expect(order[0]).toBe("hook thread.started");
    expect(order.at(-1)).toBe("loop turn.completed true");
  });

  it("onEvent runs for run() too, and a throwing or rejecting onEvent is logged while the turn goes on, never unhandled", async () => {
    const logger = recordingLogger();
    const seen: string[] = [];
    const escaped: unknown[] = [];
    const onEscape = (error: unknown): void => void escaped.push(error);
    process.on("unhandledRejection", onEscape);
    process.on("uncaughtException", onEscape);
    try {
      h = await harness(transport, {
        logger,
        onEvent: async (event) => {
          seen.push(event.type);
          if (event.type === "turn.started") throw new Error("hook broke");
          if (event.type === "turn.completed") await Promise.reject(new Error("hook rejected"));
        },
      });
      h.model.reply(say("fine"));
      expect((await h.thread().run("hi")).finalResponse).toBe("fine");
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      process.off("unhandledRejection", onEscape);
      process.off("uncaughtException", onEscape);
    }
    expect(seen.at(-1)).toBe("turn.completed");
    expect(logger.entries.filter((e) => e.obj.event === "hook.error").map((e) => e.obj)).toEqual([
      expect.objectContaining({ hook: "onEvent", error: expect.stringContaining("hook broke") }),
      expect.objectContaining({ hook: "onEvent", error: expect.stringContaining("hook rejected") }),
    ]);
    expect(escaped).toEqual([]);
  });

  it("beforeToolCall can veto a call: the tool does not run and the model gets the reason", async () => {
    const logger = recordingLogger();
    const calls: unknown[] = [];
    const seen: unknown[] = [];
    h = await harness(transport, {
      tools: [adder(calls)],
      logger,
      beforeToolCall: (info) => {
        seen.push(info);
        return { veto: "adding is not allowed today" };
      },
    });
    h.model.reply(call("c1")).reply(say("ok"));
    const turn = await h.thread().run("add");
    expect(calls).toEqual([]);
    expect(seen).toEqual([expect.objectContaining({ tool: "add", arguments: { a: 2, b: 3 }, callId: "c1", threadId: expect.any(String) })]);
    expect(output("c1")).toContain("adding is not allowed today");
    expect(toolItem(turn.items).status).toBe("failed");
    expect(logger.entries.find((e) => e.obj.event === "tool.call")?.obj).toMatchObject({ tool: "add", callId: "c1", outcome: "vetoed" });
  });

  it("beforeToolCall can change the arguments, which are checked against the schema again", async () => {
    const calls: unknown[] = [];
    h = await harness(transport, {
      tools: [adder(calls)],
      beforeToolCall: (info) => ((info.arguments as { a: number }).a === 2 ? { arguments: { a: 10, b: 3 } } : { arguments: { a: "ten" } }),
    });
    h.model.reply(call("c1"), call("c2", { a: 1, b: 1 })).reply(say("ok"));
    const turn = await h.thread().run("add");
    expect(calls).toEqual([{ a: 10, b: 3 }]);
    expect(output("c1")).toBe("13");
    expect(output("c2")).toMatch(/beforeToolCall gave arguments the tool does not accept/);
    expect(turn.finalResponse).toBe("ok");
  });

  it("afterToolCall sees the outcome and can replace the result or fail the call", async () => {
    const outcomes: unknown[] = [];
    h = await harness(transport, {
      tools: [adder()],
      afterToolCall: (info, outcome) => {
        outcomes.push({ callId: info.callId, ...outcome });
        return info.callId === "c1" ? { result: { sum: "forty-two" } } : { error: "not this one" };
      },
    });
    h.model.reply(call("c1"), call("c2")).reply(say("ok"));
    const turn = await h.thread().run("add");
    expect(outcomes).toEqual(
      expect.arrayContaining([expect.objectContaining({ callId: "c1", success: true, content: [{ type: "text", text: "5" }], durationMs: expect.any(Number) })]),
    );
    expect(output("c1")).toBe('{"sum":"forty-two"}');
    expect(output("c2")).toContain("not this one");
    const items = turn.items.filter((i): i is ToolCallItem => i.type === "tool_call");
    expect(items.map((i) => i.status).sort()).toEqual(["completed", "failed"]);
  });

  it("a throwing tool hook fails the call as a throwing tool does, and the turn goes on", async () => {
    const logger = recordingLogger();
    const calls: unknown[] = [];
    h = await harness(transport, {
      tools: [adder(calls)],
      logger,
      beforeToolCall: () => {
        throw new Error("policy service unreachable");
      },
    });
    h.model.reply(call("c1")).reply(say("carried on"));
    const turn = await h.thread().run("add");
    expect(calls).toEqual([]);
    expect(output("c1")).toContain("beforeToolCall failed: policy service unreachable");
    expect(turn.finalResponse).toBe("carried on");
    expect(toolItem(turn.items)).toMatchObject({ status: "failed" });
    expect(logger.entries.find((e) => e.obj.event === "hook.error")?.obj).toMatchObject({ hook: "beforeToolCall", callId: "c1" });
  });

  it("runs tool hooks and the tool inside the call's execute_tool span", async () => {
    const otel = otelCapture();
    const tracer = otel.tracerProvider.getTracer("user");
    const inSpan = (name: string) => tracer.startSpan(name).end();
    try {
      h = await harness(transport, {
        tracer: otel.tracerProvider.getTracer("codexkit"),
        tools: [
          tool({
            name: "add",
            description: "Adds",
            parameters: z.object({ a: z.number(), b: z.number() }),
            execute: ({ a, b }) => {
              inSpan("user execute");
              return String(a + b);
            },
          }),
        ],
        beforeToolCall: () => inSpan("user before"),
        afterToolCall: () => inSpan("user after"),
        onEvent: (event) => {
          if (event.type === "turn.completed") inSpan("user onEvent");
        },
      });
      h.model.reply(call("c1")).reply(say("ok"));
      // The consumer's own code runs in the consumer's context, not inside codexkit's spans.
      const activeInLoop = new Set<unknown>();
      for await (const _event of (await h.thread().runStreamed("add")).events) activeInLoop.add(trace.getActiveSpan());
      const callSpan = only(otel.named("execute_tool add"), "tool spans");
      const agent = only(otel.named("invoke_agent codex"), "invoke_agent spans");
      for (const name of ["user before", "user execute", "user after"]) {
        expect(only(otel.named(name), name).parentSpanContext?.spanId, name).toBe(callSpan.spanContext().spanId);
      }
      expect(only(otel.named("user onEvent"), "onEvent spans").parentSpanContext?.spanId).toBe(agent.spanContext().spanId);
      expect([...activeInLoop]).toEqual([undefined]);
    } finally {
      await otel.shutdown();
    }
  });
});
