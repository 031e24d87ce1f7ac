/**
 * Staging by source: a path, bytes, or a stream is copied through SHA-256 into a private temp file
 * (never buffering a whole file) and committed by its content. A path's content is remembered by
 * (path, inode, size, mtime), so staging an unchanged file again reads nothing, and stages of the
 * same path in progress are shared.
 */
import { createHash } from "node:crypto";
import { lstat, realpath, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { AttachmentError } from "../errors/index.js";
import { LruMap } from "../lru.js";
import { copyFileHashed, copyStreamHashed, type HashedCopy } from "./copy.js";
import type { StoreLayout } from "./layout.js";
import { detectMimeType, extensionFor, SNIFF_BYTES } from "./mime.js";
import { checkRoots } from "./roots.js";
import { fileError } from "./source.js";
import type { StagedFile, StageOptions } from "./types.js";

/** How many source paths a store remembers the content of (a re-stage of one of them reads nothing). */
export const KNOWN_PATHS = 4096;

/** What a stage hands over, once the content's hash is known. */
export interface StagedContent {
  name: string;
  /** The first bytes, to detect the type from. */
  head: Uint8Array;
  size: number;
}

/**
 * Records content `sha256`: with `tmp` (a finished copy) it becomes the blob unless the store has
 * it already; without, resolves null when the store does not have it.
 */
export type Commit = (sha256: string, tmp: string | null, content: StagedContent, options: StageOptions) => Promise<StagedFile | null>;

/** Copies sources into a store's temp directory and commits them. */
export class Stager {
  /** A path's content by (path, inode, size, mtime): a re-stage of an unchanged file reads nothing. */
  readonly known = new LruMap<string, string>(KNOWN_PATHS);
  /** Stages of the same source in progress, shared. */
  private readonly inFlight = new Map<string, Promise<StagedFile>>();

  constructor(
    private readonly layout: StoreLayout,
    private readonly roots: readonly string[] | null,
    private readonly commit: Commit,
  ) {}

  /** Stages the file at `given` (a path here, checked against `files.roots`). */
  async path(given: string, options: StageOptions, limit: number): Promise<StagedFile> {
    if (given.length === 0) throw new AttachmentError("stage() needs a non-empty path", given);
    const resolved = path.resolve(given);
    let link;
    let info;
    try {
      link = await lstat(resolved);
      info = link.isSymbolicLink() ? await stat(resolved) : link;
    } catch (error) {
      throw fileError(error, given, resolved);
    }
    if (info.isDirectory()) throw new AttachmentError(`${given} is a directory, not a file`, resolved);
    if (!info.isFile()) throw new AttachmentError(`${given} is not a regular file`, resolved);
    const real = await realpath(resolved).catch((error: unknown) => {
      throw fileError(error, given, resolved);
    });
    await checkRoots(this.roots, given, resolved, real, link.isSymbolicLink());
    if (info.size > limit) throw new AttachmentError(`${given} is ${info.size} bytes, over the limit of ${limit}`, resolved);
    const name = options.name ?? path.basename(resolved);
    const identity = `${real}\0${info.ino}\0${info.size}\0${info.mtimeMs}`;
    const known = this.known.get(identity);
    if (known) {
      const staged = await this.commit(known, null, { name, head: new Uint8Array(), size: info.size }, options);
      if (staged) return staged;
      this.known.delete(identity);
    }
    const staging = async (): Promise<StagedFile> => {
      const tmp = this.layout.tmpPath();
      const copy = await copyFileHashed(real, tmp, name, limit, options.signal, (error) => fileError(error, given, resolved));
      const staged = await this.commitCopy(copy, tmp, name, options);
      this.known.set(identity, staged.sha256);
      return staged;
    };
    // Only stages no caller can abort are shared: one caller's abort must not fail another's stage.
    if (options.signal) return staging();
    const key = `${identity}\0${JSON.stringify(options)}`;
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const shared = staging();
    this.inFlight.set(key, shared);
    try {
      return await shared;
    } finally {
      this.inFlight.delete(key);
    }
  }

  /** Stages `bytes`. */
  async bytes(bytes: Uint8Array, options: StageOptions): Promise<StagedFile> {
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    const head = bytes.subarray(0, SNIFF_BYTES);
    const name = options.name ?? `file${extensionFor(detectMimeType(head, ""))}`;
    const existing = await this.commit(sha256, null, { name, head, size: bytes.byteLength }, options);
    if (existing) return existing;
    const tmp = this.layout.tmpPath();
    // A write cut short (a full disk) leaves no part of it behind.
    await writeFile(tmp, bytes, { mode: 0o600, flag: "wx" }).catch(async (error: unknown) => {
      await rm(tmp, { force: true });
      throw error;
    });
    return this.commitCopy({ sha256, head, size: bytes.byteLength }, tmp, name, options);
  }

  /** Stages what `input` yields, up to `limit` bytes. */
  async stream(input: Readable, name: string, options: StageOptions, limit: number): Promise<StagedFile> {
    const tmp = this.layout.tmpPath();
    return this.commitCopy(await copyStreamHashed(input, tmp, name, limit, options.signal), tmp, name, options);
  }

  /** Commits a finished copy, and removes what is left of it. */
  private async commitCopy(copy: HashedCopy, tmp: string, name: string, options: StageOptions): Promise<StagedFile> {
    try {
      return (await this.commit(copy.sha256, tmp, { name, head: copy.head, size: copy.size }, options))!;
    } finally {
      await rm(tmp, { force: true });
    }
  }

  /** Forgets what was known of paths with content `id` (removed, swept). */
  forget(id: string): void {
    this.known.deleteWhere((sha256) => sha256 === id);
  }
}
