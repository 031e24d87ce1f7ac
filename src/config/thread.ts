/**
 * Thread options → codex settings, once for both transports. The values were checked by the
 * thread options' schema (src/options/), so an enum value here is one codexkit knows.
 */
import path from "node:path";
import { hostAbsolutePath } from "./host-path.js";
import type { ApprovalMode, CodexOptions, SandboxMode, ThreadOptions } from "../options/index.js";

/** The official SDK's defaults: what `codex exec` gives a thread that sets neither. */
const DEFAULT_SANDBOX: SandboxMode = "read-only";
const DEFAULT_APPROVAL_POLICY: ApprovalMode = "never";

/** A value codex config takes for a thread setting. */
export type ThreadConfigValue = string | boolean | string[];

/** What a remote thread's working directory must be; a missing or relative one is refused with this. */
export const REMOTE_WORKING_DIRECTORY = "a thread on a remote app-server (appServer) needs workingDirectory: an absolute path on the agent's host";

/**
 * The thread's working directory, absolute. Here, a relative one is taken from `process.cwd()`, as
 * exec's `--cd`. On a remote app-server (`options.appServer.url`) it is the host's path, by the host's
 * rules (`platformFamily` from `initialize`, when known; see host-path.ts), and must be absolute.
 */
export function threadCwd(thread: ThreadOptions, options?: CodexOptions, platformFamily?: string | null): string {
  if (options?.appServer?.url !== undefined) return hostAbsolutePath(thread.workingDirectory, REMOTE_WORKING_DIRECTORY, platformFamily);
  return path.resolve(thread.workingDirectory ?? process.cwd());
}

/**
 * The thread's additional writable directories, absolute. Here, a relative one is taken from the
 * working directory `cwd`, as exec's `--add-dir`; on a remote app-server each must be absolute on
 * the host, and is normalized by the host's rules only.
 */
export function threadAdditionalDirectories(thread: ThreadOptions, cwd: string, options?: CodexOptions, platformFamily?: string | null): string[] {
  const dirs = thread.additionalDirectories ?? [];
  if (options?.appServer?.url !== undefined) {
    return dirs.map((dir) => hostAbsolutePath(dir, "additionalDirectories on a remote app-server (appServer) must be absolute paths on the agent's host", platformFamily));
  }
  return dirs.map((dir) => path.resolve(cwd, dir));
}

/**
 * Throws `InvalidOptionsError` for a remote thread's path that is not absolute on the agent's host
 * (checked at `startThread`, so a bad path never waits for a turn).
 */
export function checkRemoteThreadPaths(thread: ThreadOptions, options: CodexOptions): void {
  if (options.appServer?.url === undefined) return;
  threadAdditionalDirectories(thread, threadCwd(thread, options), options);
}

/**
 * Thread options codex takes as config settings, in the order `@openai/codex-sdk` passes them to
 * exec (`--config key=value`); app-server takes the same keys in `config`.
 */
export function threadConfigEntries(thread: ThreadOptions): Array<[string, ThreadConfigValue]> {
  const entries: Array<[string, ThreadConfigValue]> = [];
  if (thread.modelReasoningEffort) entries.push(["model_reasoning_effort", thread.modelReasoningEffort]);
  if (thread.networkAccessEnabled !== undefined) entries.push(["sandbox_workspace_write.network_access", thread.networkAccessEnabled]);
  if (thread.webSearchMode) entries.push(["web_search", thread.webSearchMode]);
  else if (thread.webSearchEnabled === true) entries.push(["web_search", "live"]);
  else if (thread.webSearchEnabled === false) entries.push(["web_search", "disabled"]);
  return entries;
}

/**
 * The sandbox and approval policy a thread runs with, as codex exec 0.169.0 decides them: the
 * sandbox is the thread's, else the client's `config` / `configOverrides` `sandbox_mode`, else
 * `read-only`; the approval policy is the thread's, else `never` (exec answers `never` whatever
 * `approval_policy` says). app-server's own defaults are interactive, so they are always sent.
 */
export function threadPermissions(thread: ThreadOptions, options: CodexOptions): { sandbox: SandboxMode; approvalPolicy: ApprovalMode } {
  return {
    sandbox: thread.sandboxMode || (configuredString(options, "sandbox_mode") as SandboxMode | undefined) || DEFAULT_SANDBOX,
    approvalPolicy: thread.approvalPolicy || DEFAULT_APPROVAL_POLICY,
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
