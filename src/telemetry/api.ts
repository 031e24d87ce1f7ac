/**
 * The slice of `@opentelemetry/api` codexkit uses, typed structurally so the package stays an
 * optional peer dependency: without it installed every span and metric is a no-op, and codexkit's
 * own types never name it. With it, `trace`, `context` and `metrics` are the global ones, shared
 * with whatever SDK the application registered.
 */
import { createRequire } from "node:module";

/** Span attribute values, as OpenTelemetry accepts them. */
export type AttributeValue = string | number | boolean | string[] | number[] | boolean[];
/** A set of span or metric attributes. */
export type Attributes = Record<string, AttributeValue | undefined>;

/** What a span's context says about it (the W3C `traceparent` fields). */
export interface OtelSpanContext {
  traceId: string;
  spanId: string;
  traceFlags: number;
  traceState?: { serialize(): string };
}

/** An OpenTelemetry span, as codexkit uses it. */
export interface OtelSpan {
  spanContext(): OtelSpanContext;
  setAttribute(key: string, value: AttributeValue): unknown;
  setAttributes(attributes: Attributes): unknown;
  addEvent(name: string, attributes?: Attributes): unknown;
  setStatus(status: { code: number; message?: string }): unknown;
  end(endTime?: number): void;
  isRecording(): boolean;
}

/** Options of `Tracer.startSpan`, as codexkit uses them. */
export interface OtelSpanOptions {
  kind?: number;
  attributes?: Attributes;
  startTime?: number;
}

/** An OpenTelemetry tracer (`trace.getTracer(...)`): the `tracer` option of `Codex`. */
export interface OtelTracer {
  startSpan(name: string, options?: OtelSpanOptions, context?: unknown): OtelSpan;
}

/** An OpenTelemetry histogram. */
export interface OtelHistogram {
  record(value: number, attributes?: Attributes): void;
}

/** An OpenTelemetry meter (`metrics.getMeter(...)`): the `meter` option of `Codex`. */
export interface OtelMeter {
  createHistogram(name: string, options?: { description?: string; unit?: string; advice?: { explicitBucketBoundaries?: number[] } }): OtelHistogram;
}

/** The parts of the `@opentelemetry/api` module codexkit calls. */
export interface OtelApi {
  trace: {
    getTracer(name: string, version?: string): OtelTracer;
    setSpan(context: unknown, span: OtelSpan): unknown;
    getSpan(context: unknown): OtelSpan | undefined;
  };
  context: {
    active(): unknown;
    with<R>(context: unknown, fn: () => R): R;
  };
  metrics: {
    getMeter(name: string, version?: string): OtelMeter;
  };
}

/** Span kinds and status codes (the API's enum values). */
export const SpanKind = { INTERNAL: 0, CLIENT: 2 } as const;
export const SpanStatusCode = { OK: 1, ERROR: 2 } as const;

let loaded: OtelApi | null | undefined;

/** The installed `@opentelemetry/api`, or null when it is not installed. Loaded once, on first use. */
export function otelApi(): OtelApi | null {
  if (loaded === undefined) {
    try {
      loaded = createRequire(import.meta.url)("@opentelemetry/api") as OtelApi;
    } catch {
      loaded = null;
    }
  }
  return loaded;
}
