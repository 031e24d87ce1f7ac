/**
 * A blob is one content's directory, `blobs/<sha256>/<file>`. It appears whole: the copy is
 * moved into a private directory that is renamed into place, so no reader ever sees a part. Two
 * stores (in this process or others) placing the same content at once never undo each other.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readdir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";

/** How often a placement that lost a race with a removal tries again. */
const PLACE_ATTEMPTS = 3;

/**
 * Moves the finished copy `tmp` (`size` bytes of content `sha256`) into `blobDir/<sha256>/` and
 * resolves with the file's name there. When another store placed the same content first, its
 * copy is kept and its name returned; a blob directory left without a whole copy (a crash while
 * it was removed) gets ours renamed into it. Only what this call made is ever removed.
 */
export async function placeBlob(blobDir: string, sha256: string, tmp: string, file: string, size: number): Promise<string> {
  const target = path.join(blobDir, sha256);
  const staging = path.join(blobDir, `${sha256}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`);
  await mkdir(staging, { mode: 0o700 });
  try {
    await rename(tmp, path.join(staging, file));
    for (let attempt = 1; ; attempt++) {
      try {
        await rename(staging, target);
        return file;
      } catch (error) {
        if (!isOccupied(error) || attempt >= PLACE_ATTEMPTS) throw error;
      }
      // The content is addressed by its hash: a whole copy someone else placed is as good as ours.
      const theirs = await wholeCopy(target, size, file);
      if (theirs !== null) return theirs;
      try {
        await rename(path.join(staging, file), path.join(target, file));
        return file;
      } catch (error) {
        // The broken directory was removed meanwhile: place ours whole again.
        if (!isGone(error)) throw error;
      }
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** The name of a file of `size` bytes in `dir` (`preferred` first), or null. */
async function wholeCopy(dir: string, size: number, preferred: string): Promise<string | null> {
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of [preferred, ...names.filter((n) => n !== preferred)]) {
    if (!names.includes(name)) continue;
    const whole = await stat(path.join(dir, name)).then((s) => s.isFile() && s.size === size, () => false);
    if (whole) return name;
  }
  return null;
}

function isOccupied(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  // Windows reports a rename onto an existing directory as EPERM or EACCES; elsewhere those are real refusals.
  return code === "ENOTEMPTY" || code === "EEXIST" || (process.platform === "win32" && (code === "EPERM" || code === "EACCES"));
}

function isGone(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === "ENOENT" || code === "ENOTDIR";
}

/** A name safe as one path segment, keeping the extension readable. */
export function safeFileName(name: string): string {
  // Control characters and what a path cannot hold become "_".
  const cleaned = [...name].map((ch) => (ch.charCodeAt(0) < 0x20 || '\\/:*?"<>|'.includes(ch) ? "_" : ch)).join("").replace(/^\.+/, "_").slice(-120);
  return cleaned.length > 0 ? cleaned : "file";
}
