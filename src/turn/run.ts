/**
 * Runs one turn, the same way whatever the transport: the turn's tools and approvals are answered
 * here (through the `TurnHost`), the transport's reports become the items users see, failures
 * become typed errors, and (when `retry` asks) a retryable failure before any work is retried.
 * Spans and hooks hook in here too: this is the one place every turn passes through.
 */
import type { ApprovalHandler } from "../approvals/index.js";
import { AbortError, RateLimitError, errorCode, type Redactor } from "../errors/index.js";
import type { Recorder } from "../diagnostics/index.js";
import type { FileStore, StagedFile } from "../files/index.js";
import { TurnFiles } from "./attachments.js";
import { logEvent } from "../log-events.js";
import { TurnTelemetry, type Telemetry } from "../telemetry/index.js";
import type { EventHook, EventHookInfo, ThreadEvent, TurnFailedEvent, Usage } from "../events.js";
import type { NormalizedInput } from "../input.js";
import type { Logger } from "../logger.js";
import type { ElicitationHandler } from "../mcp/index.js";
import type { CyberAccessProgram, ThreadOptions } from "../options/index.js";
import { createToolSet, type ToolHooks, type ToolRegistry } from "../tools/index.js";
import { abortError, sleep } from "../abort.js";
import type { Transport } from "../transport/index.js";
import { threadCwd } from "../config/index.js";
import { turnError } from "./failure.js";
import { createTurnHost } from "./host.js";
import { checkInputFiles, checkWorkingDirectory } from "./inputs.js";
import { nextRetry, retryPolicy, type RetryInfo, type RetryPolicy, type RetrySetting, type RetrySpent } from "./retry.js";
import { ToolCallItems } from "./tool-call-item.js";

/** What a turn borrows from its client. */
export interface TurnServices {
  tools: ToolRegistry;
  logger: Logger;
  redactor: Redactor;
  onApproval?: ApprovalHandler;
  approvalTimeoutMs?: number;
  onElicitation?: ElicitationHandler;
  /** The client's retry setting (none: never retry). */
  retry?: RetrySetting;
  /** Called before each retry (after `turn.retrying` is yielded); a throw is logged and ignored. */
  onRetry?: (info: RetryInfo) => void | Promise<void>;
  /** Called with each event just before the consumer gets it; awaited; a throw is logged and ignored. */
  onEvent?: EventHook;
  /** Told each event before `onEvent`, synchronously (the live run viewer); they must not throw. */
  observers?: ReadonlySet<(event: ThreadEvent, info: EventHookInfo) => void>;
  /** `beforeToolCall` / `afterToolCall`. */
  toolHooks?: ToolHooks;
  /** Spans and metrics. */
  telemetry: Telemetry;
  /** Running turns and recent errors, for diagnostics. */
  recorder: Recorder;
  /** `gen_ai.provider.name`: the model provider codex is configured with. */
  provider: string;
  /** The client's configured model, when set. */
  model?: string;
  /** The staging store attachments come from. */
  files: FileStore;
  /** Records (in the background) that a thread was given staged files; `transport` ran the turn (a closed one records nothing). */
  recordAttachments(threadId: string, files: readonly StagedFile[], transport: Transport): void;
}


/** One turn to run. */
export interface TurnPlan {
  transport: Transport;
  services: TurnServices;
  /** The thread's options (checked at `startThread`). */
  thread: ThreadOptions;
  /** The thread to continue, or null for a new one. */
  threadId: string | null;
  input: NormalizedInput;
  outputSchema?: Record<string, unknown>;
  cyberAccessProgram?: CyberAccessProgram;
  signal: AbortSignal;
  /** The turn's own retry setting, over the client's. */
  retry?: RetrySetting;
  /** The caller's active OpenTelemetry context when the turn was asked for: its span is the turn's parent. */
  parentContext?: unknown;
}

/** How one attempt ended. */
interface Attempt {
  threadId: string | null;
  turnId: string | null;
  /** The attempt did work a retry would repeat (an item, a delta, a tool call, an approval). */
  progressed: boolean;
  /** Model requests codex retried itself during the attempt (app-server reports each). */
  codexRetries: number;
  failure: TurnFailedEvent | null;
}

/** The events of one turn, retries included. */
export async function* runTurn(plan: TurnPlan): AsyncGenerator<ThreadEvent, void, undefined> {
  const { services, thread } = plan;
  const telemetry = new TurnTelemetry(services.telemetry, {
    parent: plan.parentContext,
    transport: plan.transport.kind,
    provider: services.provider,
    model: thread.model ?? services.model,
    threadId: plan.threadId,
    input: plan.input.parts,
  });
  const record = new TurnRecord(plan, services);
  // Only a transport that runs codex elsewhere moves files; here codex reads them in place.
  const place = plan.transport.remote ? plan.transport.placeFile?.bind(plan.transport) : undefined;
  const files = new TurnFiles(services.files, (file, fn) => telemetry.upload(file, fn), place);
  try {
    const input = await files.resolveInput(plan.input);
    for await (const event of attempts({ ...plan, input }, telemetry, record, files)) {
      record.saw(event);
      if (services.onEvent || services.observers?.size) {
        const info: EventHookInfo = { threadId: record.threadId, prompt: plan.input.prompt, transport: plan.transport.kind };
        for (const observe of services.observers ?? []) observe(event, info);
        if (services.onEvent) await notifyEvent(services, telemetry, event, info);
      }
      yield event;
    }
  } catch (error) {
    record.error = error as Error;
    throw error;
  } finally {
    files.release();
    // Once the thread exists, codex's attachment store says what it was given (in the background).
    // Only a turn codex started was given its files.
    if (record.threadId !== null && record.codexStarted && files.attached.length > 0) services.recordAttachments(record.threadId, files.attached, plan.transport);
    record.end(telemetry);
  }
}

