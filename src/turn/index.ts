/**
 * The turn layer: between `Thread` and the transports, the one place a turn is orchestrated for
 * both transports (tool calls, approvals, event shaping, failures, retries; spans and hooks next).
 */
export { runTurn, type TurnPlan, type TurnServices } from "./run.js";
export { turnError } from "./failure.js";
export { retryPolicy, retryDelay, nextRetry, DEFAULT_RETRY, type RetryInfo, type RetryOptions, type RetryPolicy, type RetrySetting } from "./retry.js";
export type { TurnApprovals } from "./host.js";
export { resolveAttachments, type ResolvedInput } from "./attachments.js";
