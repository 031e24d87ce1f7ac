import fc from "fast-check";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { afterEach, describe, expect, it, onTestFinished, vi } from "vitest";
import { Redactor } from "../../../src/errors/index.js";
import type { ThreadEvent } from "../../../src/events.js";
import { CONTENT_LIMIT, Telemetry, TurnTelemetry, traceContextOf, type OtelSpan } from "../../../src/telemetry/index.js";

const hex = (length: number) => fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength: length, maxLength: length });

function spanWith(context: { traceId: string; spanId: string; traceFlags: number; traceState?: { serialize(): string } }): OtelSpan {
  return { spanContext: () => context } as unknown as OtelSpan;
}

describe("traceContextOf", () => {
  it("formats a W3C traceparent for any valid span context", () => {
    fc.assert(
      fc.property(hex(32), hex(16), fc.integer({ min: 0, max: 255 }), (traceId, spanId, flags) => {
        fc.pre(!/^0+$/.test(traceId) && !/^0+$/.test(spanId));
        const context = traceContextOf(spanWith({ traceId, spanId, traceFlags: flags }));
        expect(context?.traceparent).toBe(`00-${traceId}-${spanId}-${flags.toString(16).padStart(2, "0")}`);
        expect(context?.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/);
      }),
    );
  });

  it("gives nothing for the invalid (all-zero) context of a span nobody records", () => {
    expect(traceContextOf(spanWith({ traceId: "0".repeat(32), spanId: "0".repeat(16), traceFlags: 0 }))).toBeUndefined();
    expect(traceContextOf(spanWith({ traceId: "xyz", spanId: "1".repeat(16), traceFlags: 1 }))).toBeUndefined();
  });

  it("carries the tracestate when there is one", () => {
    const context = traceContextOf(spanWith({ traceId: "a".repeat(32), spanId: "b".repeat(16), traceFlags: 1, traceState: { serialize: () => "vendor=value" } }));
    expect(context).toEqual({ traceparent: `00-${"a".repeat(32)}-${"b".repeat(16)}-01`, tracestate: "vendor=value" });
  });
});

describe("Telemetry.content", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("records nothing unless content capture is on", () => {
    vi.stubEnv("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", "");
    expect(new Telemetry({}, new Redactor()).content("hello")).toBeUndefined();
    expect(new Telemetry({ captureContent: true }, new Redactor()).content("hello")).toBe("hello");
  });

  it("follows OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT, and the option wins", () => {
    vi.stubEnv("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", "TRUE");
    expect(new Telemetry({}, new Redactor()).captureContent).toBe(true);
    expect(new Telemetry({ captureContent: false }, new Redactor()).captureContent).toBe(false);
  });

  it("redacts, serializes values as JSON, bounds the length, and gives up on what cannot be serialized", () => {
    const telemetry = new Telemetry({ captureContent: true }, new Redactor().add("hunter2-secret"));
    expect(telemetry.content({ key: "hunter2-secret" })).toBe('{"key":"[REDACTED]"}');
    const long = telemetry.content("x".repeat(CONTENT_LIMIT + 10))!;
    expect(long.startsWith("x".repeat(CONTENT_LIMIT))).toBe(true);
    expect(long).toContain("[truncated 10 chars]");
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(telemetry.content(cyclic)).toBeUndefined();
  });
});

describe("TurnTelemetry", () => {
  function capture(captureContent = false) {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    onTestFinished(() => provider.shutdown());
    const telemetry = new Telemetry({ tracer: provider.getTracer("t"), captureContent }, new Redactor().add("s3cr3t-value"));
    const turn = new TurnTelemetry(telemetry, { parent: undefined, transport: "exec", provider: "openai", model: "m", threadId: null, input: [{ type: "text", text: "hi s3cr3t-value" }] });
    return { exporter, turn };
  }
  const command = (status: "in_progress" | "completed" | "failed", exit_code?: number): ThreadEvent => ({
    type: status === "in_progress" ? "item.started" : "item.completed",
    item: { id: "i1", type: "command_execution", command: "ls s3cr3t-value", aggregated_output: "", status, ...(exit_code !== undefined ? { exit_code } : {}) },
  });

  it("spans a command from its start to its end, with a failing exit code as an error", () => {
    const { exporter, turn } = capture(true);
    turn.observe(command("in_progress"));
    turn.observe(command("failed", 2));
    turn.end();
    const [span] = exporter.getFinishedSpans().filter((s) => s.name === "execute_tool shell");
    expect(span?.attributes).toMatchObject({ "process.exit.code": 2, "codexkit.item.status": "failed", "error.type": "failed", "process.command_line": "ls [REDACTED]" });
    expect(span?.status.code).toBe(2);
    const [agent] = exporter.getFinishedSpans().filter((s) => s.name === "invoke_agent codex");
    expect(String(agent?.attributes["gen_ai.input.messages"])).toContain("hi [REDACTED]");
  });

  it("gives an item reported only when done a span of no length, and ends items the turn left open", () => {
    const { exporter, turn } = capture();
    turn.observe({ type: "item.completed", item: { id: "f1", type: "file_change", changes: [{ path: "a.ts", kind: "add" }], status: "completed" } });
    turn.observe(command("in_progress"));
    turn.end({ error: Object.assign(new Error("stopped"), { code: "aborted" }) });
    const spans = exporter.getFinishedSpans();
    const file = spans.find((s) => s.name === "execute_tool apply_patch")!;
    expect(file.attributes).toMatchObject({ "codexkit.file_change.count": 1, "codexkit.item.status": "completed" });
    expect(file.attributes["codexkit.file_change.paths"]).toBeUndefined();
    const open = spans.find((s) => s.name === "execute_tool shell")!;
    expect(open.attributes["codexkit.item.status"]).toBe("incomplete");
    const agent = spans.find((s) => s.name === "invoke_agent codex")!;
    expect(agent.attributes).toMatchObject({ "codexkit.turn.outcome": "aborted", "error.type": "aborted" });
  });

  it("ends once, whatever calls end() again", () => {
    const { exporter, turn } = capture();
    turn.end();
    turn.end({ error: new Error("late") });
    expect(exporter.getFinishedSpans().filter((s) => s.name === "invoke_agent codex")).toHaveLength(1);
  });
});
