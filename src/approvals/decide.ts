/**
 * `decideApproval`: runs the caller's handler under a deadline and turns every failure into a
 * definite decision. codex blocks the turn until it gets an answer, so this must always resolve,
 * and it never accepts on its own: no handler means "decline".
 */

import type { Logger } from "../logger.js";
import { askWithDeadline } from "../timing/index.js";
import type { ApprovalDecision, ApprovalHandler, ApprovalHandlerSettings, ApprovalRequest } from "./types.js";
import { isApprovalDecision } from "./types.js";

/** The default time a handler has to answer before `otherwise` is sent. */
export const DEFAULT_APPROVAL_TIMEOUT_MS = 60_000;

/** Options of `decideApproval`; a handler's own attached settings take precedence over these. */
export type DecideApprovalOptions = {
  /** Deadline for the handler, default 60000; 0 or `Infinity` waits without a limit. */
  timeoutMs?: number;
  /** The decision when the handler fails, times out or returns garbage; default "decline". */
  otherwise?: ApprovalDecision;
  /** Aborts when the turn ends first: the answer becomes "cancel" and the handler's signal aborts. */
  signal?: AbortSignal;
  logger: Logger;
};

/** Where a decision came from: the handler itself, or which fallback produced it. */
export type ApprovalDecisionSource = "handler" | "no-handler" | "timeout" | "error" | "invalid" | "cancelled";

/** The outcome of `decideApproval`. */
export type ApprovalOutcome = { decision: ApprovalDecision; source: ApprovalDecisionSource };

/** Asks `handler` about `request`; always resolves, with `otherwise` on throw, timeout or an invalid answer. */
export async function decideApproval(handler: ApprovalHandler | undefined, request: ApprovalRequest, options: DecideApprovalOptions): Promise<ApprovalOutcome> {
  const context = describe(request);
  if (typeof handler !== "function") {
    log(options.logger, "debug", context, "no approval handler; declining");
    return { decision: "decline", source: "no-handler" };
  }
  const settings = readSettings(handler);
  const otherwise = pickDecision(settings.otherwise, options.otherwise);
  const timeoutMs = pickTimeout(settings.timeoutMs, options.timeoutMs);

  const answer = await askWithDeadline((signal) => handler(request, { signal }), timeoutMs, options.signal);
  switch (answer.kind) {
    case "cancelled":
      log(options.logger, "debug", context, "approval cancelled: the turn ended first");
      return { decision: "cancel", source: "cancelled" };
    case "timeout":
      log(options.logger, "warn", { ...context, timeoutMs, decision: otherwise }, "approval handler timed out");
      return { decision: otherwise, source: "timeout" };
    case "error":
      log(options.logger, "warn", { ...context, error: message(answer.error), decision: otherwise }, "approval handler failed");
      return { decision: otherwise, source: "error" };
    case "value":
      if (!isApprovalDecision(answer.value)) {
        log(options.logger, "warn", { ...context, returned: shown(answer.value), decision: otherwise }, "approval handler returned an invalid decision");
        return { decision: otherwise, source: "invalid" };
      }
      // The turn layer logs every decision once (`approval.decision`).
      return { decision: answer.value, source: "handler" };
  }
}

function readSettings(handler: ApprovalHandler): ApprovalHandlerSettings {
  try {
    const { timeoutMs, otherwise } = handler as ApprovalHandler & ApprovalHandlerSettings;
    return { timeoutMs, otherwise };
  } catch {
    return {};
  }
}

function pickDecision(...candidates: unknown[]): ApprovalDecision {
  return candidates.find(isApprovalDecision) ?? "decline";
}

// 0 means no limit (as for tools); the first valid setting wins.
function pickTimeout(...candidates: unknown[]): number {
  const valid = candidates.find((value): value is number => typeof value === "number" && value >= 0 && !Number.isNaN(value));
  if (valid === 0) return Number.POSITIVE_INFINITY;
  return valid ?? DEFAULT_APPROVAL_TIMEOUT_MS;
}

function describe(request: ApprovalRequest): Record<string, unknown> {
  return { method: request.method, kind: request.kind, ...(request.itemId !== undefined ? { itemId: request.itemId } : {}) };
}

function log(logger: Logger, level: "debug" | "warn", obj: Record<string, unknown>, msg: string): void {
  try {
    logger[level](obj, msg);
  } catch {
    // A broken logger must not leave codex waiting for an answer.
  }
}

function message(error: unknown): string {
  try {
    if (error instanceof Error) return error.message;
    return typeof error === "string" ? error : String(error);
  } catch {
    return typeName(error);
  }
}

// A near-miss string ("approve") is worth seeing; other values are summarised by type only.
function shown(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value.slice(0, 40)) : typeName(value);
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}
