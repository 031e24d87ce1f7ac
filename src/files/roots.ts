/** `files.roots`: the directories `stage` may read a path from, checked after following symlinks. */
import { realpath } from "node:fs/promises";
import path from "node:path";
import { AttachmentError } from "../errors/index.js";

/**
 * Throws `AttachmentError` unless `real` (the source's path, symlinks followed) lies inside one of
 * `roots` (themselves resolved). `given` and `resolved` name the source in the error.
 */
export async function checkRoots(roots: readonly string[] | null, given: string, resolved: string, real: string, symlink: boolean): Promise<void> {
  if (!roots) return;
  for (const root of roots) {
    const base = await realpath(root).catch(() => root);
    const relative = path.relative(base, real);
    if (relative === "" || (!relative.startsWith("..") && !path.isAbsolute(relative))) return;
  }
  const why = symlink ? `is a symlink to ${real}, outside` : "is outside";
  throw new AttachmentError(`${given} ${why} the allowed roots (${roots.join(", ")})`, resolved);
}
