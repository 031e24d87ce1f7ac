/**
 * `decideElicitation`: runs the caller's `onElicitation` under a deadline and turns every failure
 * into a definite answer, as `decideApproval` does for approvals: codex waits until it gets one,
 * and nothing is accepted on the caller's behalf (no handler, a throw, a timeout: decline).
 */
import type { Logger } from "../logger.js";
import { MAX_TIMER_MS } from "../timers.js";
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
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const stop = new Promise<"timeout" | "cancelled">((resolve) => {
    if (timeoutMs <= MAX_TIMER_MS) timer = setTimeout(() => resolve("timeout"), timeoutMs);
    onAbort = () => resolve("cancelled");
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener("abort", onAbort, { once: true });
  });
  try {
    const answer = await Promise.race([
      (async () => {
        try {
          return { ok: true as const, value: await handler(request, { signal: controller.signal }) };
        } catch (error) {
          return { ok: false as const, error };
        }
      })(),
      stop,
    ]);
    if (answer === "cancelled") return { action: "cancel" };
    if (answer === "timeout") {
      options.logger.warn({ ...fields, timeoutMs }, "elicitation handler timed out; declining");
      return { action: "decline" };
    }
    if (!answer.ok) {
      options.logger.warn({ ...fields, error: String(answer.error) }, "elicitation handler failed; declining");
      return { action: "decline" };
    }
    const value: unknown = answer.value;
    if (!isJsonObject(value) || !ACTIONS.has(value.action as string) || (value.content !== undefined && !isJsonObject(value.content))) {
      options.logger.warn(fields, "elicitation handler returned something that is not { action, content? }; declining");
      return { action: "decline" };
    }
    return value.action === "accept" && value.content ? { action: "accept", content: value.content } : { action: value.action as ElicitationResponse["action"] };
  } finally {
    clearTimeout(timer);
    if (onAbort) options.signal?.removeEventListener("abort", onAbort);
    controller.abort();
  }
}