/** Every attempt of the turn, until one is not retried. */
async function* attempts(plan: TurnPlan, telemetry: TurnTelemetry, record: TurnRecord, files: TurnFiles): AsyncGenerator<ThreadEvent, void, undefined> {
  const { services, thread, signal } = plan;
  // On a remote app-server, image and file paths are the agent host's (attachments are checked in the store).
  if (!plan.transport.remote) {
    const cwd = threadCwd(thread);
    await checkWorkingDirectory(cwd);
    await checkInputFiles(plan.input, cwd);
  }
  const tools = createToolSet(
    { client: services.tools, thread: thread.tools ?? [] },
    { logger: services.logger, redactor: services.redactor, files: files.toolFile, ...(services.toolHooks ? { hooks: services.toolHooks } : {}) },
  );
  const host = createTurnHost(
    tools,
    { handler: thread.onApproval ?? services.onApproval, timeoutMs: services.approvalTimeoutMs, elicitation: thread.onElicitation ?? services.onElicitation },
    services.logger,
    telemetry,
  );
  const policy = retryPolicy(services.retry, plan.retry);
  const trace = telemetry.traceContext();
  const startedAt = performance.now();
  let requests = 0;
  let threadId = plan.threadId;
  for (let number = 1; ; number += 1) {
    const attempt: Attempt = { threadId, turnId: null, progressed: false, codexRetries: 0, failure: null };
    const items = new ToolCallItems();
    const events = plan.transport.runTurn(
      {
        threadId,
        input: plan.input,
        thread,
        outputSchema: plan.outputSchema,
        cyberAccessProgram: plan.cyberAccessProgram,
        signal,
        tools: tools.specs,
        ...(trace ? { trace } : {}),
      },
      host,
    );
    for await (const raw of events) {
      if (raw.type === "codex_retry.report") {
        attempt.codexRetries += 1;
        continue;
      }
      const event = raw.type === "tool_call.report" ? items.toEvent(raw) : raw;
      if (event.type === "thread.started") {
        // A retry continues the same thread: the caller has seen it start already.
        if (number > 1 && event.thread_id === threadId) continue;
        threadId = attempt.threadId = event.thread_id;
      }
      if (event.type === "turn.started" && event.turnId) attempt.turnId = event.turnId;
      if (event.type === "turn.failed") {
        // Held until the attempt is over: it is replaced by `turn.retrying` if the turn runs again.
        attempt.failure = event;
        attempt.turnId = event.turnId ?? attempt.turnId;
        continue;
      }
      if (isProgress(event)) attempt.progressed = true;
      yield event;
    }
    if (!attempt.failure) return;
    const lastRequests = 1 + attempt.codexRetries;
    requests += lastRequests;
    const spent: RetrySpent = { attempts: number, requests, lastRequests, elapsedMs: performance.now() - startedAt };
    const retry = await prepareRetry(plan, policy, spent, attempt);
    if (!retry) {
      yield attempt.failure;
      return;
    }
    record.attempts = number + 1;
    const backoff = telemetry.retry(retry);
    try {
      yield { type: "turn.retrying", attempt: retry.attempt, maxAttempts: retry.maxAttempts, delayMs: retry.delayMs, error: { ...attempt.failure.error, code: retry.error.code } };
      await notify(services, telemetry, retry);
      await sleep(retry.delayMs, signal);
    } finally {
      backoff();
    }
  }
}

/** What the turn's logs and diagnostics say about it: its thread, outcome, tokens and timing. */
class TurnRecord {
  threadId: string | null;
  turnId: string | null = null;
  /** codex started the turn (it saw the input). */
  codexStarted = false;
  attempts = 1;
  error: Error | null = null;
  private failure: TurnFailedEvent | null = null;
  private usage: Usage | null = null;
  private completed = false;
  private readonly started = performance.now();
  private readonly running: ReturnType<Recorder["turnStarted"]>;

  constructor(
    private readonly plan: TurnPlan,
    private readonly services: TurnServices,
  ) {
    this.threadId = plan.threadId;
    this.running = services.recorder.turnStarted(plan.threadId, plan.transport.kind);
    logEvent(services.logger, "turn.start", { threadId: plan.threadId, transport: plan.transport.kind });
  }

