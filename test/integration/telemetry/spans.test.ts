/**
 * OpenTelemetry spans and metrics of real turns, read back with the SDK's in-memory exporters, on
 * both transports: the span tree of a turn with a command, a codexkit tool and (app-server) an
 * approval, under the caller's span; a failed turn's error code; a retried turn; the GenAI metrics;
 * and codex joining the caller's trace when its own OpenTelemetry export is configured.
 */
import { trace } from "@opentelemetry/api";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { AuthError, tool, type CodexOptions, type TransportKind } from "../../../src/index.js";
import { httpError, runCommand, say } from "../../../src/testing/index.js";
import { harness, type Harness } from "../../helpers/harness.js";
import { durationMs, hrLess, only, otelCapture, points, type OtelCapture } from "../../helpers/otel.js";
import { TRANSPORTS, toolCallFor } from "../../helpers/transports.js";
import { unixOnly } from "../../helpers/platform.js";

const withShell = unixOnly("the mock model scripts POSIX shell commands; codex runs commands through PowerShell and its own sandbox on Windows");

let h: Harness;
let otel: OtelCapture;
afterEach(async () => {
  try {
    await h?.close();
  } finally {
    await otel?.shutdown();
  }
});

const add = tool({
  name: "add",
  description: "Adds two numbers",
  parameters: z.object({ a: z.number(), b: z.number() }),
  execute: ({ a, b }) => String(a + b),
});

async function setup(transport: TransportKind, extra: Partial<CodexOptions> = {}): Promise<void> {
  otel = otelCapture();
  h = await harness(transport, { tools: [add], tracer: otel.tracerProvider.getTracer("codexkit"), meter: otel.meterProvider.getMeter("codexkit"), ...extra });
}

const toolCall = (transport: TransportKind, callId: string) => toolCallFor(transport, "add", { a: 2, b: 3 }, { callId });


