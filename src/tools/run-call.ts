/**
 * Runs one tool call end to end: arguments checked, `execute` raced against the turn's signal and
 * the time limit, the result normalized. Every failure becomes a failed outcome, never a rejection,
 * because a transport has to answer codex whatever the user's code did.
 */
import { TimeoutError } from "../errors/index.js";
import type { Redactor } from "../errors/index.js";
import type { Logger } from "../logger.js";
import { checkArguments } from "./arguments.js";
import { describeError } from "./describe-error.js";
import { normalizeResult } from "./result.js";
import type { Tool, ToolCallContext, ToolCallOutcome, ToolContentItem } from "./types.js";
import { MAX_TIMER_MS } from "../timers.js";

/** What a call needs besides the tool: where to log, what to hide, the default time limit. */
export interface CallServices {
  logger: Logger;
  redactor: Redactor;
  defaultTimeoutMs: number;
}

type Settled =
  | { kind: "value"; value: unknown }
  | { kind: "error"; error: unknown }
  | { kind: "timeout"; timeoutMs: number }
  | { kind: "cancelled" };


/** Runs `tool` (undefined when the name is unknown) with `args`; resolves with the outcome. */
export async function runCall(
  name: string,
  tool: Tool | undefined,
  args: unknown,
  ctx: ToolCallContext,
  services: CallServices,
): Promise<ToolCallOutcome> {
  const started = performance.now();
  const elapsed = (): number => Math.max(0, performance.now() - started);
  const fail = (message: string): ToolCallOutcome => {
    const error = safeRedact(services, message);
    return { success: false, error, content: [{ type: "text", text: error }], durationMs: elapsed() };
  };
  try {
    if (!tool) return fail(`unknown tool ${String(name)}`);
    const checked = await checkArguments(tool, args);
    if (!checked.ok) return fail(checked.message);
    const settled = await execute(tool, checked.value, ctx, services);
    switch (settled.kind) {
      case "timeout": {
        const outcome = fail(`tool ${tool.name} timed out after ${settled.timeoutMs} ms`);
        log(services.logger, "warn", { tool: tool.name, callId: ctx.callId, timeoutMs: settled.timeoutMs }, "tool call timed out");
        return outcome;
      }
      case "cancelled":
        log(services.logger, "debug", { tool: tool.name, callId: ctx.callId }, "tool call cancelled");
        return fail(`tool ${tool.name} was cancelled`);
      case "error": {
        const message = describeError(settled.error) || `tool ${tool.name} failed`;
        const outcome = fail(message);
        log(services.logger, "warn", { tool: tool.name, callId: ctx.callId, threadId: ctx.threadId, error: outcome.error }, "tool call failed");
        return outcome;
      }
      case "value": {
        const normalized = normalizeResult(tool.name, settled.value);
        if (!normalized.ok) return fail(normalized.message);
        return success(normalized.content, elapsed());
      }
    }
  } catch (error) {
    // Only codexkit bugs or a malformed context get here; the transport still needs an answer.
    return fail(`tool ${String(name)} could not be run: ${describeError(error)}`);
  }
}

function success(content: ToolContentItem[], durationMs: number): ToolCallOutcome {
  return { success: true, content, durationMs };
}

function execute(tool: Tool, args: unknown, ctx: ToolCallContext, services: CallServices): Promise<Settled> {
  const outer = ctx.signal;
  if (outer.aborted) return Promise.resolve({ kind: "cancelled" });
  const timeoutMs = tool.timeoutMs ?? services.defaultTimeoutMs;
  const controller = new AbortController();
  return new Promise<Settled>((resolve) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let done = false;
    // Settle before aborting, so an `execute` that rejects on abort cannot change the verdict.
    const settle = (settled: Settled, abort = false, reason?: unknown): void => {
      if (done) return;
      done = true;
      if (timer !== undefined) clearTimeout(timer);
      outer.removeEventListener("abort", onAbort);
      resolve(settled);
      if (abort) controller.abort(reason);
    };
    const onAbort = (): void => settle({ kind: "cancelled" }, true, outer.reason);
    outer.addEventListener("abort", onAbort, { once: true });
    if (timeoutMs > 0 && timeoutMs <= MAX_TIMER_MS) {
      timer = setTimeout(() => {
        settle({ kind: "timeout", timeoutMs }, true, new TimeoutError(`tool ${tool.name} timed out after ${timeoutMs} ms`, timeoutMs));
      }, timeoutMs);
    }
    let pending: unknown;
    try {
      pending = tool.execute(args as never, {
        signal: controller.signal,
        threadId: ctx.threadId,
        turnId: ctx.turnId,
        callId: ctx.callId,
        logger: services.logger,
      });
    } catch (error) {
      settle({ kind: "error", error });
      return;
    }
    // A hung `execute` is abandoned, not awaited: the handlers stay attached only to swallow it.
    Promise.resolve(pending).then(
      (value) => settle({ kind: "value", value }),
      (error: unknown) => settle({ kind: "error", error }),
    );
  });
}

function safeRedact(services: CallServices, text: string): string {
  try {
    return services.redactor.redact(text);
  } catch {
    return "tool call failed";
  }
}

function log(logger: Logger, level: "debug" | "warn", fields: Record<string, unknown>, msg: string): void {
  try {
    logger[level](fields, msg);
  } catch {
    // A broken logger must not turn a tool outcome into a rejection.
  }
}
