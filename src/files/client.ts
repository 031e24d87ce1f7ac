/**
 * `codex.files`: the client's staging store, plus what only codex knows (which threads used a
 * file). Each `stage` is a `codexkit.file.stage` span under the caller's.
 */
import { InvalidOptionsError } from "../errors/index.js";
import { CODEXKIT, SPAN, SpanKind, type Telemetry } from "../telemetry/index.js";
import type { FileStore } from "./store.js";
import type { FileOwner, StagedFile, StageOptions, StageSource } from "./types.js";

/** What `codex.files` asks of its client. */
export interface FilesHost {
  /** The threads codex recorded as given `fileId` (waits for records still being written). */
  owners(fileId: string): Promise<FileOwner[]>;
}

/** The staging store of a `Codex` client. */
export class CodexFiles {
  /** @internal Made by `Codex`. */
  constructor(
    private readonly store: FileStore,
    private readonly host: FilesHost,
    private readonly telemetry: Telemetry,
  ) {}

  /** The staging directory. */
  get dir(): string {
    return this.store.dir;
  }

  /**
   * Copies a file, bytes or a stream into the store (streamed through SHA-256, renamed into place);
   * the same content always gives the same file and one copy. `AttachmentError` for a missing,
   * unreadable or too large source, a directory, or a path outside `files.roots`.
   */
  stage(source: StageSource, options: StageOptions = {}): Promise<StagedFile> {
    return this.telemetry.inSpan(SPAN.fileStage, { kind: SpanKind.INTERNAL, attributes: {} }, async (span) => {
      const file = await this.store.stage(source, options);
      this.telemetry.set(span, { [CODEXKIT.FILE_ID]: file.id, [CODEXKIT.FILE_SIZE]: file.size, [CODEXKIT.FILE_MIME_TYPE]: file.mimeType, [CODEXKIT.FILE_PERSISTENT]: file.persistent });
      return file;
    });
  }

  /** Every staged file (persistent ones from earlier runs and other processes' included). */
  list(): Promise<StagedFile[]> {
    return this.store.list();
  }

  /** The staged file with this id, or undefined. */
  get(id: string): Promise<StagedFile | undefined> {
    return this.store.get(id);
  }

  /** Removes a staged file; false when there was none. `AttachmentError` while a running turn uses it. */
  remove(file: StagedFile | string): Promise<boolean> {
    return this.store.remove(idOf(file));
  }

  /** Removes expired ephemeral files now; resolves with how many went. */
  cleanup(): Promise<number> {
    return this.store.cleanup();
  }

  /** The threads that were given this file (codex's attachment store; across clients and resumes). */
  owners(file: StagedFile | string): Promise<FileOwner[]> {
    return this.host.owners(idOf(file));
  }
}

function idOf(file: StagedFile | string): string {
  const id = typeof file === "string" ? file : (file as { id?: unknown } | null)?.id;
  if (typeof id !== "string" || id.length === 0) throw new InvalidOptionsError("expected a staged file or its id");
  return id;
}
