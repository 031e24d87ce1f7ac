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
import type { Tool, ToolCallContext, ToolCallInfo, ToolCallOutcome, ToolContentItem, ToolFileResolver, ToolHooks } from "./types.js";
import type { ResultItem } from "./result.js";
import { logEvent } from "../log-events.js";
import { askWithDeadline, race } from "../timing/index.js";

/** What a call needs besides the tool: where to log, what to hide, the default time limit, the hooks. */
export interface CallServices {
  logger: Logger;
  redactor: Redactor;
  defaultTimeoutMs: number;
  hooks?: ToolHooks;
  /** Places files a tool returned (stages bytes, makes images images and other files mentions). */
  files?: ToolFileResolver;
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
    const call: ToolCallInfo = { tool: tool.name, arguments: checked.value, callId: ctx.callId, threadId: ctx.threadId, turnId: ctx.turnId };
    const before = await beforeCall(tool, call, ctx, services);
    if (before.kind === "fail") return fail(before.message);
    if (before.kind === "veto") return { ...fail(before.message), vetoed: true };
    const outcome = await outcomeOf(tool, call, ctx, services, fail, elapsed);
    return await afterCall(tool, call, outcome, ctx, services, fail, elapsed);
  } catch (error) {
    // Only codexkit bugs or a malformed context get here; the transport still needs an answer.
    return fail(`tool ${String(name)} could not be run: ${describeError(error)}`);
  }
}

/** Runs the tool itself: its outcome, every failure included. */
async function outcomeOf(
  tool: Tool,
  call: ToolCallInfo,
  ctx: ToolCallContext,
  services: CallServices,
  fail: (message: string) => ToolCallOutcome,
  elapsed: () => number,
): Promise<ToolCallOutcome> {
  const settled = await execute(tool, call.arguments, ctx, services);
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
      const placed = await placeFiles(tool.name, normalized.content, ctx, services);
      return placed.ok ? success(placed.content, elapsed()) : fail(placed.message);
    }
  }
}

/** Replaces the files in a result with what the model gets for them. */
async function placeFiles(name: string, content: ResultItem[], ctx: ToolCallContext, services: CallServices): Promise<{ ok: true; content: ToolContentItem[] } | { ok: false; message: string }> {
  if (!content.some((item) => item.type === "file")) return { ok: true, content: content as ToolContentItem[] };
  const resolver = services.files;
  if (!resolver) return { ok: false, message: `tool ${name} returned a file, which needs a Codex client's staging store` };
  const out: ToolContentItem[] = [];
  for (const item of content) {
    if (item.type !== "file") {
      out.push(item);
      continue;
    }
    try {
      out.push(await resolver(item, ctx));
    } catch (error) {
      return { ok: false, message: `tool ${name} returned a file that could not be attached: ${describeError(error)}` };
    }
  }
  return { ok: true, content: out };
}

type Before = { kind: "go" } | { kind: "fail"; message: string } | { kind: "veto"; message: string };

/** `beforeToolCall`: may veto the call, or replace its arguments (checked again, then put in `call`). */
async function beforeCall(tool: Tool, call: ToolCallInfo, ctx: ToolCallContext, services: CallServices): Promise<Before> {
  const hook = services.hooks?.beforeToolCall;
  if (!hook) return { kind: "go" };
  const answer = await runHook("beforeToolCall", () => hook({ ...call }), ctx, services);
  if (answer.kind === "threw") return { kind: "fail", message: `beforeToolCall failed: ${answer.message}` };
  if (answer.kind === "cancelled") return { kind: "fail", message: `tool ${call.tool} was cancelled` };
  const value = answer.value;
  if (value === undefined || value === null) return { kind: "go" };
  if (typeof value === "object" && "veto" in value) {
    return { kind: "veto", message: typeof value.veto === "string" && value.veto !== "" ? value.veto : `the call of ${call.tool} was vetoed` };
  }
  if (typeof value === "object" && "arguments" in value) {
    const checked = await checkArguments(tool, value.arguments);
    if (!checked.ok) return { kind: "fail", message: `beforeToolCall gave arguments the tool does not accept: ${checked.message}` };
    call.arguments = checked.value;
    return { kind: "go" };
  }
  return { kind: "fail", message: "beforeToolCall must return nothing, { arguments }, or { veto }" };
}

