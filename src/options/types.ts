/**
 * Options for `Codex`, threads and turns. Everything `@openai/codex-sdk` accepts is accepted
 * with the same meaning; codexkit's additions are marked.
 */
import type { ApprovalHandler } from "../approvals/index.js";
import type { ElicitationHandler, McpServerConfig } from "../mcp/types.js";
import type { AfterToolCallHook, BeforeToolCallHook, Tool } from "../tools/index.js";
import type { OtelMeter, OtelTracer } from "../telemetry/index.js";
import type { EventHook } from "../events.js";
import type { CodexError } from "../errors/index.js";
import type { Logger } from "../logger.js";
import type { StandardSchemaV1, ZodLike } from "../schema/index.js";
import type { AttachmentInput, FilesOptions } from "../files/index.js";

export type { ZodLike };

/** A value codex config accepts. */
export type CodexConfigValue = string | number | boolean | CodexConfigValue[] | CodexConfigObject;
/** A nested codex config object; keys become dotted paths. */
export type CodexConfigObject = { [key: string]: CodexConfigValue };

/**
 * How failed turns are retried (`retry` on `Codex` and on a turn). `maxAttempts` counts model
 * requests: codex's own retries (which app-server reports) count against it.
 */
export interface RetryOptions {
  /** Model requests in all, the first and codex's own retries included (default 3; 1 = never retry). */
  maxAttempts?: number;
  /** The first backoff, doubled after each failure (default 200 ms). */
  baseDelayMs?: number;
  /** The longest backoff (default 10000 ms); a delay the server asks for beyond it is not waited for. */
  maxDelayMs?: number;
  /** The whole turn's time limit, from its first attempt's start: no retry whose wait would end later (default 60000 ms). */
  maxElapsedMs?: number;
}

/** A retry setting: `true` for the default policy, options, or `false` (the default) to never retry. */
export type RetrySetting = RetryOptions | boolean;

/** What `onRetry` and the `turn.retrying` event tell about a retry. */
export interface RetryInfo {
  /** Model requests the turn made so far, codex's own retries included (1 after a first attempt codex did not retry). */
  attempt: number;
  /** Model requests allowed in all (`retry.maxAttempts`). */
  maxAttempts: number;
  /** How long codexkit waits before the next attempt. */
  delayMs: number;
  /** Why the attempt failed. */
  error: CodexError;
  /** The thread the turn runs in. */
  threadId: string;
}

/**
 * The app-server codexkit talks to. With `url`, a running app-server elsewhere (`token`,
 * `uploadDir`, `connectAttempts` apply); without it, the `codex app-server` codexkit spawns
 * itself, which lets idle threads go (`idleThreadMs`) and is replaced past `maxThreads` or
 * `maxRssMb` (codex keeps every thread a client uses, so a long-lived process grows).
 */
export interface AppServerOptions {
  /** `ws://host:port` (or `wss://`), or `unix:///path/to/socket`: connect instead of spawning. */
  url?: string;
  /** The capability token of an app-server started with `--ws-auth capability-token` (sent as a bearer token; always redacted). */
  token?: string;
  /**
   * Where staged files are uploaded on the agent's host, one directory per thread (default:
   * `codexkit-uploads` in the app-server's CODEX_HOME).
   */
  uploadDir?: string;
  /** Connection attempts before giving up (default 5), with backoff from 200 ms doubling to 5 s. */
  connectAttempts?: number;
  /**
   * Local process: threads it may have loaded at once (idle ones let go are not counted) before
   * it is recycled (default 256). A replacement is
   * warmed before the bound; new turns go there while running ones finish on the old process,
   * which then closes; a thread of the old process resumes on the new one, with its history.
   */
  maxThreads?: number;
  /** Local process: resident memory (MiB) past which it is recycled the same way (default: no limit; Linux and macOS). */
  maxRssMb?: number;
  /**
   * A thread with no turn for this long (ms) is unsubscribed so codex unloads it from memory; its
   * next turn resumes it from its rollout, with its history (default 300000, five minutes; 0 keeps
   * threads loaded). Ephemeral threads are never unloaded. On a remote app-server, codex unloads
   * it after the server's own `thread_unload_delay_secs`.
   */
  idleThreadMs?: number;
}

/** A running app-server to connect to (`appServer` with `url`). */
export type RemoteAppServerOptions = AppServerOptions & {
  /** `ws://host:port` (or `wss://`), or `unix:///path/to/socket`. */
  url: string;
};

/** Which of codex's machine interfaces runs turns. */
export type TransportKind = "exec" | "app-server";

