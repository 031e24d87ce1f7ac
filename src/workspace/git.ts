/**
 * Where a directory's git repository is, read from the file system the way codex 0.169.0 reads
 * it: the nearest directory, itself or an ancestor, holding a `.git` file (a worktree or
 * submodule) or a `.git` directory with a `HEAD` (an empty `.git` directory does not count). No
 * `git` process is run.
 */
import { existsSync, readFileSync, realpathSync, statSync } from "node:fs";
import path from "node:path";
import { UntrustedDirectoryError } from "../errors/index.js";
import type { HostFileSystem } from "../files/index.js";

/** codex's own sentence when it refuses a directory outside a git repository. */
export const UNTRUSTED_DIRECTORY_MESSAGE = "Not inside a trusted directory and --skip-git-repo-check was not specified.";

/** The hint codexkit adds after codex's sentence. */
const HINT = "Run inside a git repository, or pass { skipGitRepoCheck: true } in the thread options.";

/** The directory holding `.git` for `dir` (itself or its nearest ancestor), or null. */
export function findGitRoot(dir: string): string | null {
  let current = path.resolve(dir);
  for (;;) {
    if (isRepository(current)) return current;
    const parent = path.dirname(current);
    if (parent === current) return null;
    current = parent;
  }
}

/**
 * The directory codex records trust for: the main repository of `dir` (a worktree's `.git` file
 * points into `<main>/.git/worktrees/<name>`), else `dir` itself. Symlinks resolved.
 */
export function trustRoot(dir: string): string {
  const real = realpathOr(dir);
  const root = findGitRoot(real);
  if (root === null) return real;
  const dotGit = path.join(root, ".git");
  try {
    if (statSync(dotGit).isFile()) {
      const gitdir = /^gitdir:\s*(.+)$/m.exec(readFileSync(dotGit, "utf8"))?.[1]?.trim();
      const main = gitdir ? /^(.*)[\\/]\.git[\\/]worktrees[\\/][^\\/]+$/.exec(path.resolve(root, gitdir))?.[1] : undefined;
      if (main) return realpathOr(main);
    }
  } catch {
    // Unreadable `.git`: the repository root is the best answer left.
  }
  return root;
}

/**
 * The same walk for a file system reached some other way (a remote host): `kind` says what a path
 * is, `paths` is the host's path flavour.
 */
async function findGitRootWith(dir: string, kind: (target: string) => Promise<"file" | "directory" | null>, paths: path.PlatformPath = path): Promise<string | null> {
  let current = dir;
  for (;;) {
    const dotGit = paths.join(current, ".git");
    const found = await kind(dotGit);
    if (found === "file" || (found === "directory" && (await kind(paths.join(dotGit, "HEAD"))) !== null)) return current;
    const parent = paths.dirname(current);
    if (parent === current) return null;
    current = parent;
  }
}

function isRepository(dir: string): boolean {
  const dotGit = path.join(dir, ".git");
  try {
    return statSync(dotGit).isFile() || existsSync(path.join(dotGit, "HEAD"));
  } catch {
    return false;
  }
}

/** The error for a working directory outside a git repository. */
export function untrustedDirectoryError(directory: string, options?: { cause?: unknown }): UntrustedDirectoryError {
  return new UntrustedDirectoryError(`${UNTRUSTED_DIRECTORY_MESSAGE} ${HINT} (working directory: ${directory})`, directory, options);
}

/** Throws `UntrustedDirectoryError` unless `dir` is inside a git repository (codex exec's check). */
export function requireGitRepository(dir: string): void {
  if (findGitRoot(dir) === null) throw untrustedDirectoryError(dir);
}

/** The same check on the agent's host (a remote app-server), through its file system. */
export async function requireHostGitRepository(host: HostFileSystem, dir: string): Promise<void> {
  const kind = async (target: string): Promise<"file" | "directory" | null> => {
    const entry = await host.getMetadata(target);
    return entry?.isFile ? "file" : entry?.isDirectory ? "directory" : null;
  };
  if ((await findGitRootWith(dir, kind, host.paths)) === null) throw untrustedDirectoryError(dir);
}

/** `dir` with symlinks resolved, or just made absolute when it cannot be resolved. */
export function realpathOr(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return path.resolve(dir);
  }
}
