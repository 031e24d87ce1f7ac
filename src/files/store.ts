/**
 * The staging store: content-addressed files under one directory (layout.ts). Staging streams
 * the source through SHA-256 into a private temp file (never buffering the whole file), then
 * renames it into place: the same content staged twice, or a hundred times at once, is one copy
 * with one id. Ephemeral files are removed after their TTL (a timer that does not keep
 * Node alive), at `close()`, and by the next store that finds their process gone; a file leased by
 * a running turn is never removed under it. Persistent files stay until removed.
 *
 * The directory (default: the user's cache dir) is used only when this user alone can write it
 * (`store-dir.ts`); otherwise every call rejects with `UnsafeDirectoryError` and nothing is written.
 * Here: the store's operations and lifetimes; by source in staging.ts, who may remove a file in
 * owners.ts, crash leftovers in recovery.ts, the sweep's timer in sweep-timer.ts, attachment
 * records waiting for codex in pending-records.ts.
 */
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { AttachmentError, InvalidOptionsError } from "../errors/index.js";
import { abortError } from "../abort.js";
import { logEvent } from "../log-events.js";
import type { Logger } from "../logger.js";
import { placeBlob, safeFileName } from "./blob.js";
import { hold, release } from "./holders.js";
import { KeyedLock } from "./keyed-lock.js";
import { StoreLayout } from "./layout.js";
import type { Meta } from "./meta.js";
import { detectMimeType } from "./mime.js";
import { addThisProcess, closeVerdict, startupVerdict, sweepVerdict, type Verdict } from "./owners.js";
import { PendingRecords } from "./pending-records.js";
import { clearLeftovers } from "./recovery.js";
import { checkStageOptions, isReadable, toNodeReadable } from "./source.js";
import { defaultStoreDir, openStoreDir } from "./store-dir.js";
import { Stager, type StagedContent } from "./staging.js";
import { SweepTimer } from "./sweep-timer.js";
import type { FilesOptions, StagedFile, StageOptions, StageSource } from "./types.js";

export { safeFileName };