/** Options of a `Codex` client. */
export type CodexOptions = {
  /** Path to a codex binary to use instead of the pinned `@openai/codex` one. */
  codexPathOverride?: string;
  /** Base URL of the OpenAI-compatible API (sets `openai_base_url`). */
  baseUrl?: string;
  /** API key for the model provider (passed to codex as `CODEX_API_KEY`; always redacted). */
  apiKey?: string;
  /** Nested config, flattened into `--config key=value` TOML overrides. */
  config?: CodexConfigObject;
  /** Raw `--config key=value` overrides, passed unchanged after `config`. */
  configOverrides?: string[];
  /**
   * Environment for codex. When given, `process.env` is NOT inherited. A variable whose value is
   * `undefined` is left out, as spawn does, so `process.env` itself (or a spread of it) fits.
   */
  env?: Record<string, string | undefined>;
  /** codexkit: transport for turns. */
  transport?: TransportKind;
  /** codexkit: an isolated CODEX_HOME for codex (created if missing). */
  codexHome?: string;
  /** codexkit: structured logger (pino-compatible); silent by default. */
  logger?: Logger;
  /** codexkit: extra literal values to redact from errors and logs, besides the API key and secret-looking env values. */
  secrets?: string[];
  /** codexkit: milliseconds between SIGTERM and SIGKILL when stopping codex (default 2000). */
  killGraceMs?: number;
  /** codexkit (app-server): how long `interrupt()` waits for codex before killing it (default 10000). */
  interruptTimeoutMs?: number;
  /** codexkit: tools every thread of this client offers the agent (also `codex.tools.register`). */
  tools?: Tool[];
  /** codexkit (app-server): decides codex's approval requests for every thread; none means decline. */
  onApproval?: ApprovalHandler;
  /** codexkit: how long `onApproval` may take before its fallback decision (default 60000; 0 = no limit). */
  approvalTimeoutMs?: number;
  /**
   * codexkit (app-server): bytes of a turn's unread events kept in memory while its consumer is
   * slower than codex (default 16 MiB); beyond it they wait in a private temp file, in order.
   */
  turnBufferBytes?: number;
  /** codexkit: the longest line codex may print (default 32 MiB); a longer one is a `ProtocolError`. */
  maxLineBytes?: number;
  /**
   * codexkit (app-server): retry a turn that fails with a retryable error before doing any work.
   * Off by default, as in the official SDK (codex retries transient failures itself); `true`: the
   * default policy `{ maxAttempts: 3, baseDelayMs: 200, maxDelayMs: 10000, maxElapsedMs: 60000 }`;
   * options: those over the defaults. codex's own retries count against `maxAttempts`. exec cannot
   * remove a failed turn from the thread's history, so it never retries.
   */
  retry?: RetrySetting;
  /** codexkit: called before each retry, after the `turn.retrying` event. */
  onRetry?: (info: RetryInfo) => void | Promise<void>;
  /** codexkit (app-server): answers MCP elicitations for every thread; none means decline. */
  onElicitation?: ElicitationHandler;
  /** codexkit: the staging store of `codex.files` (directory, default TTL, size limit, allowed roots). */
  files?: FilesOptions;
  /**
   * codexkit: the app-server. `{ url }` uses one that is already running (`codex app-server
   * --listen ws://…` or `unix://…`) instead of spawning one: same events and API, thread working
   * directories are paths on the agent's host, and attachments are uploaded there. Without `url`,
   * `maxThreads` / `maxRssMb` bound the process codexkit spawns.
   */
  appServer?: AppServerOptions;
  /**
   * codexkit: the OpenTelemetry tracer for codexkit's spans (an `@opentelemetry/api` `Tracer`).
   * Default: the global tracer provider's, so spans appear once an SDK is registered, and cost
   * nothing until then.
   */
  tracer?: OtelTracer;
  /** codexkit: the OpenTelemetry meter for codexkit's GenAI metrics; default: the global meter provider's. */
  meter?: OtelMeter;
  /**
   * codexkit: put prompts, answers, tool arguments and results, and command lines on spans
   * (redacted, bounded). Default false (the GenAI conventions' rule), or the environment's
   * `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true`.
   */
  captureContent?: boolean;
  /**
   * codexkit: sees every event of every turn, in stream order, just before your loop (or
   * `run()`) gets it; awaited, so the next event waits. A throw is logged (`hook.error`) and the
   * turn goes on.
   */
  onEvent?: EventHook;
  /**
   * codexkit: runs before each codexkit tool call, with the checked arguments; may return
   * `{ arguments }` to change them or `{ veto: reason }` to refuse the call. A throw fails the
   * call as a throwing tool does.
   */
  beforeToolCall?: BeforeToolCallHook;
  /**
   * codexkit: runs after each codexkit tool call (a failed one too); may return `{ result }` or
   * `{ error }` to change what the model gets. A throw fails the call as a throwing tool does.
   */
  afterToolCall?: AfterToolCallHook;
};

/** codex approval policy. */
export type ApprovalMode = "never" | "on-request" | "on-failure" | "untrusted";
/** codex sandbox mode for model-generated commands. */
export type SandboxMode = "read-only" | "workspace-write" | "danger-full-access";
/** Reasoning effort for models that support it. */
export type ModelReasoningEffort = "minimal" | "low" | "medium" | "high" | "xhigh" | "max" | "ultra" | "persistent";
/** Web search mode. */
export type WebSearchMode = "disabled" | "cached" | "live";
/** Experimental Cyber access program selection (OpenAI provider only). */
export type CyberAccessProgram = "standard" | "daybreak_blue" | "daybreak_red";

