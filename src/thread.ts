/**
 * A conversation with the agent. `run()` is built on `runStreamed()`, so there is one code path
 * for every turn whatever the transport.
 */
import { ThreadStateError } from "./errors/index.js";
import type { ThreadEvent, Usage } from "./events.js";
import { normalizeInput } from "./input.js";
import type { ThreadItem } from "./items.js";
import { checkThreadOptions, checkTurnOptions, type Input, type OutputSchema, type ThreadOptions, type TurnOptions } from "./options/index.js";
import type { StandardSchemaV1 } from "./schema/index.js";
import { outputJsonSchema, structuredOutputOf } from "./output-schema.js";
import { anySignal, interruptedError } from "./abort.js";
import type { Transport } from "./transport/index.js";
import { resolveAttachments, runTurn, turnError, type TurnServices } from "./turn/index.js";
import type { ThreadAttachment } from "./files/index.js";
import { addUsage, emptyUsage } from "./usage.js";

/** The value type `structuredOutput` has for a given schema: a Standard Schema's output type, `unknown` otherwise. */
export type StructuredOutput<S> = S extends StandardSchemaV1 ? StandardSchemaV1.InferOutput<S> : unknown;

/** A completed turn. */
export type Turn<T = unknown> = {
  /** Every item the turn completed, in order. */
  items: ThreadItem[];
  /** The text of the last agent message ("" when there was none). */
  finalResponse: string;
  /** This turn's token usage (codexkit: per turn, not the thread's running total). */
  usage: Usage | null;
  /**
   * The final answer parsed and validated against `outputSchema`. Undefined without a schema, and
   * with a plain JSON Schema when the answer is not JSON that matches it (a zod schema throws
   * `OutputSchemaError` instead).
   */
  structuredOutput?: T;
  /** The turn's id, when the transport knows it. */
  turnId?: string;
};

/** Alias for `Turn`, as in the official SDK. */
export type RunResult<T = unknown> = Turn<T>;

/** The result of `runStreamed()`. */
export type StreamedTurn = {
  /** The turn's events; iterate to run it. Breaking out stops codex. */
  events: AsyncGenerator<ThreadEvent>;
};

/** Alias for `StreamedTurn`, as in the official SDK. */
export type RunStreamedResult = StreamedTurn;

/** @internal Gives a `Thread` the transport of its client without exposing it publicly. */
export interface ThreadHost {
  transport(): Transport;
  /** The client's shared services a turn needs. */
  services(): TurnServices;
  /** Wraps a forked thread id in a `Thread` of the same client. */
  thread(options: ThreadOptions, id: string): Thread;
  /** The staged files codex recorded for a thread. */
  attachments(threadId: string): Promise<ThreadAttachment[]>;
}

/** One conversation; turns run one after another. */
export class Thread {
  private _id: string | null;
  private _usage: Usage = emptyUsage();
  /** The running turn's own abort controller, while a turn runs. */
  private inflight: AbortController | null = null;

  /** @internal Created by `Codex.startThread()` / `Codex.resumeThread()`. */
  constructor(
    private readonly host: ThreadHost,
    private readonly options: ThreadOptions,
    id: string | null = null,
  ) {
    this._id = id;
  }

  /** The thread's id; set once its first turn has started. */
  get id(): string | null {
    return this._id;
  }

  /** Tokens used by the turns this object has run (codexkit addition). */
  get usage(): Usage {
    return { ...this._usage };
  }

  /** Sends input to the agent and streams the turn's events. Nothing runs until you iterate. */
  // eslint-disable-next-line @typescript-eslint/require-await -- the official SDK's signature: async, so anything thrown here rejects instead of throwing
  async runStreamed(input: Input, turnOptions: TurnOptions = {}): Promise<StreamedTurn> {
    // The turn's span nests under the span active here, not where the events are read.
    return { events: this.stream(input, turnOptions, this.host.services().telemetry.activeContext()) };
  }

  /**
   * Sends input to the agent and resolves with the completed turn. A failed turn rejects with a
   * `TurnFailedError` (or the subclass saying why: `RateLimitError`, `AuthError`, `ServerError`,
   * `ContextWindowError`, `UsageLimitError`), after any retries.
   */
  async run<S extends OutputSchema | undefined = undefined>(
    input: Input,
    turnOptions: TurnOptions<S> = {},
  ): Promise<Turn<StructuredOutput<S>>> {
    return collectTurn(this.stream(input, turnOptions, this.host.services().telemetry.activeContext()), turnOptions.outputSchema);
  }

