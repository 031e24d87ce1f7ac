/**
 * The narrow ports `files/` needs of whatever reaches codex's host (a transport): its file
 * system, for uploads to a remote host, and codex's per-thread attachment store. They are typed
 * by what files/ uses, not by the wire, so files/ knows no transport and a transport can provide
 * them over any protocol (today app-server's `fs/*` and `thread/attachment*` methods).
 */
import type path from "node:path";
import type { FileOwner } from "./types.js";

/** What the host says a path is. */
export interface HostEntry {
  isFile: boolean;
  isDirectory: boolean;
  /** True for a symlink (absent when the host does not say). */
  isSymlink?: boolean;
  /** Last modification, ms since the epoch; absent or 0 when the host cannot tell. */
  modifiedAtMs?: number;
}

/** Per-call options of a transfer: large files get longer deadlines. */
export interface HostTransferOptions {
  timeoutMs?: number;
}

/**
 * The file system of the machine codex runs on. "The host answered no" (a missing or unreadable
 * path) is `null`; a broken connection or a timeout rejects, because it is not an answer. One
 * object per connection: what an upload remembers is remembered per port object.
 */
export interface HostFileSystem {
  /** The host's path rules (`path.win32` for a Windows host, else `path.posix`). */
  readonly paths: path.PlatformPath;
  /** The host's CODEX_HOME, when it said. */
  readonly codexHome: string | null;
  /** What `target` is, or null when the host has nothing there; any other error the host gives rejects. */
  getMetadata(target: string): Promise<HostEntry | null>;
  /** The content of `target`, or null when the host cannot read it. */
  readFile(target: string, options?: HostTransferOptions): Promise<Buffer | null>;
  /** Writes `data` to `target`, replacing it. */
  writeFile(target: string, data: Uint8Array, options?: HostTransferOptions): Promise<void>;
  /** Copies a file on the host. */
  copy(source: string, destination: string): Promise<void>;
  /** Removes `target` (no error when it is not there). */
  remove(target: string): Promise<void>;
  /** The names in directory `dir`, or null when the host cannot list it. */
  readDirectory(dir: string): Promise<string[] | null>;
  /** Creates `dir` and its parents. */
  mkdir(dir: string): Promise<void>;
}

/** One record of codex's attachment store, as codex keeps it. */
export interface AttachmentRecord {
  /** codex's id for the record. */
  id: string;
  attachmentType: string;
  identityKey: string;
  payload: unknown;
  /** Seconds since the epoch, as codex gives it. */
  createdAt: number;
}

/** One page of a cursor-paged answer. */
export interface RecordPage<T> {
  items: T[];
  nextCursor?: string | null;
}

/** A record to add: what a thread was given. */
export interface NewAttachmentRecord {
  threadId: string;
  attachmentType: string;
  identityKey: string;
  /** What is worth keeping about it: flat JSON (codex stores it as it is). */
  payload: Record<string, string | number | boolean | null>;
}

/** codex's per-thread attachment store (survives resume, shared by every client of a CODEX_HOME). */
export interface AttachmentRecordStore {
  /** Adds a record; resolves with whether codex had it already. */
  add(record: NewAttachmentRecord): Promise<"created" | "existing">;
  /** One page of the records of `threadId`, oldest first. */
  list(threadId: string, cursor: string | undefined): Promise<RecordPage<AttachmentRecord>>;
  /** One page of the threads that hold a record of this type and identity. */
  owners(attachmentType: string, identityKey: string, cursor: string | undefined): Promise<RecordPage<FileOwner>>;
}
