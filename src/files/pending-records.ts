/**
 * Attachment records that wait for codex's thread store, kept on disk in the private staging
 * store so that a program which ends without `close()` (or crashes) loses none: the next client
 * of the same staging store and CODEX_HOME that opens codex's thread store writes them.
 *
 *     <dir>/pending/<home>-<record>.json   one record (a thread and a file), written atomically
 *
 * `<home>` is a hash of the CODEX_HOME the record belongs to (a client writes only its own
 * home's records), `<record>` a hash of the thread and file, so the same record kept twice is one
 * file. Writing a record to codex twice is harmless (codex answers "existing").
 */
import { createHash } from "node:crypto";
import { lstat, readdir, readFile, rm } from "node:fs/promises";
import path from "node:path";
import type { Logger } from "../logger.js";
import type { StoreLayout } from "./layout.js";
import { writeJsonAtomic } from "./meta.js";
import type { StagedFile } from "./types.js";

const SHA256 = /^[0-9a-f]{64}$/;

/** One record read back from the journal. */
export interface JournaledRecord {
  /** The journal's name for it (what `remove` takes). */
  readonly key: string;
  readonly threadId: string;
  readonly file: StagedFile;
}

/** Where attachment records wait for codex's thread store; keyed by CODEX_HOME. */
export interface RecordJournal {
  /** Keeps that `threadId` was given `files`; resolves once it is on disk. */
  add(home: string, threadId: string, files: readonly StagedFile[]): Promise<void>;
  /** Up to `limit` records of `home` (a corrupt one is logged and removed, never returned). */
  read(home: string, limit: number): Promise<JournaledRecord[]>;
  /** Forgets records (written to codex, or refused by it). */
  remove(records: readonly JournaledRecord[]): Promise<void>;
  /** Whether any record of `home` waits. */
  has(home: string): Promise<boolean>;
}

/** What one journal file holds. */
interface Entry {
  v: 1;
  home: string;
  threadId: string;
  file: StagedFile;
}

/** The staging store's journal of attachment records (`<dir>/pending`). */
export class PendingRecords implements RecordJournal {
  constructor(
    private readonly layout: StoreLayout,
    /** Opens (creates and checks) the store directory first. */
    private readonly open: () => Promise<void>,
    private readonly logger: Logger,
  ) {}

  async add(home: string, threadId: string, files: readonly StagedFile[]): Promise<void> {
    await this.open();
    const resolved = path.resolve(home);
    for (const file of files) {
      const entry: Entry = { v: 1, home: resolved, threadId, file: { ...file } };
      // A private temp file in tmp/ (cleared by the next store if this process dies), renamed into place.
      const target = path.join(this.layout.pendingDir, `${homeKey(resolved)}-${hash(`${threadId}\0${file.id}`).slice(0, 32)}.json`);
      await writeJsonAtomic(target, entry, `${this.layout.tmpPath()}.json`);
    }
  }

  async read(home: string, limit: number): Promise<JournaledRecord[]> {
    if (!(await this.openIfThere())) return [];
    const resolved = path.resolve(home);
    const records: JournaledRecord[] = [];
    for (const key of await this.keys(resolved)) {
      if (records.length >= limit) break;
      const entry = await this.entry(key, resolved);
      if (entry) records.push({ key, threadId: entry.threadId, file: Object.freeze(entry.file) });
    }
    return records;
  }

  async remove(records: readonly JournaledRecord[]): Promise<void> {
    for (const { key } of records) await rm(path.join(this.layout.pendingDir, key), { force: true });
  }

  async has(home: string): Promise<boolean> {
    if (!(await this.openIfThere())) return false;
    return (await this.keys(path.resolve(home))).length > 0;
  }

  /**
   * Opens (and so checks) the store when its directory exists; false when it does not: then no
   * record waits, and asking must not create the store (listing threads writes nothing).
   */
  private async openIfThere(): Promise<boolean> {
    try {
      await lstat(this.layout.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
      throw error;
    }
    await this.open();
    return true;
  }

  /** The journal files of `home`, by name. */
  private async keys(home: string): Promise<string[]> {
    const prefix = `${homeKey(home)}-`;
    const names = await readdir(this.layout.pendingDir).catch(() => [] as string[]);
    return names.filter((name) => name.startsWith(prefix) && name.endsWith(".json")).sort();
  }

  /** The entry in journal file `key`; null when another process took it meanwhile, or when it is corrupt (then it is removed). */
  private async entry(key: string, home: string): Promise<Entry | null> {
    const file = path.join(this.layout.pendingDir, key);
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw error;
    }
    try {
      const entry = JSON.parse(text) as unknown;
      if (isEntry(entry) && entry.home === home) return entry;
    } catch {
      // Not JSON: corrupt, as below.
    }
    this.logger.warn({ file }, "a pending attachment record in the staging store is corrupt; it is removed");
    await rm(file, { force: true });
    return null;
  }
}

function isEntry(value: unknown): value is Entry {
  if (typeof value !== "object" || value === null) return false;
  const entry = value as Partial<Entry>;
  const file = entry.file as Partial<StagedFile> | undefined;
  return (
    entry.v === 1 &&
    typeof entry.home === "string" &&
    typeof entry.threadId === "string" &&
    entry.threadId.length > 0 &&
    typeof file === "object" &&
    file !== null &&
    typeof file.id === "string" &&
    typeof file.sha256 === "string" &&
    SHA256.test(file.sha256) &&
    typeof file.name === "string" &&
    typeof file.size === "number" &&
    typeof file.mimeType === "string"
  );
}

function homeKey(home: string): string {
  return hash(home).slice(0, 16);
}

function hash(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
