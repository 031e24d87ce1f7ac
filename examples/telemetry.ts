/**
 * `npx tsx examples/telemetry.ts`: codexkit's OpenTelemetry spans and metrics on the console, with
 * hooks and the diagnostics report. Register an SDK (here: the console exporters of
 * `@opentelemetry/sdk-trace-base` and `@opentelemetry/sdk-metrics`; in production, your OTLP
 * exporter) and codexkit's spans appear under your own. Offline against the mock model;
 * `--exec` runs the turn on the exec transport.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { context, metrics, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { ConsoleMetricExporter, MeterProvider, PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics";
import { BasicTracerProvider, ConsoleSpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { z } from "zod";
import { Codex, tool } from "codexkit";
import { MockModelServer, callTool, runCommand, say } from "codexkit/testing";

// 1. The OpenTelemetry SDK, as an application sets it up once.
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new ConsoleSpanExporter())] });
trace.setGlobalTracerProvider(tracerProvider);
const reader = new PeriodicExportingMetricReader({ exporter: new ConsoleMetricExporter(), exportIntervalMillis: 60_000 });
const meterProvider = new MeterProvider({ readers: [reader] });
metrics.setGlobalMeterProvider(meterProvider);

const transport = process.argv.includes("--exec") ? "exec" : "app-server";
const forecast = tool({
  name: "forecast",
  description: "The weather forecast for a city",
  parameters: z.object({ city: z.string() }),
  execute: ({ city }) => `${city}: sunny, 24°C`,
});
const cwd = mkdtempSync(path.join(os.tmpdir(), "codexkit-telemetry-"));
const model = await MockModelServer.start();
// 2. No tracer option: codexkit uses the global provider registered above.
const codex = new Codex({
  transport,
  ...model.codexOptions(),
  tools: [forecast],
  beforeToolCall: (call) => console.log(`hook: beforeToolCall ${call.tool}(${JSON.stringify(call.arguments)})`),
  onEvent: (event) => {
    if (event.type === "turn.completed") console.log(`hook: onEvent turn.completed, ${event.usage.output_tokens} output tokens`);
  },
});
try {
  model
    .reply(runCommand("echo checking the sky"))
    .reply(callTool("forecast", { city: "Lisbon" }, transport === "exec" ? { namespace: "mcp__codexkit" } : {}))
    .reply(say("Sunny in Lisbon."));
  // 3. Your own span: the turn's invoke_agent span nests under it.
  const tracer = trace.getTracer("my-app");
  await tracer.startActiveSpan("handle-request", async (span) => {
    const turn = await codex.startThread({ skipGitRepoCheck: true, workingDirectory: cwd }).run("Weather in Lisbon?");
    console.log(`answer: ${turn.finalResponse}`);
    console.log(`trace: ${span.spanContext().traceId}`);
    span.end();
  });
  const report = await codex.diagnostics();
  console.log(`diagnostics: codexkit ${report.codexkit.version}, ${report.codex.version}, ${report.processes.length} process(es), ${report.recentErrors.length} recent error(s)`);
} finally {
  await codex.close();
  await model.close();
  await tracerProvider.shutdown();
  await meterProvider.shutdown();
  rmSync(cwd, { recursive: true, force: true });
}
