/**
 * argv for `codex app-server` and the params of the JSON-RPC calls codexkit makes. Process-wide
 * settings (config, configOverrides, baseUrl) go on the command line exactly as exec takes them;
 * thread options go into `thread/start` / `thread/resume`, so one process serves threads with
 * different options.
 */
import path from "node:path";
import {
  appServerMcpServers,
  flattenConfig,
  isHostAbsolute,
  threadAdditionalDirectories,
  threadConfigEntries,
  threadCwd,
  threadPermissions,
  toTomlValue,
} from "../../config/index.js";
import { UnsupportedFeatureError } from "../../errors/index.js";
import { promptWithMentions, type NormalizedInput } from "../../input.js";
import type { CodexOptions, CyberAccessProgram, ThreadOptions } from "../../options/index.js";
import type { ToolSpec } from "../../tools/index.js";
import type { TurnRequest } from "../types.js";
import type {
  ClientRequest,
  InitializeParams,
  JsonValue,
  ThreadForkParams,
  ThreadResumeParams,
  ThreadStartParams,
  TurnStartParams,
  UserInput,
} from "./protocol/index.js";

/** Arguments that start one app-server for a client. */
export function buildAppServerArgs(options: CodexOptions): string[] {
  // A thread no client is subscribed to is unloaded at once (codexkit unsubscribes idle threads);
  // your own config may set another delay.
  const args = ["app-server", "--config", "thread_unload_delay_secs=0"];
  if (options.config) for (const kv of flattenConfig(options.config)) args.push("--config", kv);
  for (const kv of options.configOverrides ?? []) args.push("--config", kv);
  if (options.baseUrl) args.push("--config", `openai_base_url=${toTomlValue(options.baseUrl, "openai_base_url")}`);
  return args;
}

/** Every method codexkit may call on app-server, as the generated protocol names them. */
export type ClientMethod = ClientRequest["method"];

/** The params the generated protocol types give `method`. */
export type ProtocolParams<M extends ClientMethod> = Extract<ClientRequest, { method: M }>["params"];

/** A JSON object, as the generated types spell it (`config`, JSON Schemas). */
type JsonObject = { [key in string]?: JsonValue };

/**
 * The capabilities codexkit declares. generate-ts marks `requestAttestation` required, but codex
 * reads a missing one as false (serde default), and codexkit has never asked for attestation: the
 * field stays out, and the rest is the generated type.
 */
type SentCapabilities = Omit<NonNullable<InitializeParams["capabilities"]>, "requestAttestation"> &
  Partial<Pick<NonNullable<InitializeParams["capabilities"]>, "requestAttestation">>;

/**
 * Where what codexkit sends differs from the generated types, method by method: each widening
 * says why. Every other method takes exactly `ProtocolParams`.
 */
interface Widened {
  initialize: Omit<InitializeParams, "capabilities"> & { capabilities: SentCapabilities };
  /** The payload is a record the files layer builds of JSON values (`JsonValue` to codex); its name and the other fields stay checked. */
  "thread/attachment/add": Omit<ProtocolParams<"thread/attachment/add">, "payload"> & { payload: Record<string, unknown> };
}

/** The params codexkit sends with `method`: the generated type, or its commented widening. */
export type OutgoingParams<M extends ClientMethod> = M extends keyof Widened ? Widened[M] : ProtocolParams<M>;

/** The `initialize` request codexkit sends first. */
export function initializeParams(version: string): OutgoingParams<"initialize"> {
  return {
    clientInfo: { name: "codexkit", title: "codexkit", version },
    capabilities: { experimentalApi: true },
  };
}

/** The settings `thread/start`, `thread/resume` and `thread/fork` share. */
export type ThreadSettings = Pick<ThreadStartParams & ThreadResumeParams & ThreadForkParams, "cwd" | "sandbox" | "approvalPolicy" | "model" | "baseInstructions" | "developerInstructions" | "config">;

/**
 * A record codexkit built (a JSON Schema, config values) as the JSON the wire carries: its values
 * come from JSON or TOML-checked options, so they serialize as they are; only the compiler's view
 * of them changes.
 */
function asJson(value: Record<string, unknown>): JsonObject {
  return value as JsonObject;
}

/**
 * Settings shared by `thread/start`, `thread/resume` and `thread/fork`. On a remote app-server the
 * paths are the host's, normalized by its rules (`platformFamily` from `initialize`, when given).
 */
