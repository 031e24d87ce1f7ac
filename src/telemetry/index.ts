/** Telemetry: OpenTelemetry spans and metrics (through the optional `@opentelemetry/api`). The only door to `src/telemetry/`. */
export { Telemetry, CONTENT_LIMIT, now, traceContextOf, type Instruments, type TelemetryOptions } from "./telemetry.js";
export { TurnTelemetry, type ToolCallFacts, type ToolCallResultFacts, type TurnEnd, type TurnTelemetryInit } from "./turn-telemetry.js";
export { AGENT_NAME, CODEXKIT, GEN_AI, GENERAL, METRIC, SCOPE, SPAN, TOOL_TYPE } from "./conventions.js";
export { otelApi, SpanKind, SpanStatusCode } from "./api.js";
export type { AttributeValue, Attributes, OtelApi, OtelHistogram, OtelMeter, OtelSpan, OtelSpanContext, OtelSpanOptions, OtelTracer } from "./api.js";
