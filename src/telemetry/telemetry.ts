/**
 * A client's telemetry: which tracer and meter to use (the `tracer` / `meter` options, else the
 * global ones of `@opentelemetry/api`), and the rules every span follows: attributes redacted,
 * content (prompts, outputs, arguments, commands) only with `captureContent`, and nothing done
 * for a span nobody records.
 */
import type { Redactor } from "../errors/index.js";
import { CODEXKIT_VERSION } from "../version.js";
import { otelApi, SpanStatusCode, type Attributes, type OtelApi, type OtelHistogram, type OtelMeter, type OtelSpan, type OtelSpanOptions, type OtelTracer } from "./api.js";
import { GENERAL, METRIC, SCOPE } from "./conventions.js";
import { errorCode } from "../errors/index.js";

/** Telemetry options of a `Codex` client. */
export interface TelemetryOptions {
  /** The tracer for codexkit's spans (default: the global tracer provider's "codexkit" tracer). */
  tracer?: OtelTracer;
  /** The meter for codexkit's metrics (default: the global meter provider's "codexkit" meter). */
  meter?: OtelMeter;
  /**
   * Record prompts, answers, tool arguments and results, and command lines on spans (redacted,
   * cut at `CONTENT_LIMIT` characters). Default false, or true when the environment sets
   * `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true`.
   */
  captureContent?: boolean;
}

/** The longest content attribute, in characters; longer content is cut and marked. */
export const CONTENT_LIMIT = 16_384;

/** The instruments codexkit records to. */
export interface Instruments {
  tokenUsage: OtelHistogram;
  operationDuration: OtelHistogram;
  toolDuration: OtelHistogram;
}

const NOOP_SPAN: OtelSpan = {
  spanContext: () => ({ traceId: "00000000000000000000000000000000", spanId: "0000000000000000", traceFlags: 0 }),
  setAttribute: () => NOOP_SPAN,
  setAttributes: () => NOOP_SPAN,
  addEvent: () => NOOP_SPAN,
  setStatus: () => NOOP_SPAN,
  end: () => {},
  isRecording: () => false,
};

/** Token counts are spread over powers of 4 (the conventions' advice). */
const TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
/** Durations in seconds (the conventions' advice). */
const DURATION_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];

/**
 * Where every copy of `@opentelemetry/api` 1.x keeps what was registered globally (its providers
 * and context manager): one symbol on `globalThis`, shared by design across copies of the API.
 */
const OTEL_GLOBAL = Symbol.for("opentelemetry.js.api.1");

/** Whether a program registered anything with OpenTelemetry (through any copy of the API). */
function otelRegistered(): boolean {
  return (globalThis as Record<symbol, unknown>)[OTEL_GLOBAL] !== undefined;
}

/** The tracer, meter and rules of one client. */
export class Telemetry {
  readonly captureContent: boolean;
  private loadedApi: OtelApi | null | undefined;
  private readonly tracerOption: OtelTracer | undefined;
  private readonly meterOption: OtelMeter | undefined;
  private globalTracer: OtelTracer | undefined;
  private instrumentsOf: { meter: OtelMeter; instruments: Instruments } | null = null;

  constructor(
    options: TelemetryOptions,
    private readonly redactor: Redactor,
  ) {
    this.tracerOption = options.tracer;
    this.meterOption = options.meter;
    this.captureContent = options.captureContent ?? process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT?.toLowerCase() === "true";
  }

  /** Whether `@opentelemetry/api` is installed. */
  get apiInstalled(): boolean {
    return otelApi() !== null;
  }

  /** Where spans go: the `tracer` option, the global provider, or nowhere. */
  get tracerSource(): "option" | "global" | "none" {
    return this.tracerOption ? "option" : otelApi() ? "global" : "none";
  }

  /**
   * `@opentelemetry/api`, once there is something to use it for: a tracer or meter given, or
   * anything registered globally (a provider, a context manager). Until then it is not loaded, as
   * a program without OpenTelemetry should not pay for the module at its first turn.
   */
  private get api(): OtelApi | null {
    if (this.loadedApi === undefined && (this.tracerOption !== undefined || this.meterOption !== undefined || otelRegistered())) this.loadedApi = otelApi();
    return this.loadedApi ?? null;
  }

  /** The context of the caller's active span (undefined without `@opentelemetry/api`). */
  activeContext(): unknown {
    return this.api?.context.active();
  }

  /** Starts a span under `parent` (a context); a no-op span when there is no tracer. */
  startSpan(name: string, options: OtelSpanOptions, parent: unknown): OtelSpan {
    const tracer = this.tracer();
    if (!tracer) return NOOP_SPAN;
    try {
      return tracer.startSpan(name, options, parent);
    } catch {
      return NOOP_SPAN;
    }
  }

  /** `parent` with `span` as its active span: children started under it nest in `span`. */
  contextWith(parent: unknown, span: OtelSpan): unknown {
    if (!this.api || span === NOOP_SPAN) return parent;
    return this.api.trace.setSpan(parent ?? this.api.context.active(), span);
  }

