/**
 * The staging store: content-addressed files under one directory.
 *
 *     <dir>/blobs/<sha256>/<name>   the content; a blob directory appears whole (renamed into place)
 *     <dir>/meta/<sha256>.json      what is known about it (name, size, type, lifetime, owners)
 *     <dir>/tmp/<pid>-<random>      copies in progress
 *
 * Staging streams the source through SHA-256 into a private temp file (never buffering the whole
 * file), then renames it into place: the same content staged twice, or a hundred times at once,
 * is one copy with one id. Ephemeral files are removed after their TTL (a timer that does not keep
 * Node alive), at `close()`, and by the next store that finds their process gone; a file leased by
 * a running turn is never removed under it. Persistent files stay until removed.
 *
 * The directory (default: the user's cache dir) is used only when this user alone can write it
 * (`store-dir.ts`); otherwise every call rejects with `UnsafeDirectoryError` and nothing is written.
 */
import { createHash, randomBytes } from "node:crypto";
import { lstat, readdir, realpath, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { AttachmentError, InvalidOptionsError } from "../errors/index.js";
import { abortError } from "../abort.js";
import { LruMap } from "../lru.js";
import { isProcessAlive } from "../process/index.js";
import { MAX_TIMER_MS } from "../timers.js";
import { logEvent } from "../log-events.js";
import type { Logger } from "../logger.js";
import { placeBlob, safeFileName } from "./blob.js";
import { copyFileHashed, copyStreamHashed, type HashedCopy } from "./copy.js";
import { hold, release } from "./holders.js";
import { readMeta, writeMeta, type Meta } from "./meta.js";
import { detectMimeType, extensionFor, SNIFF_BYTES } from "./mime.js";
import { checkStageOptions, fileError, isReadable, toNodeReadable } from "./source.js";
import { defaultStoreDir, openStoreDir } from "./store-dir.js";
import type { FilesOptions, StagedFile, StageOptions, StageSource } from "./types.js";

export { safeFileName };

/** Default lifetime of an ephemeral file. */
export const DEFAULT_TTL_MS = 3_600_000;
/** Default size limit of one file. */
export const DEFAULT_MAX_BYTES = 512 * 1024 * 1024;
/** How many source paths a store remembers the content of (a re-stage of one of them reads nothing). */
export const KNOWN_PATHS = 4096;
/** A blob without metadata younger than this may be another process's commit in progress. */
const ORPHAN_GRACE_MS = 60_000;
const SHA256 = /^[0-9a-f]{64}$/;

/** What the store borrows from its client. */
export interface FileStoreServices {
  logger: Logger;
}

/** A client's staging store. Made by `Codex`; used through `codex.files`. */
export class FileStore {
  /** The staging directory. */
  readonly dir: string;
  private readonly ttlMs: number;
  private readonly maxBytes: number;
  private readonly roots: string[] | null;
  private ready: Promise<void> | null = null;
  /** Ephemeral files this store staged, with when they expire: removed at `close()`. */
  private readonly mine = new Map<string, number>();
  private readonly leases = new Map<string, number>();
  /** One commit at a time per content. */
  private readonly locks = new Map<string, Promise<unknown>>();
  /** Stages of the same source in progress, shared. */
  private readonly inFlight = new Map<string, Promise<StagedFile>>();
  /** A path's content by (path, inode, size, mtime): a re-stage of an unchanged file reads nothing. */
  private readonly known = new LruMap<string, string>(KNOWN_PATHS);
  private sweepTimer: NodeJS.Timeout | null = null;
  /** When the pending sweep timer fires. */
  private sweepDue: number | null = null;
  private closed = false;

  constructor(
    options: FilesOptions,
    private readonly services: FileStoreServices,
  ) {
    this.dir = path.resolve(options.dir ?? defaultStoreDir());
    this.ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    this.roots = options.roots ? options.roots.map((root) => path.resolve(root)) : null;
  }

  /**
   * Copies `source` into the store and returns the staged file; the same content gives the same
   * file. Throws `AttachmentError` for a missing, unreadable or too large source, a directory, or a
   * path outside `files.roots`; nothing partial is left behind.
   */
  async stage(source: StageSource, options: StageOptions = {}): Promise<StagedFile> {
    checkStageOptions(options);
    await this.init();
    if (options.signal?.aborted) throw abortError(options.signal, "staging");
    const limit = options.maxBytes ?? this.maxBytes;
    if (typeof source === "string") return this.stagePath(source, options, limit);
    if (source instanceof Uint8Array || source instanceof ArrayBuffer) {
      const bytes = source instanceof ArrayBuffer ? new Uint8Array(source) : source;
      if (bytes.byteLength > limit) throw new AttachmentError(`${options.name ?? "the bytes"} is ${bytes.byteLength} bytes, over the limit of ${limit}`, options.name ?? "");
      return this.stageBytes(bytes, options);
    }
    if (isReadable(source)) return this.stageStream(toNodeReadable(source), options.name ?? "file", options, limit);
    throw new InvalidOptionsError("stage() takes a path, bytes (Uint8Array, Buffer, ArrayBuffer) or a readable stream");
  }

  /** Every file in the store (also those staged by other processes, persistent ones from earlier runs). */
  async list(): Promise<StagedFile[]> {
    await this.init();
    const names = await readdir(this.metaDir).catch(() => [] as string[]);
    const files = await Promise.all(names.filter((n) => n.endsWith(".json")).map((n) => this.meta(n.slice(0, -5))));
    return files.filter((meta): meta is Meta => meta !== null).map((meta) => this.toStaged(meta));
  }

  /** The staged file with this id, or undefined. */
  async get(id: string): Promise<StagedFile | undefined> {
    if (typeof id !== "string" || !SHA256.test(id)) return undefined;
    await this.init();
    const meta = await this.meta(id);
    return meta ? this.toStaged(meta) : undefined;
  }

  /**
   * The staged file `id`, checked to be whole in the store (`what` names it in errors, e.g.
   * "attachment notes.txt"). `AttachmentError` when it was removed, expired, or lost its content.
   */
  async require(id: string, what = `file ${id}`): Promise<StagedFile> {
    const file = await this.get(id);
    if (!file) throw new AttachmentError(`${what} is not in the staging store: it was removed or expired; stage it again`, id);
    const whole = await stat(file.path).then((s) => s.isFile() && s.size === file.size, () => false);
    if (!whole) throw new AttachmentError(`${what} (${id}) is missing from the staging store at ${file.path}; stage it again`, file.path);
    return file;
  }

  /** Removes a file (persistent or not) unless a running turn uses it; resolves false when there was none. */
  async remove(id: string): Promise<boolean> {
    const file = await this.get(id);
    if (!file) return false;
    if (this.leases.has(id)) throw new AttachmentError(`file ${file.name} (${id}) is in use by a running turn`, file.path);
    await this.withLock(id, () => this.delete(id));
    this.forget(id);
    logEvent(this.services.logger, "file.swept", { count: 1, bytes: file.size, reason: "remove" });
    return true;
  }

  /** Removes expired ephemeral files now (not those a running turn uses); resolves with how many. */
  async cleanup(): Promise<number> {
    await this.init();
    return this.sweep("ttl");
  }

  /** Marks a file as used by a running turn until the returned function is called. */
  lease(id: string): () => void {
    this.leases.set(id, (this.leases.get(id) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.leases.get(id) ?? 1) - 1;
      if (left > 0) {
        this.leases.set(id, left);
        return;
      }
      this.leases.delete(id);
      // A file that expired while a turn used it goes at the next sweep.
      const expiresAt = this.mine.get(id);
      if (expiresAt !== undefined) this.scheduleSweep(expiresAt);
    };
  }

  /** How much is staged, for diagnostics. */
  async usage(): Promise<{ dir: string; files: number; bytes: number }> {
    const files = await this.list();
    return { dir: this.dir, files: files.length, bytes: files.reduce((sum, file) => sum + file.size, 0) };
  }

  /** True once the store was used (so it has a directory). */
  get opened(): boolean {
    return this.ready !== null;
  }

  /** Removes the ephemeral files this store staged (other processes' and persistent ones stay), and stops the sweep. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.sweepTimer) clearTimeout(this.sweepTimer);
    this.sweepTimer = null;
    this.sweepDue = null;
    if (!this.ready) return;
    await this.ready.catch(() => {});
    const ids = [...this.mine.keys()];
    this.mine.clear();
    await this.removeEach(ids, "close", (meta) => {
      const stillHeldHere = release(this.dir, meta.sha256, this);
      meta.owners = meta.owners.filter((pid) => (pid === process.pid ? stillHeldHere : isProcessAlive(pid)));
      return meta.owners.length === 0 ? "remove" : "update";
    });
  }

  private get metaDir(): string {
    return path.join(this.dir, "meta");
  }

  private get blobDir(): string {
    return path.join(this.dir, "blobs");
  }

  private get tmpDir(): string {
    return path.join(this.dir, "tmp");
  }

  /**
   * Creates the directories once (refusing one this user does not own alone: `UnsafeDirectoryError`),
   * and clears what dead processes left behind. A refusal is not remembered: fixed, the next call works.
   */
  private init(): Promise<void> {
    if (this.closed) this.closed = false;
    this.ready ??= (async () => {
      await openStoreDir(this.dir, ["meta", "blobs", "tmp"]);
      await this.recover();
    })();
    const ready = this.ready;
    ready.catch(() => {
      if (this.ready === ready) this.ready = null;
    });
    return ready;
  }

  /** Startup: copies in progress of dead processes, blobs without metadata, files of dead owners. */
  private async recover(): Promise<void> {
    for (const name of await readdir(this.tmpDir).catch(() => [] as string[])) {
      const pid = Number(name.split("-")[0]);
      if (Number.isInteger(pid) && !isProcessAlive(pid)) await rm(path.join(this.tmpDir, name), { recursive: true, force: true });
    }
    const metas = new Set((await readdir(this.metaDir).catch(() => [] as string[])).filter((n) => n.endsWith(".json")).map((n) => n.slice(0, -5)));
    for (const name of await readdir(this.blobDir).catch(() => [] as string[])) {
      const placing = /^[0-9a-f]{64}\.tmp-(\d+)-/.exec(name);
      // A blob being placed by a process that died; or a blob whose metadata never got written.
      const stale = placing
        ? !isProcessAlive(Number(placing[1]))
        : !metas.has(name) && Date.now() - (await stat(path.join(this.blobDir, name)).then((s) => s.mtimeMs, () => Date.now())) > ORPHAN_GRACE_MS;
      if (stale) await rm(path.join(this.blobDir, name), { recursive: true, force: true });
    }
    // Ephemeral files whose owners are all gone (expired or not); a live owner sweeps its own.
    await this.removeEach(metas, "startup", (meta) => (meta.owners.some(isProcessAlive) ? "keep" : "remove"));
  }

  private async stagePath(given: string, options: StageOptions, limit: number): Promise<StagedFile> {
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
    await this.checkRoots(given, resolved, real, link.isSymbolicLink());
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
      const tmp = this.tmpPath();
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

  private async stageBytes(bytes: Uint8Array, options: StageOptions): Promise<StagedFile> {
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    const head = bytes.subarray(0, SNIFF_BYTES);
    const name = options.name ?? `file${extensionFor(detectMimeType(head, ""))}`;
    const existing = await this.commit(sha256, null, { name, head, size: bytes.byteLength }, options);
    if (existing) return existing;
    const tmp = this.tmpPath();
    // A write cut short (a full disk) leaves no part of it behind.
    await writeFile(tmp, bytes, { mode: 0o600, flag: "wx" }).catch(async (error: unknown) => {
      await rm(tmp, { force: true });
      throw error;
    });
    return this.commitCopy({ sha256, head, size: bytes.byteLength }, tmp, name, options);
  }

  private async stageStream(input: Readable, name: string, options: StageOptions, limit: number): Promise<StagedFile> {
    const tmp = this.tmpPath();
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

  /**
   * Records content `sha256`: with `tmp` (a finished copy) it becomes the blob unless the store has
   * it already; without, resolves null when the store does not have it. Updates the lifetime.
   */
  private commit(sha256: string, tmp: string | null, content: { name: string; head: Uint8Array; size: number }, options: StageOptions): Promise<StagedFile | null> {
    return this.withLock(sha256, async () => {
      let meta = await this.meta(sha256);
      const blobPresent = meta !== null && (await stat(path.join(this.blobDir, sha256, meta.file)).then((s) => s.size === meta!.size, () => false));
      if (!blobPresent) {
        if (!tmp) return null;
        const file = await placeBlob(this.blobDir, sha256, tmp, safeFileName(content.name), content.size);
        // Another process may have committed the same content meanwhile: its record (and owners) stays.
        const raced = await this.meta(sha256);
        meta = raced?.file === file ? raced : {
          v: 1,
          sha256,
          name: content.name,
          file,
          size: content.size,
          mimeType: options.mimeType ?? detectMimeType(content.head, content.name),
          persistent: false,
          expiresAt: null,
          createdAt: Date.now(),
          owners: [],
        };
        logEvent(this.services.logger, "file.staged", { id: sha256, sha256, size: content.size, mimeType: meta.mimeType, persistent: options.persistent === true, existing: false });
      } else {
        logEvent(this.services.logger, "file.staged", { id: sha256, sha256, size: meta!.size, mimeType: meta!.mimeType, persistent: options.persistent === true || meta!.persistent, existing: true });
      }
      const current = meta!;
      if (options.persistent) {
        current.persistent = true;
        current.expiresAt = null;
        current.owners = [];
      } else if (!current.persistent) {
        const expiresAt = Date.now() + (options.ttlMs ?? this.ttlMs);
        current.expiresAt = Math.max(current.expiresAt ?? 0, expiresAt);
        current.owners = [...new Set([...current.owners.filter(isProcessAlive), process.pid])];
        this.mine.set(sha256, current.expiresAt);
        hold(this.dir, sha256, this);
        this.scheduleSweep(current.expiresAt);
      }
      await writeMeta(this.metaDir, current, `${this.tmpPath()}.json`);
      return this.toStaged(current);
    });
  }

  /**
   * Removes expired ephemeral files, except those a running turn here leases and those another
   * live process holds (it sweeps them itself, after its own turns).
   */
  private async sweep(reason: "ttl"): Promise<number> {
    const now = Date.now();
    const due = (await this.list()).filter((file) => !file.persistent && file.expiresAt !== null && file.expiresAt <= now && !this.leases.has(file.id));
    return this.removeEach(
      due.map((file) => file.id),
      reason,
      (meta) => (meta.expiresAt !== null && meta.expiresAt <= Date.now() && !meta.owners.some((pid) => pid !== process.pid && isProcessAlive(pid)) ? "remove" : "keep"),
    );
  }

  /**
   * For each ephemeral file, under its lock: `decide` says whether it goes, stays, or stays with
   * its (changed) metadata written back. Logs one `file.swept`; resolves with how many went.
   */
  private async removeEach(ids: Iterable<string>, reason: "ttl" | "close" | "startup", decide: (meta: Meta) => "remove" | "keep" | "update"): Promise<number> {
    let count = 0;
    let bytes = 0;
    for (const id of ids) {
      const removed = await this.withLock(id, async () => {
        const meta = await this.meta(id);
        if (!meta || meta.persistent) return 0;
        const verdict = decide(meta);
        if (verdict === "update") await writeMeta(this.metaDir, meta, `${this.tmpPath()}.json`);
        if (verdict !== "remove") return 0;
        await this.delete(id);
        return meta.size;
      });
      if (removed > 0) {
        this.forget(id);
        count += 1;
        bytes += removed;
      }
    }
    if (count > 0) logEvent(this.services.logger, "file.swept", { count, bytes, reason });
    return count;
  }

  /** This store no longer holds `id` (removed, swept). */
  private forget(id: string): void {
    this.mine.delete(id);
    this.known.deleteWhere((sha256) => sha256 === id);
    release(this.dir, id, this);
  }

  /** Sweeps when the earliest expiry is due; the timer never keeps Node alive. */
  private scheduleSweep(at: number): void {
    if (this.closed || (this.sweepDue !== null && this.sweepDue <= at)) return;
    if (this.sweepTimer) clearTimeout(this.sweepTimer);
    this.sweepDue = at;
    this.sweepTimer = setTimeout(() => {
      this.sweepTimer = null;
      this.sweepDue = null;
      void this.sweep("ttl").then(
        () => this.scheduleNextSweep(),
        (error: unknown) => this.services.logger.debug({ error: String(error) }, "sweeping staged files failed"),
      );
    }, Math.min(Math.max(0, at - Date.now()) + 10, MAX_TIMER_MS));
    this.sweepTimer.unref();
  }

  /** The next sweep: the earliest expiry among this store's files no turn leases. */
  private scheduleNextSweep(): void {
    const next = [...this.mine].filter(([id]) => !this.leases.has(id)).map(([, expiresAt]) => expiresAt);
    if (next.length > 0) this.scheduleSweep(Math.min(...next));
  }

  private async checkRoots(given: string, resolved: string, real: string, symlink: boolean): Promise<void> {
    if (!this.roots) return;
    for (const root of this.roots) {
      const base = await realpath(root).catch(() => root);
      const relative = path.relative(base, real);
      if (relative === "" || (!relative.startsWith("..") && !path.isAbsolute(relative))) return;
    }
    const why = symlink ? `is a symlink to ${real}, outside` : "is outside";
    throw new AttachmentError(`${given} ${why} the allowed roots (${this.roots.join(", ")})`, resolved);
  }

  private async delete(id: string): Promise<void> {
    await rm(path.join(this.metaDir, `${id}.json`), { force: true });
    await rm(path.join(this.blobDir, id), { recursive: true, force: true });
  }

  private meta(id: string): Promise<Meta | null> {
    return readMeta(this.metaDir, id);
  }

  private toStaged(meta: Meta): StagedFile {
    return Object.freeze({
      id: meta.sha256,
      sha256: meta.sha256,
      name: meta.name,
      size: meta.size,
      mimeType: meta.mimeType,
      path: path.join(this.blobDir, meta.sha256, meta.file),
      persistent: meta.persistent,
      expiresAt: meta.expiresAt,
      createdAt: meta.createdAt,
    });
  }

  private tmpPath(): string {
    return path.join(this.tmpDir, `${process.pid}-${randomBytes(8).toString("hex")}`);
  }

  private async withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(key) ?? Promise.resolve();
    const next = previous.then(fn, fn);
    const settled = next.catch(() => {});
    this.locks.set(key, settled);
    try {
      return await next;
    } finally {
      if (this.locks.get(key) === settled) this.locks.delete(key);
    }
  }
}