/** Options of a thread; they apply to each of its turns. */
export type ThreadOptions = {
  /** The model to use (default: codex's configured model). */
  model?: string;
  /** Source classification applied when this thread is first created. */
  threadSource?: string;
  /** The sandbox for model-generated commands (default: `sandbox_mode` from the client's config, else `read-only`). */
  sandboxMode?: SandboxMode;
  /** The directory the agent works in (default: `process.cwd()`). */
  workingDirectory?: string;
  /** Run even when the working directory is not inside a git repository. */
  skipGitRepoCheck?: boolean;
  /** Reasoning effort for models that support it. */
  modelReasoningEffort?: ModelReasoningEffort;
  /** Whether commands may use the network in the `workspace-write` sandbox. */
  networkAccessEnabled?: boolean;
  /** Web search mode; wins over `webSearchEnabled`. */
  webSearchMode?: WebSearchMode;
  /** `true` for `live` web search, `false` for `disabled`. */
  webSearchEnabled?: boolean;
  /** When codex asks for approval (default `never`). */
  approvalPolicy?: ApprovalMode;
  /** More directories the agent may write to (relative ones from the working directory). */
  additionalDirectories?: string[];
  /** codexkit: do not persist the session to disk. */
  ephemeral?: boolean;
  /** codexkit: replaces codex's base instructions. */
  baseInstructions?: string;
  /** codexkit: extra developer instructions for the model. */
  developerInstructions?: string;
  /** codexkit: tools for this thread, on top of the client's (a same-named thread tool wins). */
  tools?: Tool[];
  /** codexkit (app-server): decides this thread's approval requests, instead of the client's. */
  onApproval?: ApprovalHandler;
  /**
   * codexkit: MCP servers codex runs for this thread (its own MCP client), by name. The model sees
   * their tools in the `mcp__<name>` namespace; calls are `mcp_tool_call` items.
   */
  mcpServers?: Record<string, CodexMcpServer>;
  /** codexkit (app-server): answers MCP elicitations of this thread's servers, instead of the client's; none means decline. */
  onElicitation?: ElicitationHandler;
};

/** An MCP server codex runs for a thread: a stdio command or an HTTP url, and how codex treats it. */
export type CodexMcpServer = McpServerConfig & {
  /**
   * "approve" (default): codex runs the server's tools without asking (the only way on exec, which
   * cannot ask). "ask" (app-server): each call is an approval request of kind `mcp_tool` for
   * `onApproval` (codex asks only when the thread's `approvalPolicy` is not "never").
   */
  toolApproval?: "approve" | "ask";
  /** Only these tools are offered to the model. */
  enabledTools?: string[];
  /** These tools are not offered. */
  disabledTools?: string[];
  /** How long codex waits for the server to start. */
  startupTimeoutMs?: number;
  /** codex's limit for one call. */
  toolTimeoutMs?: number;
  /** HTTP: the name of an environment variable (in codex's environment) holding a bearer token. */
  bearerTokenEnvVar?: string;
};

/**
 * A JSON Schema object, or any Standard Schema: zod 3.24+, zod 4, valibot, arktype, ... (then
 * `structuredOutput` is typed and validated). Anything with `~standard.validate` is such a schema.
 */
export type OutputSchema = Record<string, unknown> | StandardSchemaV1;

/** Options of one turn. */
export type TurnOptions<S extends OutputSchema | undefined = OutputSchema | undefined> = {
  /** JSON Schema or Standard Schema (zod, valibot, arktype, ...) the final answer must match. */
  outputSchema?: S;
  /** Aborts the turn: codex is stopped and the turn rejects with `AbortError`. */
  signal?: AbortSignal;
  /** Experimental Cyber selection for this turn with the built-in OpenAI provider. */
  cyberAccessProgram?: CyberAccessProgram;
  /** codexkit: this turn's retry setting, over the client's `retry` (`true` turns it on with the client's options, else the defaults). */
  retry?: RetrySetting;
};

/** One piece of user input. */
export type UserInput =
  | {
      /** Text for the prompt. */
      type: "text";
      /** The text; several text parts are joined by blank lines. */
      text: string;
    }
  | {
      /** A local image. */
      type: "local_image";
      /** The image's path (relative ones from `process.cwd()`). */
      path: string;
    }
  | {
      /** A remote image (app-server only). */
      type: "image";
      /** The image's URL. */
      url: string;
    }
  | {
      /** A file the prompt mentions (`@path`). */
      type: "file";
      /** The file's path (relative ones from the thread's working directory). */
      path: string;
    }
  /** codexkit: a staged file (`codex.files.stage`): an image goes as an image, any other file as a mention. */
  | AttachmentInput;

/** What a turn is given: a prompt, or a list of inputs. */
export type Input = string | UserInput[];
