/**
 * argv for `codex app-server` and the params of the JSON-RPC calls codexkit makes. Process-wide
 * settings (config, configOverrides, baseUrl) go on the command line exactly as exec takes them;
 * thread options go into `thread/start` / `thread/resume`, so one process serves threads with
 * different options.
 */
import path from "node:path";
import { flattenConfig, toTomlValue } from "../../config/index.js";
import { UnsupportedFeatureError } from "../../errors/index.js";
import { promptWithMentions, type NormalizedInput } from "../../input.js";
import type { ApprovalMode, CodexOptions, SandboxMode, ThreadOptions } from "../../options.js";
import type { ToolSpec } from "../../tools/types.js";
import type { TurnRequest } from "../types.js";

/** Arguments that start one app-server for a client. */
export function buildAppServerArgs(options: CodexOptions): string[] {
  const args = ["app-server"];
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

/** The official SDK's defaults: what `codex exec` gives a thread that sets neither. */
const DEFAULT_SANDBOX: SandboxMode = "read-only";
const DEFAULT_APPROVAL_POLICY: ApprovalMode = "never";

/** The thread's working directory, absolute (a relative one is taken from `process.cwd()`, as exec's `--cd`). */
export function threadCwd(thread: ThreadOptions): string {
  return path.resolve(thread.workingDirectory ?? process.cwd());
}

/**
 * The sandbox and approval policy a thread runs with. app-server's own defaults are interactive
 * (approval on request, and a sandbox that follows any trust codex recorded for the directory),
 * so codexkit always sends both, as codex exec 0.169.0 decides them: the sandbox is the thread's,
 * else the client's `config` / `configOverrides` `sandbox_mode`, else `read-only`; the approval
 * policy is the thread's, else `never` (exec answers `never` whatever `approval_policy` says).
 */
export function threadPermissions(thread: ThreadOptions, options: CodexOptions): { sandbox: string; approvalPolicy: string } {
  return {
    sandbox: thread.sandboxMode ?? configuredString(options, "sandbox_mode") ?? DEFAULT_SANDBOX,
    approvalPolicy: thread.approvalPolicy ?? DEFAULT_APPROVAL_POLICY,
  };
}

/** A top-level string setting from the client's `configOverrides` (last wins) or `config`. */
function configuredString(options: CodexOptions, key: string): string | undefined {
  for (const override of [...(options.configOverrides ?? [])].reverse()) {
    const at = override.indexOf("=");
    if (at === -1 || override.slice(0, at).trim() !== key) continue;
    const raw = override.slice(at + 1).trim();
    const quoted = /^"((?:[^"\\]|\\.)*)"$/.exec(raw) ?? /^'([^']*)'$/.exec(raw);
    return quoted ? quoted[1] : raw;
  }
  const value = options.config?.[key];
  return typeof value === "string" ? value : undefined;
}

/** Settings shared by `thread/start`, `thread/resume` and `thread/fork`. */
export function threadSettings(thread: ThreadOptions, options: CodexOptions = {}): Record<string, unknown> {
  const params: Record<string, unknown> = { cwd: threadCwd(thread), ...threadPermissions(thread, options) };
  if (thread.model) params.model = thread.model;
  if (thread.baseInstructions !== undefined) params.baseInstructions = thread.baseInstructions;
  if (thread.developerInstructions !== undefined) params.developerInstructions = thread.developerInstructions;
  const config = threadConfig(thread, params.cwd as string);
  if (Object.keys(config).length > 0) params.config = config;
  return params;
}

/**
 * Thread options that app-server takes as config overrides (dotted keys, like `--config`).
 * Relative additional directories are taken from the working directory, as exec's `--add-dir`.
 */
function threadConfig(thread: ThreadOptions, cwd: string): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  if (thread.modelReasoningEffort) config.model_reasoning_effort = thread.modelReasoningEffort;
  if (thread.networkAccessEnabled !== undefined) config["sandbox_workspace_write.network_access"] = thread.networkAccessEnabled;
  if (thread.webSearchMode) config.web_search = thread.webSearchMode;
  else if (thread.webSearchEnabled === true) config.web_search = "live";
  else if (thread.webSearchEnabled === false) config.web_search = "disabled";
  if (thread.additionalDirectories && thread.additionalDirectories.length > 0) {
    config["sandbox_workspace_write.writable_roots"] = thread.additionalDirectories.map((dir) => path.resolve(cwd, dir));
  }
  return config;
}

/** codexkit tools as app-server `dynamicTools`. */
export function dynamicTools(specs: readonly ToolSpec[] = []): Record<string, unknown>[] {
  return specs.map((spec) => ({ type: "function", name: spec.name, description: spec.description, inputSchema: spec.inputSchema }));
}

/** `thread/start` params for a new thread. */
export function threadStartParams(thread: ThreadOptions, options: CodexOptions, tools: readonly ToolSpec[] = []): Record<string, unknown> {
  const params = threadSettings(thread, options);
  if (tools.length > 0) params.dynamicTools = dynamicTools(tools);
  if (thread.ephemeral) params.ephemeral = true;
  if (thread.threadSource !== undefined) params.threadSource = thread.threadSource;
  return params;
}

/** `thread/resume` params for a thread this process has not loaded yet. */
export function threadResumeParams(threadId: string, thread: ThreadOptions, options: CodexOptions): Record<string, unknown> {
  return { threadId, ...threadSettings(thread, options), excludeTurns: true };
}

/** `thread/fork` params. */
export function threadForkParams(threadId: string, thread: ThreadOptions, options: CodexOptions): Record<string, unknown> {
  const params: Record<string, unknown> = { threadId, ...threadSettings(thread, options), excludeTurns: true };
  if (thread.ephemeral) params.ephemeral = true;
  return params;
}

/**
 * v2 `UserInput` items for a turn: the prompt with a mention line per file (exactly the text exec
 * sends; app-server's own `mention` items only address connectors and plugins), then images.
 * codex 0.169 takes inline `data:` image URLs only; a remote URL is refused here, clearly.
 * Relative image paths are taken from `process.cwd()`, as codex exec reads `--image` (it does not
 * change into the working directory).
 */
export function toUserInput(input: NormalizedInput): Record<string, unknown>[] {
  const items: Record<string, unknown>[] = [];
  const text = promptWithMentions(input);
  if (text.length > 0) items.push({ type: "text", text, text_elements: [] });
  for (const image of input.images) items.push({ type: "localImage", path: path.resolve(image) });
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
