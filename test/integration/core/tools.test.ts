/** codexkit tools on both transports (app-server `dynamicTools`, exec loopback MCP), real binary. */
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { AbortError, tool, type ThreadEvent, type ToolCallItem } from "../../../src/index.js";
import { callTool, functionCallOutput, inputItems, say } from "../../../src/testing/index.js";
import { collect, harness, type Harness } from "../../helpers/harness.js";
import { PNG_DATA_URL } from "../../helpers/fixtures.js";
import { recordingLogger } from "../../helpers/logger.js";
import { TRANSPORTS } from "../../helpers/transports.js";

let h: Harness;
afterEach(async () => {
  await h.close();
});

const add = tool({
  name: "add",
  description: "Adds two numbers",
  parameters: z.object({ a: z.number(), b: z.number() }),
  execute: ({ a, b }) => String(a + b),
});

/** The tool_call items of a stream, by event type. */
function toolEvents(events: ThreadEvent[]): { type: string; item: ToolCallItem }[] {
  return events.flatMap((e) =>
    (e.type === "item.started" || e.type === "item.completed") && e.item.type === "tool_call" ? [{ type: e.type, item: e.item }] : [],
  );
}

/**
 * What the model got back for `callId` in its `index`th request. exec's MCP path prefixes codex's
 * own "Wall time: … Output:" lines, so the tool's text is what follows them.
 */
function outputFor(index: number, callId: string): string | undefined {
  const output = functionCallOutput(h.model.responseRequests()[index]!, callId);
  return output?.replace(/^Wall time: [^\n]*\nOutput:\n?/, "");
}