/** Default lifetime of an ephemeral file. */
export const DEFAULT_TTL_MS = 3_600_000;
/** Default size limit of one file. */
export const DEFAULT_MAX_BYTES = 512 * 1024 * 1024;
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
  private ready: Promise<void> | null = null;
  /** Ephemeral files this store staged, with when they expire: removed at `close()`. */
  private readonly mine = new Map<string, number>();
  private readonly leases = new Map<string, number>();
  /** One commit at a time per content. */
  private readonly locks = new KeyedLock();
  private readonly layout: StoreLayout;
  private readonly stager: Stager;
  /** Attachment records waiting for codex's thread store (exec turns), kept on disk here. */
  readonly pendingRecords: PendingRecords;
  private readonly sweeps = new SweepTimer(() => {
    void this.sweep("ttl").then(
      () => this.scheduleNextSweep(),
      (error: unknown) => this.services.logger.debug({ error: String(error) }, "sweeping staged files failed"),
    );
  });

  constructor(
    options: FilesOptions,
    private readonly services: FileStoreServices,
  ) {
    this.dir = path.resolve(options.dir ?? defaultStoreDir());
    this.layout = new StoreLayout(this.dir);
    this.ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    const roots = options.roots ? options.roots.map((root) => path.resolve(root)) : null;
    this.pendingRecords = new PendingRecords(this.layout, () => this.ready ?? this.init(), services.logger);
    this.stager = new Stager(this.layout, roots, (sha256, tmp, content, stageOptions) => this.commit(sha256, tmp, content, stageOptions));
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
    if (typeof source === "string") return this.stager.path(source, options, limit);
    if (source instanceof Uint8Array || source instanceof ArrayBuffer) {
      const bytes = source instanceof ArrayBuffer ? new Uint8Array(source) : source;
      if (bytes.byteLength > limit) throw new AttachmentError(`${options.name ?? "the bytes"} is ${bytes.byteLength} bytes, over the limit of ${limit}`, options.name ?? "");
      return this.stager.bytes(bytes, options);
    }
    if (isReadable(source)) return this.stager.stream(toNodeReadable(source), options.name ?? "file", options, limit);
    throw new InvalidOptionsError("stage() takes a path, bytes (Uint8Array, Buffer, ArrayBuffer) or a readable stream");
  }

  /** Every file in the store (also those staged by other processes, persistent ones from earlier runs). */
  async list(): Promise<StagedFile[]> {
    await this.init();
    const names = await readdir(this.layout.metaDir).catch(() => [] as string[]);
    const files = await Promise.all(names.filter((n) => n.endsWith(".json")).map((n) => this.meta(n.slice(0, -5))));
    return files.filter((meta): meta is Meta => meta !== null).map((meta) => this.layout.toStaged(meta));
  }

  /** The staged file with this id, or undefined. */
  async get(id: string): Promise<StagedFile | undefined> {
    if (typeof id !== "string" || !SHA256.test(id)) return undefined;
    await this.init();
    const meta = await this.meta(id);
    return meta ? this.layout.toStaged(meta) : undefined;
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
    await this.locks.run(id, () => this.layout.delete(id));
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
      if (expiresAt !== undefined) this.sweeps.schedule(expiresAt);
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
    this.sweeps.stop();
    if (!this.ready) return;
    await this.ready.catch(() => {});
    const ids = [...this.mine.keys()];
    this.mine.clear();
    await this.removeEach(ids, "close", (meta) => closeVerdict(meta, this.dir, this));
  }

  /**
   * Creates the directories once (refusing one this user does not own alone: `UnsafeDirectoryError`),
   * and clears what dead processes left behind. A refusal is not remembered: fixed, the next call works.
   */
  private init(): Promise<void> {
    this.sweeps.resume();
    this.ready ??= (async () => {
      await openStoreDir(this.dir, StoreLayout.SUBDIRS);
      // What dead processes left, then the ephemeral files whose owners are all gone.
      const metas = await clearLeftovers(this.layout);
      await this.removeEach(metas, "startup", startupVerdict);
    })();
    const ready = this.ready;
    ready.catch(() => {
      if (this.ready === ready) this.ready = null;
    });
    return ready;
  }

  /**
   * Records content `sha256`: with `tmp` (a finished copy) it becomes the blob unless the store has
   * it already; without, resolves null when the store does not have it. Updates the lifetime.
   */
  private commit(sha256: string, tmp: string | null, content: StagedContent, options: StageOptions): Promise<StagedFile | null> {
    return this.locks.run(sha256, async () => {
      let meta = await this.meta(sha256);
      const blobPresent = meta !== null && (await stat(this.layout.blobPath(meta)).then((s) => s.size === meta!.size, () => false));
      if (!blobPresent) {
        if (!tmp) return null;
        const file = await placeBlob(this.layout.blobDir, sha256, tmp, safeFileName(content.name), content.size);
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
        addThisProcess(current);
        this.mine.set(sha256, current.expiresAt);
        hold(this.dir, sha256, this);
        this.sweeps.schedule(current.expiresAt);
      }
      await this.layout.writeMeta(current);
      return this.layout.toStaged(current);
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
      (meta) => sweepVerdict(meta),
    );
  }

  /**
   * For each ephemeral file, under its lock: `decide` says whether it goes, stays, or stays with
   * its (changed) metadata written back. Logs one `file.swept`; resolves with how many went.
   */
  private async removeEach(ids: Iterable<string>, reason: "ttl" | "close" | "startup", decide: (meta: Meta) => Verdict): Promise<number> {
    let count = 0;
    let bytes = 0;
    for (const id of ids) {
      const removed = await this.locks.run(id, async () => {
        const meta = await this.meta(id);
        if (!meta || meta.persistent) return 0;
        const verdict = decide(meta);
        if (verdict === "update") await this.layout.writeMeta(meta);
        if (verdict !== "remove") return 0;
        await this.layout.delete(id);
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
    this.stager.forget(id);
    release(this.dir, id, this);
  }

  /** The next sweep: the earliest expiry among this store's files no turn leases. */
  private scheduleNextSweep(): void {
    const next = [...this.mine].filter(([id]) => !this.leases.has(id)).map(([, expiresAt]) => expiresAt);
    if (next.length > 0) this.sweeps.schedule(Math.min(...next));
  }

  private meta(id: string): Promise<Meta | null> {
    return this.layout.readMeta(id);
  }
}
