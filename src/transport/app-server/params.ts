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
import type { CodexOptions, ThreadOptions } from "../../options/index.js";
import type { ToolSpec } from "../../tools/index.js";
import type { TurnRequest } from "../types.js";

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

/** The `initialize` request codexkit sends first. */
export function initializeParams(version: string): Record<string, unknown> {
  return {
    clientInfo: { name: "codexkit", title: "codexkit", version },
    capabilities: { experimentalApi: true },
  };
}

/**
 * Settings shared by `thread/start`, `thread/resume` and `thread/fork`. On a remote app-server the
 * paths are the host's, normalized by its rules (`platformFamily` from `initialize`, when given).
 */
export function threadSettings(thread: ThreadOptions, options: CodexOptions = {}, platformFamily?: string | null): Record<string, unknown> {
  const cwd = threadCwd(thread, options, platformFamily);
  const params: Record<string, unknown> = { cwd, ...threadPermissions(thread, options) };
  if (thread.model) params.model = thread.model;
  if (thread.baseInstructions !== undefined) params.baseInstructions = thread.baseInstructions;
  if (thread.developerInstructions !== undefined) params.developerInstructions = thread.developerInstructions;
  const config: Record<string, unknown> = { ...Object.fromEntries(threadConfigEntries(thread)), ...appServerMcpServers(thread.mcpServers) };
  const roots = threadAdditionalDirectories(thread, cwd, options, platformFamily);
  if (roots.length > 0) config["sandbox_workspace_write.writable_roots"] = roots;
  if (Object.keys(config).length > 0) params.config = config;
  return params;
}

/** codexkit tools as app-server `dynamicTools`. */
export function dynamicTools(specs: readonly ToolSpec[] = []): Record<string, unknown>[] {
  return specs.map((spec) => ({ type: "function", name: spec.name, description: spec.description, inputSchema: spec.inputSchema }));
}

/** `thread/start` params for a new thread. */
export function threadStartParams(thread: ThreadOptions, options: CodexOptions, tools: readonly ToolSpec[] = [], platformFamily?: string | null): Record<string, unknown> {
  const params = threadSettings(thread, options, platformFamily);
  if (tools.length > 0) params.dynamicTools = dynamicTools(tools);
  if (thread.ephemeral) params.ephemeral = true;
  if (thread.threadSource !== undefined) params.threadSource = thread.threadSource;
  return params;
}

/** `thread/resume` params for a thread this process has not loaded yet. */
export function threadResumeParams(threadId: string, thread: ThreadOptions, options: CodexOptions, platformFamily?: string | null): Record<string, unknown> {
  return { threadId, ...threadSettings(thread, options, platformFamily), excludeTurns: true };
}

/** `thread/fork` params. */
export function threadForkParams(threadId: string, thread: ThreadOptions, options: CodexOptions, platformFamily?: string | null): Record<string, unknown> {
  const params: Record<string, unknown> = { threadId, ...threadSettings(thread, options, platformFamily), excludeTurns: true };
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
export function toUserInput(input: NormalizedInput): Record<string, unknown>[] {
  const items: Record<string, unknown>[] = [];
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
export function turnStartParams(threadId: string, request: TurnRequest, steers: readonly NormalizedInput[] = []): Record<string, unknown> {
  const input = [request.input, ...steers].flatMap(toUserInput);
  const params: Record<string, unknown> = { threadId, input };
  if (request.outputSchema) params.outputSchema = request.outputSchema;
  if (request.cyberAccessProgram !== undefined) params.cyberAccessProgram = request.cyberAccessProgram;
  return params;
}