  saw(event: ThreadEvent): void {
    switch (event.type) {
      case "thread.started":
        this.threadId = event.thread_id;
        this.running.setThread(event.thread_id);
        return;
      case "turn.started":
        this.codexStarted = true;
        if (event.turnId) this.turnId = event.turnId;
        return;
      case "turn.completed":
        this.completed = true;
        this.usage = event.usage;
        if (event.turnId) this.turnId = event.turnId;
        return;
      case "turn.failed":
        this.failure = event;
        if (event.turnId) this.turnId = event.turnId;
        return;
      default:
        return;
    }
  }

  /** Ends the turn's span, logs `turn.end`, and remembers a failure for diagnostics. */
  end(telemetry: TurnTelemetry): void {
    this.running.done();
    // A consumer that stopped reading (break) ended the turn early: that counts as aborted.
    const error = this.error ?? (this.failure ? turnError(this.failure.error) : this.completed ? null : new AbortError("the turn's consumer stopped reading"));
    telemetry.end(error ? { error } : {});
    if (error) this.services.recorder.error(error, this.threadId);
    const code = error ? errorCode(error) : null;
    logEvent(this.services.logger, "turn.end", {
      threadId: this.threadId,
      turnId: this.turnId,
      transport: this.plan.transport.kind,
      outcome: !error ? "completed" : code === "aborted" ? "aborted" : "failed",
      code,
      durationMs: Math.round(performance.now() - this.started),
      attempts: this.attempts,
      inputTokens: this.usage?.input_tokens ?? null,
      outputTokens: this.usage?.output_tokens ?? null,
    });
  }
}

/** Runs `onEvent` inside the turn's span; a throw is logged, and the turn goes on. */
async function notifyEvent(services: TurnServices, telemetry: TurnTelemetry, event: ThreadEvent, info: EventHookInfo): Promise<void> {
  try {
    await telemetry.run(() => services.onEvent!(event, info));
  } catch (error) {
    logEvent(services.logger, "hook.error", { hook: "onEvent", threadId: info.threadId, error: services.redactor.redact(String(error)) });
  }
}

/** True for events that show the turn did work: anything but notices and lifecycle events. */
function isProgress(event: ThreadEvent): boolean {
  switch (event.type) {
    case "item.started":
    case "item.updated":
    case "item.completed":
      return event.item.type !== "error";
    case "item.delta":
    case "approval.requested":
    case "approval.resolved":
      return true;
    default:
      return false;
  }
}

/** Why the budget refused a retry, for the debug log. */
const REFUSALS = {
  max_attempts: "another attempt would pass retry.maxAttempts (model requests, codex's own retries included)",
  max_delay: "the server asked to wait longer than retry.maxDelayMs",
  max_elapsed: "the wait would end after retry.maxElapsedMs",
} as const;

/**
 * Whether the failed attempt runs again, and after how long. Reverting the failed turn comes
 * first: if codex cannot drop it from the history, a retry would repeat the input, so there is none.
 */
async function prepareRetry(plan: TurnPlan, policy: RetryPolicy | null, spent: RetrySpent, attempt: Attempt): Promise<RetryInfo | null> {
  const { logger } = plan.services;
  const error = turnError(attempt.failure!.error);
  const fields = { threadId: attempt.threadId, attempt: spent.requests, code: error.code };
  if (!policy || !error.retryable || plan.signal.aborted) return null;
  if (attempt.progressed) {
    logger.debug(fields, "a retryable turn failure is not retried: the turn had started work");
    return null;
  }
  const revert = plan.transport.revertTurn?.bind(plan.transport);
  if (!revert || attempt.threadId === null || attempt.turnId === null) {
    logger.debug(fields, "a retryable turn failure is not retried: this transport cannot remove the failed turn from the thread's history");
    return null;
  }
  const next = nextRetry(policy, spent, error instanceof RateLimitError ? error.retryAfterMs : null);
  if ("refused" in next) {
    logger.debug(fields, `a retryable turn failure is not retried: ${REFUSALS[next.refused]}`);
    return null;
  }
  try {
    await revert(attempt.threadId, attempt.turnId);
  } catch (failure) {
    logger.warn({ ...fields, error: String(failure) }, "a retryable turn failure is not retried: removing the failed turn from the history failed");
    return null;
  }
  if (plan.signal.aborted) throw abortError(plan.signal);
  const info: RetryInfo = { attempt: spent.requests, maxAttempts: policy.maxAttempts, delayMs: next.delayMs, error, threadId: attempt.threadId };
  logEvent(logger, "turn.retry", { threadId: info.threadId, attempt: info.attempt, maxAttempts: info.maxAttempts, delayMs: info.delayMs, code: error.code });
  return info;
}

async function notify(services: TurnServices, telemetry: TurnTelemetry, info: RetryInfo): Promise<void> {
  if (!services.onRetry) return;
  try {
    await telemetry.run(() => services.onRetry!(info));
  } catch (error) {
    logEvent(services.logger, "hook.error", { hook: "onRetry", threadId: info.threadId, error: services.redactor.redact(String(error)) });
  }
}
