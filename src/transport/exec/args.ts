/**
 * argv and environment for one `codex exec --json` run. The order and spelling follow
 * `@openai/codex-sdk` exactly (the parity tests compare them), with codexkit's additions after.
 */
import path from "node:path";
import { flattenConfig, toTomlValue } from "../../config/index.js";
import { UnsupportedFeatureError } from "../../errors/index.js";
import { promptWithMentions } from "../../input.js";
import type { CodexOptions } from "../../options.js";
import type { TurnRequest } from "../types.js";

/** The originator codex reports for codexkit sessions. */
export const ORIGINATOR = "codexkit";
const ORIGINATOR_ENV = "CODEX_INTERNAL_ORIGINATOR_OVERRIDE";

/**
 * Builds `codex exec` arguments. `schemaPath` is the written output schema, if any; `extraConfig`
 * are more `--config` values (the tool server's), placed after everything the official SDK emits.
 */
export function buildExecArgs(options: CodexOptions, request: TurnRequest, schemaPath?: string, extraConfig: readonly string[] = []): string[] {
  const t = request.thread;
  const args = ["exec", "--experimental-json"];
  if (options.config) for (const kv of flattenConfig(options.config)) args.push("--config", kv);
  for (const kv of options.configOverrides ?? []) args.push("--config", kv);
  if (options.baseUrl) args.push("--config", `openai_base_url=${toTomlValue(options.baseUrl, "openai_base_url")}`);
  if (t.model) args.push("--model", t.model);
  if (t.threadSource !== undefined && !request.threadId) args.push("--thread-source", t.threadSource);
  if (t.sandboxMode) args.push("--sandbox", t.sandboxMode);
  if (t.workingDirectory) args.push("--cd", t.workingDirectory);
  for (const dir of t.additionalDirectories ?? []) args.push("--add-dir", dir);
  if (t.skipGitRepoCheck) args.push("--skip-git-repo-check");
  if (schemaPath) args.push("--output-schema", schemaPath);
  if (request.cyberAccessProgram !== undefined) args.push("--cyber-access-program", request.cyberAccessProgram);
  if (t.modelReasoningEffort) args.push("--config", `model_reasoning_effort="${t.modelReasoningEffort}"`);
  if (t.networkAccessEnabled !== undefined) {
    args.push("--config", `sandbox_workspace_write.network_access=${t.networkAccessEnabled}`);
  }
  if (t.webSearchMode) args.push("--config", `web_search="${t.webSearchMode}"`);
  else if (t.webSearchEnabled === true) args.push("--config", `web_search="live"`);
  else if (t.webSearchEnabled === false) args.push("--config", `web_search="disabled"`);
  if (t.approvalPolicy) args.push("--config", `approval_policy="${t.approvalPolicy}"`);
  // codexkit additions, after everything the official SDK emits.
  if (t.baseInstructions !== undefined) args.push("--config", `base_instructions=${toTomlValue(t.baseInstructions, "baseInstructions")}`);
  if (t.developerInstructions !== undefined) {
    args.push("--config", `developer_instructions=${toTomlValue(t.developerInstructions, "developerInstructions")}`);
  }
  for (const kv of extraConfig) args.push("--config", kv);
  if (t.ephemeral) args.push("--ephemeral");
  if (request.threadId) args.push("resume", request.threadId);
  if (request.input.imageUrls.length > 0) {
    throw new UnsupportedFeatureError(
      "the exec transport cannot send remote images (codex exec takes image files); download it and pass {type: \"local_image\"}, or use the app-server transport",
      "image_url",
    );
  }
  // Images go after `resume <id>`: codex exec only reads them there when resuming.
  for (const image of request.input.images) args.push("--image", image);
  return args;
}

/** The prompt codex reads on stdin: the text parts, then a mention line per attached file. */
export function buildExecPrompt(request: TurnRequest): string {
  return promptWithMentions(request.input);
}

/** The environment for codex: the given `env` (or ours), plus originator, API key, home and PATH. */
export function buildExecEnv(options: CodexOptions, pathDirs: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  if (options.env) Object.assign(env, options.env);
  else for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  if (!env[ORIGINATOR_ENV]) env[ORIGINATOR_ENV] = ORIGINATOR;
  if (options.apiKey) env.CODEX_API_KEY = options.apiKey;
  if (options.codexHome) env.CODEX_HOME = path.resolve(options.codexHome);
  if (pathDirs.length > 0) prependPath(env, pathDirs);
  return env;
}

function prependPath(env: Record<string, string>, dirs: string[]): void {
  const key = process.platform === "win32" ? (Object.keys(env).find((k) => k.toLowerCase() === "path") ?? "PATH") : "PATH";
  const rest = (env[key] ?? "").split(path.delimiter).filter((entry) => entry.length > 0 && !dirs.includes(entry));
  env[key] = [...dirs, ...rest].join(path.delimiter);
}
