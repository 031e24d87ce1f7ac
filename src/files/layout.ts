/**
 * Where the staging store keeps things under its directory, and how a record there becomes a
 * `StagedFile`:
 *
 *     <dir>/blobs/<sha256>/<name>   the content; a blob directory appears whole (renamed into place)
 *     <dir>/meta/<sha256>.json      what is known about it (name, size, type, lifetime, owners)
 *     <dir>/tmp/<pid>-<random>      copies in progress
 *     <dir>/pending/<...>.json      attachment records waiting for codex (pending-records.ts)
 */
import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import path from "node:path";
import { readMeta, writeMeta, type Meta } from "./meta.js";
import type { StagedFile } from "./types.js";

/** The paths of one staging directory. */
export class StoreLayout {
  readonly metaDir: string;
  readonly blobDir: string;
  readonly tmpDir: string;
  readonly pendingDir: string;

  constructor(readonly dir: string) {
    this.metaDir = path.join(dir, "meta");
    this.blobDir = path.join(dir, "blobs");
    this.tmpDir = path.join(dir, "tmp");
    this.pendingDir = path.join(dir, "pending");
  }

  /** The subdirectories the store creates. */
  static readonly SUBDIRS = ["meta", "blobs", "tmp", "pending"];

  /** A fresh private temp path; its name starts with this process's pid, so a later store can tell a dead process's leftovers. */
  tmpPath(): string {
    return path.join(this.tmpDir, `${process.pid}-${randomBytes(8).toString("hex")}`);
  }

  /** Where the content of `meta` is. */
  blobPath(meta: Pick<Meta, "sha256" | "file">): string {
    return path.join(this.blobDir, meta.sha256, meta.file);
  }

  /** The record of `id`, or null. */
  readMeta(id: string): Promise<Meta | null> {
    return readMeta(this.metaDir, id);
  }

  /** Writes the record of `meta` atomically. */
  writeMeta(meta: Meta): Promise<void> {
    return writeMeta(this.metaDir, meta, `${this.tmpPath()}.json`);
  }

  /** Removes the record, then the content, of `id`. */
  async delete(id: string): Promise<void> {
    await rm(path.join(this.metaDir, `${id}.json`), { force: true });
    await rm(path.join(this.blobDir, id), { recursive: true, force: true });
  }

  /** The public view of a record. */
  toStaged(meta: Meta): StagedFile {
    return Object.freeze({
      id: meta.sha256,
      sha256: meta.sha256,
      name: meta.name,
      size: meta.size,
      mimeType: meta.mimeType,
      path: this.blobPath(meta),
      persistent: meta.persistent,
      expiresAt: meta.expiresAt,
      createdAt: meta.createdAt,
    });
  }
}
