/**
 * `codexkit/telemetry`: the names codexkit's observability is built on, for dashboards, alerts
 * and tests of them: span, attribute and metric names (OpenTelemetry GenAI conventions, and
 * `codexkit.*`), the lifecycle log events, the placeholder secrets are replaced with, and the
 * version codexkit reports itself with. A subpath of its own so the root stays what a program
 * constructs, calls and catches; the `tracer` and `meter` options of `Codex` take the OTel types
 * named here.
 *
 * @module telemetry
 */
export { CODEXKIT, GEN_AI, GENERAL, METRIC, SPAN } from "./conventions.js";
export type { AttributeValue, Attributes, OtelHistogram, OtelMeter, OtelSpan, OtelSpanContext, OtelSpanOptions, OtelTracer } from "./api.js";
export { LOG_EVENTS, type LogEventName } from "../log-events.js";
export { REDACTED } from "../errors/index.js";
export { CODEXKIT_VERSION } from "../version.js";
