/**
 * OpenTelemetry for tests: an SDK tracer provider with the in-memory span exporter, a meter
 * provider with the in-memory metric exporter, and the async-hooks context manager (so a span the
 * test starts is the active parent of codexkit's). Spans are read back as a tree by name.
 */
import { context, trace, type Span } from "@opentelemetry/api";
import { expect } from "vitest";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader, type ResourceMetrics } from "@opentelemetry/sdk-metrics";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from "@opentelemetry/sdk-trace-base";


/** A tracer and meter for one test, and what they recorded. */
export interface OtelCapture {
  tracerProvider: BasicTracerProvider;
  meterProvider: MeterProvider;
  exporter: InMemorySpanExporter;
  /** Every finished span. */
  spans(): ReadableSpan[];
  /** Finished spans named `name`. */
  named(name: string): ReadableSpan[];
  /** The finished children of `parent`. */
  children(parent: ReadableSpan): ReadableSpan[];
  /** Collects the metrics recorded so far. */
  metrics(): Promise<ResourceMetrics[]>;
  /** Runs `fn` inside a span of the test's own ("caller"), which it returns with fn's result. */
  inCallerSpan<T>(fn: () => Promise<T>): Promise<{ caller: Span; result: T }>;
  shutdown(): Promise<void>;
}

/** Sets up providers (and, once per process, the context manager). */
export function otelCapture(): OtelCapture {
  // One per capture, removed again at shutdown: no global state outlives a test.
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 });
  const meterProvider = new MeterProvider({ readers: [reader] });
  const spans = (): ReadableSpan[] => exporter.getFinishedSpans();
  return {
    tracerProvider,
    meterProvider,
    exporter,
    spans,
    named: (name) => spans().filter((span) => span.name === name),
    children: (parent) => spans().filter((span) => span.parentSpanContext?.spanId === parent.spanContext().spanId),
    async metrics() {
      await reader.forceFlush();
      return metricExporter.getMetrics();
    },
    async inCallerSpan(fn) {
      const caller = tracerProvider.getTracer("test").startSpan("caller");
      try {
        const result = await context.with(trace.setSpan(context.active(), caller), fn);
        return { caller, result };
      } finally {
        caller.end();
      }
    },
    async shutdown() {
      try {
        await tracerProvider.shutdown();
        await meterProvider.shutdown();
      } finally {
        context.disable();
      }
    },
  };
}

/** The one span of `spans` (the assertion names `what` when there are none or several). */
export function only(spans: ReadableSpan[], what: string): ReadableSpan {
  expect(spans, what).toHaveLength(1);
  return spans[0]!;
}

/** `a` is no later than `b` (OpenTelemetry `[seconds, nanoseconds]` times). */
export function hrLess(a: [number, number], b: [number, number]): boolean {
  return a[0] < b[0] || (a[0] === b[0] && a[1] <= b[1]);
}

/** A finished span's duration in milliseconds. */
export function durationMs(span: ReadableSpan): number {
  return span.duration[0] * 1000 + span.duration[1] / 1e6;
}

/** The data points of metric `name`, flattened: value (sum for histograms) and attributes. */
export function points(metrics: ResourceMetrics[], name: string): { value: number; count?: number; attributes: Record<string, unknown> }[] {
  const out: { value: number; count?: number; attributes: Record<string, unknown> }[] = [];
  for (const resource of metrics) {
    for (const scope of resource.scopeMetrics) {
      for (const metric of scope.metrics) {
        if (metric.descriptor.name !== name) continue;
        for (const point of metric.dataPoints) {
          const value = point.value as number | { sum?: number; count?: number };
          if (typeof value === "number") out.push({ value, attributes: point.attributes });
          else out.push({ value: value.sum ?? 0, count: value.count, attributes: point.attributes });
        }
      }
    }
  }
  return out;
}

/** Everything a span carries as text: name, attributes, events, status. */
export function spanText(span: ReadableSpan): string {
  return JSON.stringify({ name: span.name, attributes: span.attributes, events: span.events.map((e) => ({ name: e.name, attributes: e.attributes })), status: span.status });
}
