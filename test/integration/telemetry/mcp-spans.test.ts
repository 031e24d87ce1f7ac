/**
 * MCP calls in traces: a direct `callTool` is a `tools/call` client span under the caller's span;
 * a bridged tool's MCP call nests under its `execute_tool` span; a server codex runs for a thread
 * shows up as an `execute_tool` span from its `mcp_tool_call` item.
 */
import { afterEach, describe, expect, it } from "vitest";
import { callTool, say } from "../../../src/testing/index.js";
import { harness, type Harness } from "../../helpers/harness.js";
import { FIXTURE } from "../../helpers/mcp.js";
import { only, otelCapture, type OtelCapture } from "../../helpers/otel.js";

let h: Harness;
let otel: OtelCapture;
afterEach(async () => {
  try {
    await h?.close();
  } finally {
    await otel?.shutdown();
  }
});

describe("MCP spans", () => {
  it("traces a direct call under the caller's span, with a failed tool marked as an error", async () => {
    otel = otelCapture();
    h = await harness("app-server", { tracer: otel.tracerProvider.getTracer("codexkit") });
    const server = await h.codex.mcp.connect("fixture", { command: process.execPath, args: [FIXTURE] });
    const { caller } = await otel.inCallerSpan(async () => {
      await server.callTool("echo", { text: "hi" });
      await server.callTool("fail");
    });
    const echo = only(otel.named("tools/call echo"), "echo spans");
    expect(echo?.parentSpanContext?.spanId).toBe(caller.spanContext().spanId);
    expect(echo?.kind).toBe(2);
    expect(echo?.attributes).toMatchObject({ "mcp.method.name": "tools/call", "gen_ai.tool.name": "echo", "codexkit.mcp.server": "fixture" });
    expect(echo?.status.code).not.toBe(2);
    const failed = only(otel.named("tools/call fail"), "fail spans");
    expect(failed?.status.code).toBe(2);
    expect(failed?.attributes["error.type"]).toBe("tool_error");
  });

  it("nests a bridged tool's MCP call under its execute_tool span", async () => {
    otel = otelCapture();
    h = await harness("app-server", { tracer: otel.tracerProvider.getTracer("codexkit") });
    const server = await h.codex.mcp.connect("fixture", { command: process.execPath, args: [FIXTURE] });
    h.model.reply(callTool("fixture__echo", { text: "hello" }, { callId: "c1" })).reply(say("echoed"));
    await h.thread({ tools: server.tools({ allow: ["echo"], prefix: "fixture__" }) }).run("echo");
    const execute = only(otel.named("execute_tool fixture__echo"), "bridged tool spans");
    const mcp = only(otel.named("tools/call echo"), "MCP call spans");
    expect(mcp.parentSpanContext?.spanId).toBe(execute.spanContext().spanId);
  });

  it("shows a call to a server codex runs for the thread as an execute_tool span", async () => {
    otel = otelCapture();
    h = await harness("app-server", { tracer: otel.tracerProvider.getTracer("codexkit") });
    h.model.reply(callTool("echo", { text: "via codex" }, { callId: "m1", namespace: "mcp__fx" })).reply(say("done"));
    await h.thread({ mcpServers: { fx: { command: process.execPath, args: [FIXTURE] } } }).run("echo");
    const agent = only(otel.named("invoke_agent codex"), "invoke_agent spans");
    const call = only(otel.named("execute_tool echo"), "MCP tool spans");
    expect(call.parentSpanContext?.spanId).toBe(agent.spanContext().spanId);
    expect(call?.attributes).toMatchObject({ "gen_ai.tool.type": "extension", "mcp.method.name": "tools/call", "codexkit.mcp.server": "fx", "codexkit.item.status": "completed" });
  });
});