/** `afterToolCall`: may replace the result, or fail the call. */
async function afterCall(
  tool: Tool,
  call: ToolCallInfo,
  outcome: ToolCallOutcome,
  ctx: ToolCallContext,
  services: CallServices,
  fail: (message: string) => ToolCallOutcome,
  elapsed: () => number,
): Promise<ToolCallOutcome> {
  const hook = services.hooks?.afterToolCall;
  if (!hook) return outcome;
  const info = { success: outcome.success, content: outcome.content, durationMs: outcome.durationMs, ...(outcome.error !== undefined ? { error: outcome.error } : {}) };
  const answer = await runHook("afterToolCall", () => hook({ ...call }, info), ctx, services);
  if (answer.kind === "threw") return fail(`afterToolCall failed: ${answer.message}`);
  if (answer.kind === "cancelled") return fail(`tool ${tool.name} was cancelled`);
  const value = answer.value;
  if (value === undefined || value === null) return outcome;
  if (typeof value === "object" && "error" in value) return fail(typeof value.error === "string" && value.error !== "" ? value.error : `tool ${tool.name} failed`);
  if (typeof value === "object" && "result" in value) {
    const normalized = normalizeResult(tool.name, value.result);
    if (!normalized.ok) return fail(normalized.message);
    const placed = await placeFiles(tool.name, normalized.content, ctx, services);
    return placed.ok ? success(placed.content, elapsed()) : fail(placed.message);
  }
  return fail("afterToolCall must return nothing, { result }, or { error }");
}

type HookAnswer<T> = { kind: "value"; value: T } | { kind: "threw"; message: string } | { kind: "cancelled" };

/** Runs a hook, raced against the turn's signal (no deadline); a throw is logged and reported, never rethrown. */
async function runHook<T>(name: string, fn: () => T | Promise<T>, ctx: ToolCallContext, services: CallServices): Promise<HookAnswer<T>> {
  const answer = await askWithDeadline(() => fn(), Infinity, ctx.signal);
  if (answer.kind === "value") return { kind: "value", value: answer.value as T };
  if (answer.kind === "error") {
    const message = safeRedact(services, describeError(answer.error) || `${name} threw`);
    logEvent(services.logger, "hook.error", { hook: name, threadId: ctx.threadId, callId: ctx.callId, error: message });
    return { kind: "threw", message };
  }
  return { kind: "cancelled" };
}

function success(content: ToolContentItem[], durationMs: number): ToolCallOutcome {
  return { success: true, content, durationMs };
}

/**
 * Runs `execute` raced against the turn's signal and the tool's time limit (0: none). Its signal
 * aborts on timeout (with a `TimeoutError`) or cancel, never after it answered by itself.
 */
async function execute(tool: Tool, args: unknown, ctx: ToolCallContext, services: CallServices): Promise<Settled> {
  const timeoutMs = tool.timeoutMs ?? services.defaultTimeoutMs;
  const settled = await race(
    (signal) =>
      tool.execute(args, {
        signal,
        threadId: ctx.threadId,
        turnId: ctx.turnId,
        callId: ctx.callId,
        logger: services.logger,
      }),
    {
      timeoutMs: timeoutMs > 0 ? timeoutMs : Number.POSITIVE_INFINITY,
      signal: ctx.signal,
      timeoutReason: () => new TimeoutError(`tool ${tool.name} timed out after ${timeoutMs} ms`, timeoutMs),
    },
  );
  return settled.kind === "timeout" ? { kind: "timeout", timeoutMs } : settled;
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
