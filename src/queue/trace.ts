/**
 * Trace context across the queue: the producer's active span travels in the job as W3C
 * `traceparent`/`tracestate`, and the worker runs the turn under it, so the worker's
 * `invoke_agent` span continues the producer's trace. Without `@opentelemetry/api`, nothing travels.
 */
import { otelApi, traceContextOf, type OtelSpan } from "../telemetry/index.js";

/** A W3C trace context. */
export interface TraceContext {
  traceparent: string;
  tracestate?: string;
}

interface PropagationApi {
  trace: {
    getSpan(context: unknown): OtelSpan | undefined;
    setSpanContext(context: unknown, spanContext: { traceId: string; spanId: string; traceFlags: number; isRemote?: boolean; traceState?: unknown }): unknown;
  };
  context: { active(): unknown; with<R>(context: unknown, fn: () => R): R };
  ROOT_CONTEXT: unknown;
  /** `@opentelemetry/api` 1.1 and later. */
  createTraceState?: (raw: string) => unknown;
}

function api(): PropagationApi | null {
  return otelApi() as unknown as PropagationApi | null;
}

/** The active span's context, when there is one. */
export function currentTraceContext(): TraceContext | undefined {
  const otel = api();
  const span = otel?.trace.getSpan(otel.context.active());
  return span ? traceContextOf(span) : undefined;
}

/** A context whose remote parent is `trace` (undefined without the API or with a malformed value). */
export function contextOf(trace: TraceContext | undefined): unknown {
  const otel = api();
  if (!otel || !trace) return undefined;
  const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(trace.traceparent);
  if (!match) return undefined;
  const spanContext = { traceId: match[1]!, spanId: match[2]!, traceFlags: parseInt(match[3]!, 16), isRemote: true, traceState: undefined as unknown };
  if (trace.tracestate && otel.createTraceState) spanContext.traceState = otel.createTraceState(trace.tracestate);
  return otel.trace.setSpanContext(otel.ROOT_CONTEXT, spanContext);
}

/** Runs `fn` with `context` active (as is without the API or a context). */
export function runInContext<R>(context: unknown, fn: () => R): R {
  const otel = api();
  return otel && context !== undefined ? otel.context.with(context, fn) : fn();
}