describe.each(TRANSPORTS)("%s transport: spans", (transport) => {
  withShell("gives a turn one invoke_agent span under the caller's, with a span per command, tool call and approval", async () => {
    await setup(transport);
    const approving = transport === "app-server";
    // exec cannot ask: there the command runs inside the sandbox without an approval.
    h.model.reply(approving ? runCommand("touch made.txt", { escalate: true, callId: "cmd1" }) : runCommand("echo hi", { callId: "cmd1" }));
    h.model.reply(toolCall(transport, "c1")).reply(say("five"));
    const thread = h.thread(
      approving
        ? {
            approvalPolicy: "on-request",
            onApproval: async () => {
              await new Promise((resolve) => setTimeout(resolve, 50));
              return "accept" as const;
            },
          }
        : {},
    );
    const { caller, result: turn } = await otel.inCallerSpan(() => thread.run("add 2 and 3"));
    expect(turn.finalResponse).toBe("five");

    const agent = only(otel.named("invoke_agent codex"), "invoke_agent spans");
    expect(agent.parentSpanContext?.spanId).toBe(caller.spanContext().spanId);
    expect(agent.spanContext().traceId).toBe(caller.spanContext().traceId);
    expect(agent.kind).toBe(2); // CLIENT
    expect(agent.attributes).toMatchObject({
      "gen_ai.operation.name": "invoke_agent",
      "gen_ai.agent.name": "codex",
      "gen_ai.provider.name": "mock",
      "gen_ai.request.model": "mock-model",
      "gen_ai.conversation.id": thread.id,
      "codexkit.transport": transport,
      "codexkit.turn.outcome": "completed",
      "codexkit.turn.attempts": 1,
      "gen_ai.usage.input_tokens": turn.usage!.input_tokens,
      "gen_ai.usage.output_tokens": turn.usage!.output_tokens,
    });
    expect(turn.usage!.input_tokens).toBeGreaterThan(0);
    expect(agent.attributes["gen_ai.input.messages"]).toBeUndefined();
    expect(agent.status.code).not.toBe(2);

    const children = otel.children(agent);
    const command = only(children.filter((s) => s.name === "execute_tool shell"), "command spans");
    expect(command.attributes).toMatchObject({ "gen_ai.operation.name": "execute_tool", "gen_ai.tool.type": "extension", "process.exit.code": 0, "codexkit.item.status": "completed" });
    expect(command.attributes["process.command_line"]).toBeUndefined();
    const call = only(children.filter((s) => s.name === "execute_tool add"), "tool spans");
    expect(call.attributes).toMatchObject({
      "gen_ai.operation.name": "execute_tool",
      "gen_ai.tool.name": "add",
      "gen_ai.tool.call.id": "c1",
      "gen_ai.tool.type": "function",
      "gen_ai.tool.description": "Adds two numbers",
      "codexkit.tool.outcome": "success",
    });
    expect(call.attributes["gen_ai.tool.call.arguments"]).toBeUndefined();
    for (const child of children) {
      expect(hrLess(agent.startTime, child.startTime), `${child.name} starts inside the turn`).toBe(true);
      expect(hrLess(child.endTime, agent.endTime), `${child.name} ends inside the turn`).toBe(true);
    }
    const approvals = children.filter((s) => s.name.startsWith("codexkit.approval"));
    if (approving) {
      const approval = only(approvals, "approval spans");
      expect(approval.name).toBe("codexkit.approval command");
      expect(approval.attributes).toMatchObject({ "codexkit.approval.kind": "command", "codexkit.approval.decision": "accept", "codexkit.approval.source": "handler" });
      expect(approval.attributes["codexkit.approval.wait_ms"]).toBeGreaterThanOrEqual(45);
    } else {
      expect(approvals).toEqual([]);
    }

    const metrics = await otel.metrics();
    const tokens = points(metrics, "gen_ai.client.token.usage");
    expect(tokens.find((p) => p.attributes["gen_ai.token.type"] === "input")?.value).toBe(turn.usage!.input_tokens);
    expect(tokens.find((p) => p.attributes["gen_ai.token.type"] === "output")?.value).toBe(turn.usage!.output_tokens);
    expect(points(metrics, "gen_ai.client.operation.duration")).toEqual([
      expect.objectContaining({ count: 1, attributes: expect.objectContaining({ "gen_ai.operation.name": "invoke_agent", "gen_ai.provider.name": "mock" }) }),
    ]);
    const tools = points(metrics, "gen_ai.execute_tool.duration").map((p) => p.attributes["gen_ai.tool.name"]).sort();
    expect(tools).toEqual(["add", "shell"]);
  });

  it("records a failed turn's error code on its span and in the duration metric", async () => {
    await setup(transport);
    h.model.enqueue(httpError(401));
    await expect(h.thread().run("hi")).rejects.toBeInstanceOf(AuthError);
    const agent = only(otel.named("invoke_agent codex"), "invoke_agent spans");
    expect(agent.status).toMatchObject({ code: 2 });
    expect(agent.attributes).toMatchObject({ "error.type": "auth_failed", "codexkit.turn.outcome": "failed" });
    const [duration] = points(await otel.metrics(), "gen_ai.client.operation.duration");
    expect(duration?.attributes["error.type"]).toBe("auth_failed");
  });

  withShell("records an aborted turn as aborted", async () => {
    await setup(transport);
    h.model.reply(runCommand("sleep 30"));
    const controller = new AbortController();
    const thread = h.thread();
    const { events } = await thread.runStreamed("wait", { signal: controller.signal });
    await expect(
      (async () => {
        for await (const event of events) if (event.type === "item.started" && event.item.type === "command_execution") controller.abort();
      })(),
    ).rejects.toMatchObject({ code: "aborted" });
    const agent = only(otel.named("invoke_agent codex"), "invoke_agent spans");
    expect(agent.attributes).toMatchObject({ "error.type": "aborted", "codexkit.turn.outcome": "aborted" });
    // The command codex never finished still ends, marked incomplete.
    const command = only(otel.children(agent).filter((s) => s.name === "execute_tool shell"), "command spans");
    expect(command.attributes["codexkit.item.status"]).toBe("incomplete");
  });

  it("hands codex the turn's trace context, so its own spans join the caller's trace", async () => {
    await setup(transport);
    // codex exports spans only when its own OpenTelemetry export is configured: here to the mock, which answers 404.
    const codex = h.client({ config: { ...h.model.codexOptions({ codexHome: h.codexHome }).config, otel: { trace_exporter: { "otlp-http": { endpoint: `${h.model.url}/traces`, protocol: "json" } } } } });
    h.model.reply(say("traced"));
    const thread = codex.startThread({ skipGitRepoCheck: true, workingDirectory: h.cwd });
    await otel.inCallerSpan(() => thread.run("hi"));
    const agent = only(otel.named("invoke_agent codex"), "invoke_agent spans");
    const traceId = agent.spanContext().traceId;
    const request = h.model.responseRequests()[0]!;
    expect(String(request.headers.traceparent)).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    // codex flushes its spans when it stops.
    await codex.close();
    const exported = h.model.requests.filter((r) => r.path.endsWith("/traces")).flatMap((r) => otlpSpans(r.body));
    expect(exported.length).toBeGreaterThan(0);
    // codex's spans of this turn are in the caller's trace, the top one a child of the turn's span.
    const joined = exported.filter((span) => span.traceId === traceId);
    expect(joined.length).toBeGreaterThan(0);
    expect(joined.some((span) => span.parentSpanId === agent.spanContext().spanId)).toBe(true);
  });
});

