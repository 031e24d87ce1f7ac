/**
 * argv and prompt for one `codex exec --json` run. The order and spelling follow
 * `@openai/codex-sdk` exactly (the parity tests compare them), with codexkit's additions after.
 */
import { flattenConfig, threadConfigEntries, toTomlValue } from "../../config/index.js";
import { UnsupportedFeatureError } from "../../errors/index.js";
import { promptWithMentions } from "../../input.js";
import type { CodexOptions } from "../../options/index.js";
import type { TurnRequest } from "../types.js";

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
  for (const [key, value] of threadConfigEntries(t)) args.push("--config", `${key}=${toTomlValue(value, key)}`);
  if (t.approvalPolicy) args.push("--config", `approval_policy=${toTomlValue(t.approvalPolicy, "approval_policy")}`);
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