export function threadSettings(thread: ThreadOptions, options: CodexOptions = {}, platformFamily?: string | null): ThreadSettings {
  const cwd = threadCwd(thread, options, platformFamily);
  const { sandbox, approvalPolicy } = threadPermissions(thread, options);
  const params: ThreadSettings = { cwd, sandbox };
  const config: Record<string, unknown> = { ...Object.fromEntries(threadConfigEntries(thread)), ...appServerMcpServers(thread.mcpServers) };
  // The v2 protocol dropped the official SDK's "on-failure" (codex 0.169 refuses it as a param);
  // as config, as exec sends it, codex still takes it and decides what it means.
  if (approvalPolicy === "on-failure") config.approval_policy = approvalPolicy;
  else params.approvalPolicy = approvalPolicy;
  if (thread.model) params.model = thread.model;
  if (thread.baseInstructions !== undefined) params.baseInstructions = thread.baseInstructions;
  if (thread.developerInstructions !== undefined) params.developerInstructions = thread.developerInstructions;
  const roots = threadAdditionalDirectories(thread, cwd, options, platformFamily);
  if (roots.length > 0) config["sandbox_workspace_write.writable_roots"] = roots;
  if (Object.keys(config).length > 0) params.config = asJson(config);
  return params;
}

/** One app-server dynamic tool, as the generated types describe it. */
export type DynamicTool = NonNullable<ThreadStartParams["dynamicTools"]>[number];

/** codexkit tools as app-server `dynamicTools`. */
export function dynamicTools(specs: readonly ToolSpec[] = []): DynamicTool[] {
  return specs.map((spec) => ({ type: "function", name: spec.name, description: spec.description, inputSchema: asJson(spec.inputSchema) }));
}

/** `thread/start` params for a new thread. */
export function threadStartParams(thread: ThreadOptions, options: CodexOptions, tools: readonly ToolSpec[] = [], platformFamily?: string | null): ThreadStartParams {
  const params: ThreadStartParams = threadSettings(thread, options, platformFamily);
  if (tools.length > 0) params.dynamicTools = dynamicTools(tools);
  if (thread.ephemeral) params.ephemeral = true;
  if (thread.threadSource !== undefined) params.threadSource = thread.threadSource;
  return params;
}

/** `thread/resume` params for a thread this process has not loaded yet. */
export function threadResumeParams(threadId: string, thread: ThreadOptions, options: CodexOptions, platformFamily?: string | null): ThreadResumeParams {
  return { threadId, ...threadSettings(thread, options, platformFamily), excludeTurns: true };
}

/** `thread/fork` params. */
export function threadForkParams(threadId: string, thread: ThreadOptions, options: CodexOptions, platformFamily?: string | null): ThreadForkParams {
  const params: ThreadForkParams = { threadId, ...threadSettings(thread, options, platformFamily), excludeTurns: true };
  if (thread.ephemeral) params.ephemeral = true;
  return params;
}

/**
 * v2 `UserInput` items for a turn: the prompt with a mention line per file (exactly the text exec
 * sends; app-server's own `mention` items only address connectors and plugins), then images.
 * codex 0.169 takes inline `data:` image URLs only; a remote URL is refused here, clearly.
 * Relative image paths are taken from `process.cwd()`, as codex exec reads `--image` (it does not
 * change into the working directory); an absolute one, of either platform's form, is left as it
 * is: on a remote app-server it is the host's copy, which this machine's rules would rewrite.
 */
export function toUserInput(input: NormalizedInput): UserInput[] {
  const items: UserInput[] = [];
  const text = promptWithMentions(input);
  if (text.length > 0) items.push({ type: "text", text, text_elements: [] });
  for (const image of input.images) items.push({ type: "localImage", path: isHostAbsolute(image) ? image : path.resolve(image) });
  for (const url of input.imageUrls) {
    if (!url.startsWith("data:")) {
      throw new UnsupportedFeatureError(
        "codex does not fetch remote image URLs; download the image and pass {type: \"local_image\"}, or pass a data: URL",
        "image_url",
      );
    }
    items.push({ type: "image", url });
  }
  return items;
}

/** `turn/start` params; `steers` are inputs given to `steer()` before the turn was sent, appended in order. */
export function turnStartParams(threadId: string, request: TurnRequest, steers: readonly NormalizedInput[] = []): TurnStartParams {
  const input = [request.input, ...steers].flatMap(toUserInput);
  const params: TurnStartParams = { threadId, input };
  if (request.outputSchema) params.outputSchema = asJson(request.outputSchema);
  if (request.cyberAccessProgram !== undefined) params.cyberAccessProgram = CYBER_ACCESS_ON_WIRE[request.cyberAccessProgram];
  return params;
}

/**
 * The official SDK's `cyberAccessProgram` values are exec's command-line spelling; app-server's
 * JSON takes camelCase and refuses the other ("unknown variant `daybreak_blue`").
 */
const CYBER_ACCESS_ON_WIRE: Readonly<Record<CyberAccessProgram, NonNullable<TurnStartParams["cyberAccessProgram"]>>> = {
  standard: "standard",
  daybreak_blue: "daybreakBlue",
  daybreak_red: "daybreakRed",
};
