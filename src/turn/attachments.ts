/**
 * Attachments of a turn's input: each staged file (or id) is looked up in the store, checked to be
 * there, leased for the turn (so no sweep removes it under codex), and added to the input as an
 * image (the formats the model takes as images) or as a file mention, by its path in the store.
 */
import { readFile } from "node:fs/promises";
import { isModelImage, type FileStore, type StagedFile } from "../files/index.js";
import type { NormalizedInput } from "../input.js";
import type { ToolCallContext, ToolContentItem, ToolFileItem } from "../tools/index.js";

/** The largest image a tool result carries inline (as a data: URL); a larger one is mentioned by path. */
const INLINE_IMAGE_LIMIT = 20 * 1024 * 1024;

/** Where codex can read a staged file for a thread (a remote app-server's copy), when not at its own path. */
export type PlaceFile = (threadId: string, file: StagedFile) => Promise<string>;

/**
 * The staged files of one turn: its attachments and the files its tools return. All are leased
 * until the turn ends, and all are recorded for the thread afterwards.
 */
export class TurnFiles {
  /** Every staged file the turn used, in first-use order. */
  readonly attached: StagedFile[] = [];
  private readonly releases: Array<() => void> = [];

  constructor(
    private readonly store: FileStore,
    /** Runs an upload in a span under the turn's. */
    private readonly traceUpload: <T>(file: StagedFile, fn: () => Promise<T>) => Promise<T>,
    /** Where codex reads a file when not in place (a remote host); absent: in place. */
    private readonly place?: PlaceFile,
  ) {}

  /** The input with its attachments resolved and leased. */
  async resolveInput(input: NormalizedInput): Promise<NormalizedInput> {
    const resolved = await resolveAttachments(input, this.store);
    this.releases.push(resolved.release);
    for (const file of resolved.input.attachments) this.add(file);
    return resolved.input;
  }

  /** What the model gets for a file a tool returned: the image itself, or a mention of where codex can read it. */
  readonly toolFile = async (item: ToolFileItem, call: ToolCallContext): Promise<ToolContentItem> => {
    const file = "file" in item ? await this.store.require(item.file.id) : await this.store.stage(item.data, { ...(item.name ? { name: item.name } : {}), ...(item.mimeType ? { mimeType: item.mimeType } : {}) });
    this.releases.push(this.store.lease(file.id));
    this.add(file);
    if (isModelImage(file.mimeType) && file.size <= INLINE_IMAGE_LIMIT) {
      return { type: "image", imageUrl: `data:${file.mimeType};base64,${(await readFile(file.path)).toString("base64")}` };
    }
    const place = this.place;
    const where = place ? await this.traceUpload(file, () => place(call.threadId, file)) : file.path;
    return { type: "text", text: `File ${file.name} (${file.mimeType}, ${file.size} bytes): ${where}` };
  };

  /** Ends every lease. */
  release(): void {
    for (const end of this.releases.splice(0)) end();
  }

  private add(file: StagedFile): void {
    if (!this.attached.some((known) => known.id === file.id)) this.attached.push(file);
  }
}

/** The input with its attachments resolved, and the release of their leases. */
export interface ResolvedInput {
  input: NormalizedInput;
  /** Ends the leases (at the end of the turn); a plain function, safe to pass on detached. */
  release: () => void;
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
      const file = await files.require(id, typeof ref === "string" ? `attachment ${id}` : `attachment ${ref.name}`);
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
