/**
 * codex's per-thread attachment store (`thread/attachment/*`): a staged file given to a thread is
 * recorded there under type `codexkit.file` with its SHA-256 as identity, so what a thread was
 * given survives resume and is visible to every client of the same CODEX_HOME, and the threads
 * that used a file can be found (`thread/attachmentOwner/list`).
 */
import { z } from "zod";
import type { FileOwner, StagedFile, ThreadAttachment } from "../../files/index.js";
import { paged } from "../../paged.js";
import type { AppServer } from "./server.js";

/** The attachment type codexkit records staged files under. */
export const ATTACHMENT_TYPE = "codexkit.file";

const Attachment = z.object({
  id: z.string(),
  attachmentType: z.string(),
  identityKey: z.string(),
  payload: z.unknown(),
  createdAt: z.number(),
});
const AddResult = z.object({ outcome: z.enum(["created", "existing"]), attachment: Attachment });
const ListResult = z.object({ data: z.array(Attachment), nextCursor: z.string().nullish() });
const OwnerResult = z.object({ data: z.array(z.object({ threadId: z.string(), archived: z.boolean() })), nextCursor: z.string().nullish() });

/** Records `file` for `threadId`; resolves with whether codex had it already. */
export async function recordAttachment(server: AppServer, threadId: string, file: StagedFile): Promise<"created" | "existing"> {
  const params = { threadId, attachmentType: ATTACHMENT_TYPE, identityKey: file.sha256, payload: { name: file.name, size: file.size, mimeType: file.mimeType } };
  return (await server.call("thread/attachment/add", params, AddResult)).outcome;
}

/** The staged files recorded for `threadId`, oldest first. */
export async function listAttachments(server: AppServer, threadId: string): Promise<ThreadAttachment[]> {
  const entries = await paged(async (cursor) => {
    const result = await server.call("thread/attachment/list", { threadId, ...(cursor ? { cursor } : {}) }, ListResult);
    return { items: result.data, nextCursor: result.nextCursor };
  });
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
export async function attachmentOwners(server: AppServer, fileId: string): Promise<FileOwner[]> {
  const owners = await paged(async (cursor) => {
    const result = await server.call("thread/attachmentOwner/list", { attachmentType: ATTACHMENT_TYPE, identityKey: fileId, ...(cursor ? { cursor } : {}) }, OwnerResult);
    return { items: result.data, nextCursor: result.nextCursor };
  });
  return owners.map((owner) => ({ threadId: owner.threadId, archived: owner.archived }));
}