  /**
   * Adds input to the running turn, which goes on with it (app-server `turn/steer`). Throws
   * `UnsupportedFeatureError` on exec, `ThreadStateError` when no turn is running.
   */
  async steer(input: Input): Promise<void> {
    const resolved = await resolveAttachments(normalizeInput(input), this.host.services().files);
    const transport = this.host.transport();
    try {
      await transport.steer(this._id, resolved.input);
    } finally {
      resolved.release();
    }
    if (this._id !== null && resolved.input.attachments.length > 0) this.host.services().recordAttachments(this._id, resolved.input.attachments, transport);
  }

  /**
   * Stops the running turn and resolves once codex has stopped it; the turn's `run()` rejects and
   * its stream throws with `AbortError`. The thread stays usable. No running turn: nothing happens.
   */
  async interrupt(): Promise<void> {
    const inflight = this.inflight;
    if (!inflight) return;
    // Known thread: the transport stops the turn and waits; a thread codex has not created yet
    // has nothing to wait for, so aborting our signal is enough.
    if (this._id !== null) await this.host.transport().interrupt(this._id);
    inflight.abort(interruptedError());
  }

  /**
   * The staged files this thread was given (attachments and files tools returned), from codex's
   * attachment store: it survives resume and is the same from any client of the same CODEX_HOME.
   * Empty before the first turn. On exec a short-lived app-server answers.
   */
  async attachments(): Promise<ThreadAttachment[]> {
    if (this._id === null) return [];
    return this.host.attachments(this._id);
  }

  /** Starts a new thread holding this thread's history (app-server `thread/fork`). */
  async fork(options: ThreadOptions = {}): Promise<Thread> {
    checkThreadOptions(options);
    const merged = { ...this.options, ...options };
    const id = await this.host.transport().fork(this._id, merged);
    return this.host.thread(merged, id);
  }

  private async *stream(input: Input, turnOptions: TurnOptions, parentContext: unknown): AsyncGenerator<ThreadEvent> {
    if (this.inflight) throw new ThreadStateError("this thread is already running a turn; wait for it, steer it, or interrupt it");
    checkTurnOptions(turnOptions);
    const normalized = normalizeInput(input);
    const outputSchema = turnOptions.outputSchema ? outputJsonSchema(turnOptions.outputSchema) : undefined;
    // Our own signal as well as the caller's: `interrupt()` must reach a turn codex has not started yet.
    const inflight = new AbortController();
    const combined = anySignal(turnOptions.signal ? [turnOptions.signal, inflight.signal] : [inflight.signal]);
    this.inflight = inflight;
    try {
      const events = runTurn({
        transport: this.host.transport(),
        services: this.host.services(),
        thread: this.options,
        threadId: this._id,
        input: normalized,
        outputSchema,
        cyberAccessProgram: turnOptions.cyberAccessProgram,
        signal: combined.signal,
        retry: turnOptions.retry,
        parentContext,
      });
      for await (const event of events) {
        if (event.type === "thread.started") this._id = event.thread_id;
        else if (event.type === "turn.completed") this._usage = addUsage(this._usage, event.usage);
        yield event;
      }
    } finally {
      combined.dispose();
      if (this.inflight === inflight) this.inflight = null;
    }
  }
}

/**
 * @internal A turn's events made into its result, as `run()` resolves it: completed items, the last
 * agent message, usage, and the structured output. A `turn.failed` throws the error `run()` throws.
 * An event of type `turn.redelivered` (a queued turn run again) drops what the lost attempt gave.
 */
export async function collectTurn<S extends OutputSchema | undefined>(events: AsyncIterable<ThreadEvent | { type: "turn.redelivered" }>, outputSchema: S | undefined): Promise<Turn<StructuredOutput<S>>> {
  const items: ThreadItem[] = [];
  let finalResponse = "";
  let usage: Usage | null = null;
  let turnId: string | undefined;
  for await (const event of events) {
    if (event.type === "item.completed") {
      if (event.item.type === "agent_message") finalResponse = event.item.text;
      items.push(event.item);
    } else if (event.type === "turn.completed") {
      usage = event.usage;
      turnId = event.turnId ?? turnId;
    } else if (event.type === "turn.failed") {
      throw turnError(event.error);
    } else if (event.type === "turn.redelivered") {
      items.length = 0;
      finalResponse = "";
    }
  }
  const turn: Turn<StructuredOutput<S>> = { items, finalResponse, usage };
  if (turnId) turn.turnId = turnId;
  if (outputSchema) {
    const value = await structuredOutputOf(finalResponse, outputSchema);
    if (value !== undefined) turn.structuredOutput = value as StructuredOutput<S>;
  }
  return turn;
}
