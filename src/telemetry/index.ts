/**
 * Telemetry: OpenTelemetry spans and metrics (through the optional `@opentelemetry/api`). The only
 * door to `src/telemetry/` for the rest of `src/`; users get the public names from `public.ts`
 * (`codexkit/telemetry`), which nothing in `src/` imports.
 */
export { Telemetry, CONTENT_LIMIT, now, traceContextOf, type TelemetryOptions } from "./telemetry.js";
export { TurnTelemetry } from "./turn-telemetry.js";
export { CODEXKIT, GEN_AI, GENERAL, METRIC, SPAN } from "./conventions.js";
export { otelApi, SpanKind, SpanStatusCode } from "./api.js";
export type { AttributeValue, Attributes, OtelHistogram, OtelMeter, OtelSpan, OtelSpanContext, OtelSpanOptions, OtelTracer } from "./api.js";
