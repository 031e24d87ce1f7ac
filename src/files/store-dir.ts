/**
 * Where the staging store lives, and whether it may live there. The default is private to the
 * user (their cache directory), and any store directory, default or given, is used only when the
 * rule ssh applies to `~/.ssh` holds: this user owns it, group and others cannot write it, and no
 * directory above it lets another user swap it out. A directory someone else made first (a
 * squatted default, a shared path) is refused before anything is written into it.
 *
 * Windows has no uids: there the directory is created and used without these checks.
 */
import { lstat, mkdir, realpath, stat } from "node:fs/promises";
import type { Stats } from "node:fs";
import os from "node:os";
import path from "node:path";
import { AttachmentError, UnsafeDirectoryError } from "../errors/index.js";

/** Group- or other-writable mode bits. */
const SHARED_WRITE = 0o022;
const STICKY = 0o1000;

/**
 * The default store directory: `codexkit/files` in the user's cache directory
 * (`$XDG_CACHE_HOME` or `~/.cache` on Linux and other Unix, `~/Library/Caches` on macOS,
 * `%LOCALAPPDATA%` on Windows).
 */
export function defaultStoreDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home: () => string = os.homedir): string {
  let user: string;
  try {
    user = home();
  } catch {
    // No HOME and no user database entry (some containers): the temp dir, held to the same checks.
    return path.join(os.tmpdir(), `codexkit-files-${process.getuid?.() ?? "user"}`);
  }
  if (platform === "win32") {
    const local = env.LOCALAPPDATA && path.win32.isAbsolute(env.LOCALAPPDATA) ? env.LOCALAPPDATA : path.win32.join(user, "AppData", "Local");
    return path.win32.join(local, "codexkit", "files");
  }
  if (platform === "darwin") return path.posix.join(user, "Library", "Caches", "codexkit", "files");
  // The XDG spec says a relative XDG_CACHE_HOME is invalid and must be ignored.
  const xdg = env.XDG_CACHE_HOME;
  return path.posix.join(xdg && path.posix.isAbsolute(xdg) ? xdg : path.posix.join(user, ".cache"), "codexkit", "files");
}

/**
 * Makes `dir` and its `subdirs` (mode 0700) where they are missing, checking each. Throws
 * `UnsafeDirectoryError` when one may not hold the user's files; what exists is checked before
 * anything is made, so a refusal writes nothing.
 */
export async function openStoreDir(dir: string, subdirs: readonly string[], platform: NodeJS.Platform = process.platform): Promise<void> {
  const uid = platform === "win32" ? undefined : process.getuid?.();
  const targets = [dir, ...subdirs.map((sub) => path.join(dir, sub))];
  if (uid !== undefined) {
    let existing = dir;
    while (!(await exists(existing)) && existing !== path.dirname(existing)) existing = path.dirname(existing);
    if (existing === dir) for (const target of targets) if (await exists(target)) await checkPrivate(target, dir, uid);
    if (existing !== dir) await checkAncestors(await realpath(existing), dir, uid);
  }
  await create(path.dirname(dir), true);
  for (const target of targets) {
    await create(target, false);
    if (uid !== undefined) await checkPrivate(target, dir, uid);
  }
}

/** Whether `target` exists (a dangling symlink counts). */
function exists(target: string): Promise<boolean> {
  return lstat(target).then(
    () => true,
    () => false,
  );
}

/** mkdir; an existing directory is checked by the caller, any other failure says what to do. */
async function create(dir: string, recursive: boolean): Promise<void> {
  try {
    await mkdir(dir, { recursive, mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return;
    throw new AttachmentError(`the staging directory ${dir} cannot be created (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); set files.dir to a directory you can write`, dir, { cause: error });
  }
}

/** `target` (the store `dir` or one of its subdirectories) is this user's alone, and so is the way to it. */
async function checkPrivate(target: string, dir: string, uid: number): Promise<void> {
  const link = await lstat(target);
  // A symlink someone else made (at a squatted default, say) could point anywhere, even into this user's own files.
  if (link.isSymbolicLink() && link.uid !== uid) throw unsafe(dir, `${target} is a symlink owned by another user (uid ${link.uid})`, `Remove ${target}`);
  const real = link.isSymbolicLink() ? await realpath(target) : target;
  const info = link.isSymbolicLink() ? await stat(real) : link;
  const named = real === target ? target : `${target} (a symlink to ${real})`;
  if (!info.isDirectory()) throw unsafe(dir, `${named} is not a directory`, `Remove ${target}`);
  if (info.uid !== uid) throw unsafe(dir, `${named} is owned by another user (uid ${info.uid}; this process runs as uid ${uid})`, `Remove ${target} as its owner`);
  if ((info.mode & SHARED_WRITE) !== 0) throw unsafe(dir, `${named} is writable by ${writers(info)} (mode ${octal(info)})`, `Run chmod 700 ${real}`);
  if (target === dir) await checkAncestors(path.dirname(await realpath(dir)), dir, uid);
}

/** `from` and every directory above it: owned by this user or root, and writable by others only when sticky (as /tmp). */
async function checkAncestors(from: string, dir: string, uid: number): Promise<void> {
  for (let parent = from; ; parent = path.dirname(parent)) {
    const info = await stat(parent);
    if (info.uid !== uid && info.uid !== 0) throw unsafe(dir, `${parent}, a directory above it, is owned by another user (uid ${info.uid}), who could replace what is below`, "Choose a directory on a path you own");
    if ((info.mode & SHARED_WRITE) !== 0 && (info.mode & STICKY) === 0) throw unsafe(dir, `${parent}, a directory above it, is writable by ${writers(info)} (mode ${octal(info)}), who could replace what is below`, `Run chmod go-w ${parent}`);
    if (parent === path.dirname(parent)) return;
  }
}

function unsafe(dir: string, why: string, fix: string): UnsafeDirectoryError {
  return new UnsafeDirectoryError(`codexkit will not stage files in ${dir}: ${why}. ${fix}, or set files.dir to a directory only you can write.`, dir);
}

function writers(info: Stats): string {
  const group = (info.mode & 0o020) !== 0;
  const others = (info.mode & 0o002) !== 0;
  return group && others ? "group and others" : group ? "its group" : "others";
}

function octal(info: Stats): string {
  return `0${(info.mode & 0o7777).toString(8)}`;
}
