/** What the staging store keeps beside each blob: `meta/<sha256>.json`, written atomically. */
import { readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";

/** What is stored beside each blob. */
export interface Meta {
  v: 1;
  sha256: string;
  name: string;
  /** The blob's file name inside its directory (the name made safe for paths). */
  file: string;
  size: number;
  mimeType: string;
  persistent: boolean;
  expiresAt: number | null;
  createdAt: number;
  /** Processes holding an ephemeral file. */
  owners: number[];
}

/** The metadata of `id` in `metaDir`, or null when there is none (or it is not ours to read). */
export async function readMeta(metaDir: string, id: string): Promise<Meta | null> {
  try {
    const meta = JSON.parse(await readFile(path.join(metaDir, `${id}.json`), "utf8")) as Meta;
    return meta.v === 1 && meta.sha256 === id ? meta : null;
  } catch {
    return null;
  }
}

/** Writes metadata through the private temp file `tmp`, renamed: a reader sees the old or the new, never a part. */
export async function writeMeta(metaDir: string, meta: Meta, tmp: string): Promise<void> {
  await writeJsonAtomic(path.join(metaDir, `${meta.sha256}.json`), meta, tmp);
}

/**
 * Writes `value` as JSON to `target` through the private temp file `tmp`, renamed into place: a
 * reader sees the old file or the new one, never a part; a failed write leaves no temp file.
 */
export async function writeJsonAtomic(target: string, value: unknown, tmp: string): Promise<void> {
  try {
    await writeFile(tmp, JSON.stringify(value), { mode: 0o600 });
    await rename(tmp, target);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}