describe("app-server transport: retries in spans", () => {
  it("shows a retried turn: one invoke_agent span, a retry span over the backoff, and the attempt count", async () => {
    await setup("app-server", { retry: { baseDelayMs: 30, maxDelayMs: 100 } });
    h.model.enqueue(httpError(500)).reply(say("second time lucky"));
    const turn = await h.thread().run("hi");
    expect(turn.finalResponse).toBe("second time lucky");
    const agent = only(otel.named("invoke_agent codex"), "invoke_agent spans");
    expect(agent.attributes).toMatchObject({ "codexkit.turn.attempts": 2, "codexkit.turn.outcome": "completed" });
    expect(agent.attributes["error.type"]).toBeUndefined();
    expect(agent.events.map((e) => e.name)).toEqual(["codexkit.turn.retry"]);
    const retry = only(otel.children(agent).filter((s) => s.name === "codexkit.retry"), "retry spans");
    expect(retry.attributes).toMatchObject({ "codexkit.retry.attempt": 1, "codexkit.retry.max_attempts": 3, "error.type": "server_error" });
    expect(durationMs(retry)).toBeGreaterThanOrEqual((retry.attributes["codexkit.retry.delay_ms"] as number) - 2);
  });
});

describe("the global tracer provider", () => {
  it("is used when no tracer is given, and content is recorded only with captureContent", async () => {
    otel = otelCapture();
    trace.setGlobalTracerProvider(otel.tracerProvider);
    try {
      h = await harness("app-server", { tools: [add], captureContent: true });
      h.model.reply(toolCall("app-server", "c1")).reply(say("five"));
      await h.thread().run("add 2 and 3");
      const agent = only(otel.named("invoke_agent codex"), "invoke_agent spans");
      expect(JSON.parse(String(agent.attributes["gen_ai.input.messages"]))).toEqual([{ role: "user", parts: [{ type: "text", content: "add 2 and 3" }] }]);
      expect((JSON.parse(String(agent.attributes["gen_ai.output.messages"])) as Array<{ parts: Array<{ content: unknown }> }>)[0]?.parts[0]?.content).toBe("five");
      const call = only(otel.named("execute_tool add"), "tool spans");
      expect(JSON.parse(String(call.attributes["gen_ai.tool.call.arguments"]))).toEqual({ a: 2, b: 3 });
      expect(String(call.attributes["gen_ai.tool.call.result"])).toContain('"5"');
      expect(otel.named("invoke_agent codex")[0]!.instrumentationScope.name).toBe("codexkit");
    } finally {
      trace.disable();
    }
  });
});

/** The spans of an OTLP/JSON export request. */
function otlpSpans(body: unknown): { traceId: string; parentSpanId?: string; name: string }[] {
  const resourceSpans = (body as { resourceSpans?: { scopeSpans?: { spans?: { traceId: string; parentSpanId?: string; name: string }[] }[] }[] }).resourceSpans ?? [];
  return resourceSpans.flatMap((r) => (r.scopeSpans ?? []).flatMap((s) => s.spans ?? []));
}
