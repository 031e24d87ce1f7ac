/**
 * Attachments of a turn's input: each staged file (or id) is looked up in the store, checked to be
 * there, leased for the turn (so no sweep removes it under codex), and added to the input as an
 * image (the formats the model takes as images) or as a file mention, by its path in the store.
 */
import { stat } from "node:fs/promises";
import { AttachmentError } from "../errors/index.js";
import { isModelImage, type FileStore, type StagedFile } from "../files/index.js";
import type { NormalizedInput } from "../input.js";

/** The input with its attachments resolved, and the release of their leases. */
export interface ResolvedInput {
  input: NormalizedInput;
  /** Ends the leases (at the end of the turn). */
  release(): void;
}

/** Resolves `input.attachmentRefs`; throws `AttachmentError` for a file the store no longer has. */
export async function resolveAttachments(input: NormalizedInput, files: FileStore): Promise<ResolvedInput> {
  if (input.attachmentRefs.length === 0) return { input, release: () => {} };
  const releases: Array<() => void> = [];
  const release = (): void => releases.splice(0).forEach((end) => end());
  try {
    const resolved: StagedFile[] = [];
    for (const ref of input.attachmentRefs) {
      const id = typeof ref === "string" ? ref : ref.id;
      const file = await files.get(id);
      if (!file) throw new AttachmentError(`attachment ${typeof ref === "string" ? id : `${ref.name} (${id})`} is not in the staging store: it was removed or expired; stage it again`, typeof ref === "string" ? id : ref.path);
      const present = await stat(file.path).then((s) => s.isFile() && s.size === file.size, () => false);
      if (!present) throw new AttachmentError(`attachment ${file.name} (${id}) is missing from the staging store at ${file.path}; stage it again`, file.path);
      releases.push(files.lease(id));
      if (!resolved.some((known) => known.id === id)) resolved.push(file);
    }
    const next: NormalizedInput = { ...input, images: [...input.images], files: [...input.files], attachments: resolved };
    for (const file of resolved) (isModelImage(file.mimeType) ? next.images : next.files).push(file.path);
    return { input: next, release };
  } catch (error) {
    release();
    throw error;
  }
}
