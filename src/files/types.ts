/**
 * Staged files: content copied into codexkit's staging store, keyed by its SHA-256, ready to be
 * attached to a turn or returned by a tool. The shapes here are the public contract of
 * `codex.files`.
 */

/** A file in the staging store. The same content always has the same `id`. */
export interface StagedFile {
  /** The file's id in the store: its SHA-256, hex. */
  readonly id: string;
  /** SHA-256 of the content, hex. */
  readonly sha256: string;
  /** The name it was first staged with (the source's base name, or `name`). */
  readonly name: string;
  /** Bytes. */
  readonly size: number;
  /** Detected from the content for common formats, else from the name, else given. */
  readonly mimeType: string;
  /** Where the content is on this machine (read-only for codex). */
  readonly path: string;
  /** Persistent files survive `close()` and restarts; ephemeral ones go after their TTL, at `close()`, or when their process died. */
  readonly persistent: boolean;
  /** When an ephemeral file expires, in milliseconds since the epoch; null for a persistent file. */
  readonly expiresAt: number | null;
  /** When it was first staged, in milliseconds since the epoch. */
  readonly createdAt: number;
}

/** Where `stage` reads from: a path, bytes, or a stream of bytes. */
export type StageSource = string | Uint8Array | ArrayBuffer | ReadableStream<Uint8Array> | NodeJS.ReadableStream;

/** Options of one `stage` call. */
export interface StageOptions {
  /** The file's name (default: the path's base name; required for bytes and streams unless you accept "file"). */
  name?: string;
  /** The MIME type, when detection from the content and the name is not what you want. */
  mimeType?: string;
  /** Keep the file across `close()` and restarts (default false). Staging known content as persistent makes it persistent. */
  persistent?: boolean;
  /** How long an ephemeral file lives (default `files.ttlMs`, one hour); staging it again extends it. */
  ttlMs?: number;
  /** Refuse content larger than this (default `files.maxBytes`). */
  maxBytes?: number;
  /** Aborts the copy; nothing is left behind. */
  signal?: AbortSignal;
}

/** The `files` option of `Codex`. */
export interface FilesOptions {
  /**
   * The staging directory, created with mode 0700 (default: `codexkit/files` in the user's cache
   * dir: `$XDG_CACHE_HOME` or `~/.cache`, `~/Library/Caches` on macOS, `%LOCALAPPDATA%` on Windows).
   * Used only when this user owns it and neither group nor others can write it or a directory
   * above it (not checked on Windows); otherwise staging fails with `UnsafeDirectoryError`.
   */
  dir?: string;
  /** Default TTL of ephemeral files, in ms (default 3600000). */
  ttlMs?: number;
  /** Largest file `stage` accepts, in bytes (default 512 MiB). */
  maxBytes?: number;
  /**
   * Paths `stage` may read: a path (after following symlinks) must lie inside one of these
   * directories. Default: no restriction.
   */
  roots?: string[];
}

/** A turn input that attaches a staged file: images go as images, other files as file mentions. */
export interface AttachmentInput {
  /** Discriminant: an attachment. */
  type: "attachment";
  /** The staged file, or its id. */
  file: StagedFile | string;
}

/** A file a thread was given, as codex's attachment store records it. */
export interface ThreadAttachment {
  /** The staged file's id (its SHA-256). */
  fileId: string;
  /** The file's name when it was recorded. */
  name: string;
  /** The file's size in bytes. */
  size: number;
  /** The file's MIME type. */
  mimeType: string;
  /** codex's id for the record. */
  attachmentId: string;
  /** When codex recorded it, in milliseconds since the epoch (codex's seconds converted, like every codexkit time). */
  createdAt: number;
}

/** A thread that used a staged file. */
export interface FileOwner {
  /** The thread's id. */
  threadId: string;
  /** Whether the thread is archived. */
  archived: boolean;
}