describe.each(TRANSPORTS)("%s transport: tools", (transport) => {
  /** The model calls a codexkit tool; on exec it sits in codexkit's MCP namespace. */
  const call = (name: string, args: unknown, callId: string) =>
    callTool(name, args, transport === "exec" ? { callId, namespace: "mcp__codexkit" } : { callId });

  it("offers the tool, runs it with validated arguments, and reports a tool_call item", async () => {
    h = await harness(transport, { tools: [add] });
    h.model.reply(call("add", { a: 2, b: 3 }, "c1")).reply(say("five"));
    const { events } = await h.thread().runStreamed("add them");
    const seen = await collect(events);
    const offered = JSON.stringify(h.model.responseRequests()[0]!.body);
    expect(offered).toContain('"add"');
    expect(offered).toContain("Adds two numbers");
    expect(outputFor(1, "c1")).toBe("5");
    const calls = toolEvents(seen);
    expect(calls.map((c) => c.type)).toEqual(["item.started", "item.completed"]);
    expect(calls[1]!.item).toMatchObject({ tool: "add", arguments: { a: 2, b: 3 }, result: "5", status: "completed" });
    expect(typeof calls[1]!.item.duration_ms).toBe("number");
    expect(seen.at(-1)?.type).toBe("turn.completed");
  });

  it("answers invalid arguments with a failed result naming the problem, without running the tool", async () => {
    let ran = false;
    const strict = tool({
      name: "strict",
      description: "Needs a number",
      parameters: z.object({ n: z.number() }),
      execute: () => {
        ran = true;
        return "ran";
      },
    });
    h = await harness(transport, { tools: [strict] });
    h.model.reply(call("strict", { n: "seven" }, "c1")).reply(say("sorry"));
    const turn = await h.thread().run("go");
    expect(ran).toBe(false);
    expect(outputFor(1, "c1")).toMatch(/invalid arguments for strict: n: .*number/i);
    const item = turn.items.find((i) => i.type === "tool_call") as ToolCallItem;
    expect(item.status).toBe("failed");
  });

  it("turns a thrown error into a failed result with secrets redacted, and the turn goes on", async () => {
    const secret = "sk-live-abcdefghijklmnop123456";
    const broken = tool({
      name: "broken",
      description: "Fails",
      parameters: { type: "object", properties: {} },
      execute: () => {
        throw new Error(`database down (key ${secret})`);
      },
    });
    h = await harness(transport, { tools: [broken], secrets: [secret] });
    h.model.reply(call("broken", {}, "c1")).reply(say("it failed"));
    const turn = await h.thread().run("go");
    expect(turn.finalResponse).toBe("it failed");
    const output = outputFor(1, "c1")!;
    expect(output).toContain("database down");
    expect(output).not.toContain(secret);
  });

  it("fails a call that outlives its timeout, and the turn goes on", async () => {
    const slow = tool({
      name: "slow",
      description: "Never answers",
      parameters: { type: "object", properties: {} },
      timeoutMs: 300,
      execute: () => new Promise<string>(() => {}),
    });
    h = await harness(transport, { tools: [slow] });
    h.model.reply(call("slow", {}, "c1")).reply(say("gave up"));
    const turn = await h.thread().run("go");
    expect(turn.finalResponse).toBe("gave up");
    expect(outputFor(1, "c1")).toMatch(/timed out after 300 ms/);
  });

  it("aborts a long tool through ctx.signal when the turn is aborted; the thread stays usable", async () => {
    let sawAbort = false;
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const long = tool({
      name: "long",
      description: "Waits for cancellation",
      parameters: { type: "object", properties: {} },
      timeoutMs: 0,
      execute: (_args, ctx) =>
        new Promise<string>((resolve) => {
          started();
          ctx.signal.addEventListener("abort", () => {
            sawAbort = true;
            resolve("cancelled");
          });
        }),
    });
    h = await harness(transport, { tools: [long] });
    h.model.reply(call("long", {}, "c1"));
    h.model.reply(say("next turn"));
    const thread = h.thread();
    const controller = new AbortController();
    const pending = thread.run("go", { signal: controller.signal }).catch((e: unknown) => e);
    await running;
    controller.abort();
    expect(await pending).toBeInstanceOf(AbortError);
    expect(sawAbort).toBe(true);
    expect((await thread.run("again")).finalResponse).toBe("next turn");
  });

  it("sends content items back to the model: text and an image", async () => {
    const png = PNG_DATA_URL;
    const snapshot = tool({
      name: "snapshot",
      description: "Takes a picture",
      parameters: { type: "object", properties: {} },
      execute: () => [
        { type: "text", text: "here it is" },
        { type: "image", imageUrl: png },
      ],
    });
    h = await harness(transport, { tools: [snapshot] });
    h.model.reply(call("snapshot", {}, "c1")).reply(say("nice picture"));
    const turn = await h.thread().run("take one");
    expect(turn.finalResponse).toBe("nice picture");
    const sent = JSON.stringify(inputItems(h.model.responseRequests()[1]!));
    expect(sent).toContain("here it is");
    expect(sent).toContain("input_image");
    const item = turn.items.find((i) => i.type === "tool_call") as ToolCallItem;
    expect(item.result).toEqual([
      { type: "text", text: "here it is" },
      { type: "image", imageUrl: png },
    ]);
  });

  it("runs two tools called in one model response, and thread tools on top of the client's", async () => {
    const echo = tool({
      name: "echo",
      description: "Echoes",
      parameters: z.object({ text: z.string() }),
      execute: ({ text }) => ({ echoed: text }),
    });
    h = await harness(transport);
    h.codex.tools.register(add);
    expect(h.codex.tools.list().map((t) => t.name)).toEqual(["add"]);
    h.model.reply(call("add", { a: 1, b: 1 }, "c1"), call("echo", { text: "hi" }, "c2"));
    h.model.reply(say("both done"));
    const turn = await h.thread({ tools: [echo] }).run("go");
    expect(turn.finalResponse).toBe("both done");
    expect(outputFor(1, "c1")).toBe("2");
    expect(outputFor(1, "c2")).toBe('{"echoed":"hi"}');
    expect(turn.items.filter((i) => i.type === "tool_call").map((i) => i.tool).sort()).toEqual(["add", "echo"]);
  });

  it.runIf(transport === "app-server")("keeps offering and answering the tools of a thread resumed by another client", async () => {
    h = await harness(transport, { tools: [add] });
    h.model.reply(say("ready"));
    const first = h.thread();
    await first.run("hello");
    await h.codex.close();
    const other = h.client({ tools: [add] });
    h.model.reply(call("add", { a: 4, b: 5 }, "c9")).reply(say("nine"));
    const turn = await other.resumeThread(first.id!, { workingDirectory: h.cwd, skipGitRepoCheck: true }).run("add");
    expect(turn.finalResponse).toBe("nine");
    expect(JSON.stringify(h.model.responseRequests()[1]!.body)).toContain('"add"');
    expect(outputFor(2, "c9")).toBe("9");
  });

  it.runIf(transport === "app-server")("warns that a tool registered after the thread started is not offered", async () => {
    const logger = recordingLogger();
    h = await harness(transport, { logger });
    h.model.reply(say("one")).reply(say("two"));
    const thread = h.thread();
    await thread.run("first");
    h.codex.tools.register(add);
    await thread.run("second");
    expect(JSON.stringify(h.model.responseRequests()[1]!.body)).not.toContain("Adds two numbers");
    expect(logger.messages("warn").join("\n")).toContain("tools changed after it started");
  });
});
