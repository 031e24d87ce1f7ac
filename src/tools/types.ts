/**
 * codexkit tools: the user's own functions, offered to the agent on both transports. The shapes
 * here are the contract between `tool()`, the registry, and the code that runs calls for a
 * transport (app-server `item/tool/call`, or the loopback MCP server on exec).
 */
import type { Logger } from "../logger.js";
import type { JsonSchema, StandardSchemaV1 } from "../schema/index.js";

export type { JsonSchema };

/**
 * What a tool's `parameters` may be: any Standard Schema (zod 3.24+, zod 4, valibot, arktype, ...;
 * arguments inferred) or a JSON Schema object.
 */
export type ToolParameters = StandardSchemaV1 | JsonSchema;

/** The arguments type `execute` receives for given `parameters`: the schema's output type, or a record for a JSON Schema. */
export type ToolArguments<P> = P extends StandardSchemaV1 ? StandardSchemaV1.InferOutput<P> : Record<string, unknown>;

/** One piece of rich tool output. */
export type ToolContentItem =
  | {
      /** Discriminant: text. */
      type: "text";
      /** The text. */
      text: string;
    }
  | {
      /** Discriminant: an image. */
      type: "image";
      /** The image's URL (a data: URL for an inline image). */
      imageUrl: string;
    };

/**
 * A file in a tool's result: a staged file (`codex.files.stage`) or bytes (staged for you). The
 * model gets an image as an image and any other file as a mention of its path; the thread's
 * attachment record lists it.
 */
export type ToolFileItem =
  | {
      /** Discriminant: a file. */
      type: "file";
      /** A staged file (what `codex.files.stage` returned). */
      file: {
        /** The staged file's id. */
        readonly id: string;
        /** The SHA-256 of its content. */
        readonly sha256: string;
        /** Its path in the staging store. */
        readonly path: string;
      };
    }
  | {
      /** Discriminant: a file. */
      type: "file";
      /** The file's bytes, staged for you. */
      data: Uint8Array | ArrayBuffer;
      /** The file's name. */
      name?: string;
      /** The file's MIME type. */
      mimeType?: string;
    };

/**
 * What `execute` returns, once any promise is settled. Each shape has its own use:
 * - a string: sent as text;
 * - an array of items, or `{ content: [...items] }` ({@link ToolContentItem}: text, image;
 *   {@link ToolFileItem}: a file): sent as rich content;
 * - a staged file (what `codex.files.stage` returned): sent as that file;
 * - nothing (`undefined`): sent as empty text;
 * - any other JSON-serializable value (a number, a boolean, null, an object, an array): sent as its
 *   JSON text. Objects are typed `object` so that interfaces and class instances are accepted;
 *   one `JSON.stringify` cannot serialize fails the call with a message saying so.
 *
 * A `bigint` or a `symbol` returned as it is is refused at compile time (a promise is an `object`
 * to the compiler, so what it resolves with is checked when the call runs).
 */
export type ToolResultValue =
  | string
  | ReadonlyArray<ToolContentItem | ToolFileItem>
  | {
      /** The items of the result. */
      readonly content: ReadonlyArray<ToolContentItem | ToolFileItem>;
    }
  | number
  | boolean
  | null
  | undefined
  | void
  | object;

/** What `execute` may return: a {@link ToolResultValue}, or a promise of one (an `async` execute). */
export type ToolResult = ToolResultValue | PromiseLike<ToolResultValue>;

/** Turns a file in a tool's result into what the model gets (the turn layer provides it). */
export type ToolFileResolver = (item: ToolFileItem, call: ToolCallContext) => Promise<ToolContentItem>;

/** Context of one call. */
export interface ToolContext {
  /** Aborts when the turn is interrupted or aborted, or the call times out. */
  signal: AbortSignal;
  /** The thread the call belongs to. */
  threadId: string;
  /** The turn the call belongs to, when the transport knows it. */
  turnId: string | null;
  /** codex's id for this call. */
  callId: string;
  /** The client's logger (redacting). */
  logger: Logger;
}

