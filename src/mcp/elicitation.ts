/**
 * `decideElicitation`: runs the caller's `onElicitation` under a deadline and turns every failure
 * into a definite answer, as `decideApproval` does for approvals: codex waits until it gets one,
 * and nothing is accepted on the caller's behalf (no handler, a throw, a timeout: decline).
 */
import type { Logger } from "../logger.js";
import { askWithDeadline } from "../timing/index.js";
import { isJsonObject } from "../json.js";
import type { ElicitationHandler, ElicitationRequest, ElicitationResponse } from "./types.js";

/** Options of `decideElicitation`. */
export interface DecideElicitationOptions {
  /** Deadline for the handler (default 60000; 0 waits without a limit). */
  timeoutMs?: number;
  /** Aborts when the answer is no longer needed: the answer is then `cancel`. */
  signal?: AbortSignal;
  logger: Logger;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const ACTIONS = new Set(["accept", "decline", "cancel"]);

/** Asks `handler` about `request`; always resolves. */
export async function decideElicitation(handler: ElicitationHandler | undefined, request: ElicitationRequest, options: DecideElicitationOptions): Promise<ElicitationResponse> {
  const fields = { server: request.server, mode: request.mode, threadId: request.threadId };
  if (typeof handler !== "function") {
    options.logger.debug(fields, "no elicitation handler; declining");
    return { action: "decline" };
  }
  const timeoutMs = options.timeoutMs === 0 ? Number.POSITIVE_INFINITY : (options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const answer = await askWithDeadline((signal) => handler(request, { signal }), timeoutMs, options.signal);
  if (answer.kind === "cancelled") return { action: "cancel" };
  if (answer.kind === "timeout") {
    options.logger.warn({ ...fields, timeoutMs }, "elicitation handler timed out; declining");
    return { action: "decline" };
  }
  if (answer.kind === "error") {
    options.logger.warn({ ...fields, error: String(answer.error) }, "elicitation handler failed; declining");
    return { action: "decline" };
  }
  const value = answer.value;
  if (!isJsonObject(value) || !ACTIONS.has(value.action as string) || (value.content !== undefined && !isJsonObject(value.content))) {
    options.logger.warn(fields, "elicitation handler returned something that is not { action, content? }; declining");
    return { action: "decline" };
  }
  return value.action === "accept" && value.content ? { action: "accept", content: value.content } : { action: value.action as ElicitationResponse["action"] };
}
