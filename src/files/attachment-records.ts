/**
 * What a thread was given, in codex's per-thread attachment store: a staged file given to a
 * thread is recorded under type `codexkit.file` with its SHA-256 as identity, so it survives
 * resume, is visible to every client of the same CODEX_HOME, and the threads that used a file can
 * be found. Reached through an `AttachmentRecordStore` port the transport provides.
 */
import { logEvent } from "../log-events.js";
import type { Logger } from "../logger.js";
import { paged } from "../paged.js";
import type { AttachmentRecordStore } from "./host-ports.js";
import type { FileOwner, StagedFile, ThreadAttachment } from "./types.js";

/** The attachment type codexkit records staged files under. */
const ATTACHMENT_TYPE = "codexkit.file";

/** Records that `threadId` was given `files`, one by one (logging `file.attached` for each). */
export async function recordAttachments(records: AttachmentRecordStore, threadId: string, files: readonly StagedFile[], logger: Logger): Promise<void> {
  for (const file of files) {
    const payload = { name: file.name, size: file.size, mimeType: file.mimeType };
    const outcome = await records.add({ threadId, attachmentType: ATTACHMENT_TYPE, identityKey: file.sha256, payload });
    logEvent(logger, "file.attached", { id: file.id, threadId, created: outcome === "created" });
  }
}

/** The staged files recorded for `threadId`, oldest first (records of other types are skipped). */
export async function listAttachments(records: AttachmentRecordStore, threadId: string): Promise<ThreadAttachment[]> {
  const entries = await paged((cursor) => records.list(threadId, cursor));
  return entries
    .filter((entry) => entry.attachmentType === ATTACHMENT_TYPE)
    .map((entry) => {
      const payload = (entry.payload ?? {}) as { name?: unknown; size?: unknown; mimeType?: unknown };
      return {
        fileId: entry.identityKey,
        name: typeof payload.name === "string" ? payload.name : "",
        size: typeof payload.size === "number" ? payload.size : 0,
        mimeType: typeof payload.mimeType === "string" ? payload.mimeType : "application/octet-stream",
        attachmentId: entry.id,
        // codex gives seconds; codexkit's times are milliseconds since the epoch, as StagedFile's.
        createdAt: entry.createdAt * 1000,
      };
    });
}

/** The threads that were given the staged file `fileId`. */
export async function attachmentOwners(records: AttachmentRecordStore, fileId: string): Promise<FileOwner[]> {
  const owners = await paged((cursor) => records.owners(ATTACHMENT_TYPE, fileId, cursor));
  return owners.map((owner) => ({ threadId: owner.threadId, archived: owner.archived }));
}