  /** Runs `fn` with `context` active, so spans the user's code starts in it nest there. */
  run<T>(context: unknown, fn: () => T): T {
    return this.api && context !== undefined ? this.api.context.with(context, fn) : fn();
  }

  /**
   * Runs `fn` inside a span under `options.parent` (a context), by default the caller's active
   * span; a rejection marks the span failed with the error's code.
   */
  async inSpan<T>(name: string, options: { kind: number; attributes: Attributes; parent?: unknown }, fn: (span: OtelSpan) => Promise<T>): Promise<T> {
    const parent = "parent" in options ? options.parent : this.activeContext();
    const span = this.startSpan(name, { kind: options.kind, startTime: now() }, parent);
    this.set(span, options.attributes);
    try {
      return await this.run(this.contextWith(parent, span), () => fn(span));
    } catch (error) {
      this.set(span, { [GENERAL.ERROR_TYPE]: errorCode(error) });
      span.setStatus({ code: SpanStatusCode.ERROR, message: this.redact(error instanceof Error ? error.message : String(error)) });
      throw error;
    } finally {
      span.end(now());
    }
  }

  /** Sets `attributes` on a recording span, every string redacted. */
  set(span: OtelSpan, attributes: Attributes): void {
    if (!span.isRecording()) return;
    const clean: Attributes = {};
    for (const [key, value] of Object.entries(attributes)) {
      if (value === undefined) continue;
      clean[key] = typeof value === "string" ? this.redactor.redact(value) : Array.isArray(value) ? (value.map((v) => (typeof v === "string" ? this.redactor.redact(v) : v)) as Attributes[string]) : value;
    }
    span.setAttributes(clean);
  }

  /** Content for an opt-in attribute: undefined unless `captureContent`; JSON unless a string; redacted; bounded. */
  content(value: unknown): string | undefined {
    if (!this.captureContent || value === undefined) return undefined;
    let text: string;
    try {
      text = typeof value === "string" ? value : JSON.stringify(value);
    } catch {
      return undefined;
    }
    if (text === undefined) return undefined;
    text = this.redactor.redact(text);
    return text.length > CONTENT_LIMIT ? `${text.slice(0, CONTENT_LIMIT)}…[truncated ${text.length - CONTENT_LIMIT} chars]` : text;
  }

  /** A redacted message for a span status or event. */
  redact(text: string): string {
    return this.redactor.redact(text);
  }

  /** The instruments of the current meter (created once per meter), or null without one. */
  instruments(): Instruments | null {
    const meter = this.meterOption ?? this.api?.metrics.getMeter(SCOPE, CODEXKIT_VERSION);
    if (!meter) return null;
    // The global meter provider may be set after this client was made: follow it.
    if (this.instrumentsOf?.meter !== meter) {
      try {
        this.instrumentsOf = {
          meter,
          instruments: {
            tokenUsage: meter.createHistogram(METRIC.TOKEN_USAGE, {
              description: "Number of input and output tokens used",
              unit: "{token}",
              advice: { explicitBucketBoundaries: TOKEN_BUCKETS },
            }),
            operationDuration: meter.createHistogram(METRIC.OPERATION_DURATION, {
              description: "GenAI operation duration",
              unit: "s",
              advice: { explicitBucketBoundaries: DURATION_BUCKETS },
            }),
            toolDuration: meter.createHistogram(METRIC.TOOL_DURATION, {
              description: "Duration of tool executions",
              unit: "s",
              advice: { explicitBucketBoundaries: DURATION_BUCKETS },
            }),
          },
        };
      } catch {
        return null;
      }
    }
    return this.instrumentsOf.instruments;
  }

  private tracer(): OtelTracer | null {
    if (this.tracerOption) return this.tracerOption;
    // The API's global tracer is a proxy: a provider registered later is still used.
    this.globalTracer ??= this.api?.trace.getTracer(SCOPE, CODEXKIT_VERSION);
    return this.globalTracer ?? null;
  }
}

/** A point in time for span start/end: milliseconds since the epoch, sub-millisecond precise. */
export function now(): number {
  return performance.timeOrigin + performance.now();
}

/** The W3C trace context of `span`, for codex to continue; undefined for an invalid span. */
export function traceContextOf(span: OtelSpan): { traceparent: string; tracestate?: string } | undefined {
  const context = span.spanContext();
  if (!/^[0-9a-f]{32}$/.test(context.traceId) || /^0+$/.test(context.traceId) || !/^[0-9a-f]{16}$/.test(context.spanId) || /^0+$/.test(context.spanId)) return undefined;
  const flags = (context.traceFlags & 0xff).toString(16).padStart(2, "0");
  const traceparent = `00-${context.traceId}-${context.spanId}-${flags}`;
  const tracestate = context.traceState?.serialize();
  return tracestate ? { traceparent, tracestate } : { traceparent };
}
