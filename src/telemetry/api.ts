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
  /** The trace's id, hex. */
  traceId: string;
  /** The span's id, hex. */
  spanId: string;
  /** The trace flags (bit 1: sampled). */
  traceFlags: number;
  /** The vendor trace state, when there is one. */
  traceState?: {
    /** The state as a `tracestate` header value. */
    serialize(): string;
  };
}

/** An OpenTelemetry span, as codexkit uses it. */
export interface OtelSpan {
  /** The span's trace and span ids. */
  spanContext(): OtelSpanContext;
  /** Sets one attribute. */
  setAttribute(key: string, value: AttributeValue): unknown;
  /** Sets several attributes. */
  setAttributes(attributes: Attributes): unknown;
  /** Adds a named event, with attributes. */
  addEvent(name: string, attributes?: Attributes): unknown;
  /** Sets the span's status (`SpanStatusCode`), with a message for errors. */
  setStatus(status: { code: number; message?: string }): unknown;
  /** Ends the span, at `endTime` (ms since the epoch) or now. */
  end(endTime?: number): void;
  /** Whether the span records what is set on it (false when it is not sampled). */
  isRecording(): boolean;
}

/** Options of `Tracer.startSpan`, as codexkit uses them. */
export interface OtelSpanOptions {
  /** The span kind (`SpanKind`). */
  kind?: number;
  /** Attributes set when the span starts. */
  attributes?: Attributes;
  /** When the span started (ms since the epoch); default now. */
  startTime?: number;
}

/** An OpenTelemetry tracer (`trace.getTracer(...)`): the `tracer` option of `Codex`. */
export interface OtelTracer {
  /** Starts a span called `name`, as a child of the span in `context` (default: the active context). */
  startSpan(name: string, options?: OtelSpanOptions, context?: unknown): OtelSpan;
}

/** An OpenTelemetry histogram. */
export interface OtelHistogram {
  /** Records one measurement, with attributes. */
  record(value: number, attributes?: Attributes): void;
}

/** An OpenTelemetry meter (`metrics.getMeter(...)`): the `meter` option of `Codex`. */
export interface OtelMeter {
  /** Creates a histogram called `name`. */
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
