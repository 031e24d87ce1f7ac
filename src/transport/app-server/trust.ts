/**
 * Keeps codex app-server from writing `[projects."<dir>"] trust_level = "trusted"` into the user's
 * `config.toml`. On `thread/start` with a cwd, codex 0.169.0 records the directory (its main git
 * repository, else the directory) as trusted whenever the thread's sandbox can write there
 * (workspace-write, danger-full-access) and no trust decision exists for it yet. From then on
 * every thread in that directory, from any client, defaults to workspace-write. `codex exec` and
 * the official SDK never do this.
 *
 * The decision codex checks is read from the thread's config, which `thread/start` can override
 * for that thread only: giving the directory an in-memory `untrusted` decision (the user's own
 * `projects` table kept as it is) stops the write. `untrusted` and "no decision" differ only in
 * the defaults codex picks, and codexkit always sends the sandbox and approval policy itself. A
 * decision the user made stays theirs: then nothing is overridden (and codex writes nothing).
 */
import path from "node:path";
import { isJsonObject as isObject } from "../../json.js";
import { findGitRoot, realpathOr, trustRoot } from "../../workspace/index.js";

/** Sandbox modes with which `thread/start` records the directory as trusted. */
const TRUSTING_SANDBOXES: ReadonlySet<string> = new Set(["workspace-write", "danger-full-access"]);

/** True when a thread started with `sandbox` would make codex persist trust. */
export function persistsTrust(sandbox: string): boolean {
  return TRUSTING_SANDBOXES.has(sandbox);
}

/**
 * The `projects` override for a thread in `cwd`, given the user's effective `projects` table (as
 * `config/read` reports it): the table plus `untrusted` for the directory and its trust root, or
 * null when the user already decided about either. On a remote app-server (`remote`) `cwd` is the
 * host's path: it is taken as it is, never resolved or looked up on this machine.
 */
export function trustGuardProjects(projects: unknown, cwd: string, remote = false): Record<string, unknown> | null {
  const table = isObject(projects) ? projects : {};
  const root = remote ? cwd : trustRoot(cwd);
  const candidates = remote ? new Set([cwd]) : new Set([path.resolve(cwd), realpathOr(cwd), root, findGitRoot(cwd) ?? root]);
  const keyOf = (key: string): string => (remote ? key : path.resolve(key));
  for (const [key, entry] of Object.entries(table)) {
    if (candidates.has(keyOf(key)) && isObject(entry) && entry.trust_level !== undefined && entry.trust_level !== null) return null;
  }
  const untrusted = { trust_level: "untrusted" };
  const guarded: Record<string, unknown> = { ...table };
  for (const dir of candidates) guarded[dir] = untrusted;
  return guarded;
}