/** A tool definition, as `tool()` returns it. */
export interface Tool<P extends ToolParameters = ToolParameters> {
  /** The name the model calls; `^[a-zA-Z0-9_-]{1,64}$`. */
  readonly name: string;
  /** What the tool does, for the model. */
  readonly description: string;
  /** Argument schema. */
  readonly parameters: P;
  /** Milliseconds a call may run before it fails with a timeout (default 60000; 0 = none). */
  readonly timeoutMs?: number;
  /** Runs the call with validated arguments; returns a `ToolResult` or a promise of one. */
  execute(args: ToolArguments<P>, ctx: ToolContext): ToolResult;
}

/** A tool as the transports need it: JSON Schema resolved, validation ready. */
export interface ToolSpec {
  /** The name the model calls. */
  name: string;
  /** What the tool does, for the model. */
  description: string;
  /** JSON Schema of the arguments (a Standard Schema converted by its library). */
  inputSchema: JsonSchema;
}

/** The outcome of running one call, ready to send back to codex. */
export interface ToolCallOutcome {
  success: boolean;
  /** Content for the model: text items, or images as URLs (data: URLs for inline images). */
  content: ToolContentItem[];
  /** Set when `success` is false: why (validation problem, thrown message, timeout, veto), redacted. */
  error?: string;
  /** Wall time of the call. */
  durationMs: number;
  /** True when `beforeToolCall` vetoed the call (the tool did not run). */
  vetoed?: boolean;
}

/** A codexkit tool call, as `beforeToolCall` and `afterToolCall` see it. */
export interface ToolCallInfo {
  /** The tool's name. */
  tool: string;
  /** The arguments, checked against the tool's schema (after `beforeToolCall`: the ones the tool got). */
  arguments: unknown;
  /** codex's id for this call. */
  callId: string;
  /** The thread the call belongs to. */
  threadId: string;
  /** The turn the call belongs to, when the transport knows it. */
  turnId: string | null;
}

/**
 * What `beforeToolCall` may answer: nothing (the call goes on), `{ arguments }` (the tool runs
 * with these instead, checked against its schema again), or `{ veto }` (the tool does not run;
 * the model gets the reason as the call's error).
 */
export type BeforeToolCallResult =
  | void
  | undefined
  | {
      /** The arguments the tool runs with instead. */
      arguments: unknown;
    }
  | {
      /** Why the call is refused; the model gets it as the call's error. */
      veto: string;
    };

/** Runs before each codexkit tool call; see `BeforeToolCallResult`. A throw fails the call, as a throwing tool does. */
export type BeforeToolCallHook = (call: ToolCallInfo) => BeforeToolCallResult | Promise<BeforeToolCallResult>;

/** What a finished call looked like, as `afterToolCall` sees it. */
export interface ToolCallOutcomeInfo {
  /** Whether the call succeeded. */
  success: boolean;
  /** What goes back to the model. */
  content: ToolContentItem[];
  /** Why the call failed (redacted), when it did. */
  error?: string;
  /** Wall time of the call in milliseconds. */
  durationMs: number;
}

/**
 * What `afterToolCall` may answer: nothing (the outcome stands), `{ result }` (the model gets
 * this instead, as if the tool had returned it), or `{ error }` (the call fails with this message).
 */
export type AfterToolCallResult =
  | void
  | undefined
  | {
      /** What the model gets instead, as if the tool had returned it. */
      result: ToolResult;
    }
  | {
      /** The message the call fails with. */
      error: string;
    };

/** Runs after each codexkit tool call (also a failed one); see `AfterToolCallResult`. A throw fails the call. */
export type AfterToolCallHook = (call: ToolCallInfo, outcome: ToolCallOutcomeInfo) => AfterToolCallResult | Promise<AfterToolCallResult>;

/** The tool-call hooks of a client. */
export interface ToolHooks {
  beforeToolCall?: BeforeToolCallHook;
  afterToolCall?: AfterToolCallHook;
}

/** Per-call facts a transport knows when codex asks for a tool. */
export interface ToolCallContext {
  threadId: string;
  turnId: string | null;
  callId: string;
  /** Aborts when the turn is interrupted or aborted. */
  signal: AbortSignal;
}

/**
 * The tools of one turn (client registry plus thread tools), ready for a transport: specs to
 * announce, and `call` to run one call end to end (validate, execute with timeout, normalize).
 * `call` never rejects: every failure becomes an outcome with `success: false`.
 */
export interface ToolSet {
  readonly specs: readonly ToolSpec[];
  has(name: string): boolean;
  call(name: string, args: unknown, ctx: ToolCallContext): Promise<ToolCallOutcome>;
}
