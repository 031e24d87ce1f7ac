/**
 * A thread store opened on first use. codex keeps its thread store only through an app-server,
 * and exec runs none: its store starts a short-lived one, but only when the user asks the store
 * something (listing, archiving, MCP status, a thread's attachments, a file's owners). A turn
 * never starts it: the attachment records of exec turns wait here, in memory and bounded, and are
 * written the first time the store is opened, or at `close()` when some still wait. Nothing is
 * lost, and nothing starts unasked but that one write at `close()`.
 */
import { RpcError } from "../errors/index.js";
import type { FileOwner, StagedFile, ThreadAttachment } from "../files/index.js";
import type { Logger } from "../logger.js";
import type { McpServerStatus } from "../mcp/types.js";
import type { ListThreadsOptions, ThreadPage, ThreadStore } from "./types.js";

/** Attachment records (one per thread and file) kept at most while the store is not open; the oldest go first. */
export const MAX_PENDING_RECORDS = 10_000;

/** The store behind, and how to stop what it started. */
export interface OpenedStore {
  readonly store: ThreadStore;
  close(): Promise<void>;
}

/** A record waiting to be written. */
interface PendingRecord {
  threadId: string;
  file: StagedFile;
}

/** `ThreadStore` that opens its backing store (`open`) only when asked something. */
export class DeferredThreadStore implements ThreadStore {
  private backing: OpenedStore | null = null;
  /** Records to write, by thread and file id, oldest first. */
  private readonly pending = new Map<string, PendingRecord>();
  private flushing: Promise<void> | null = null;
  /** True once this overflow of `pending` was logged. */
  private warnedOverflow = false;

  constructor(
    private readonly open: () => OpenedStore,
    private readonly logger: Logger,
  ) {}

  /** True once the backing store was opened (and not closed since). */
  get opened(): boolean {
    return this.backing !== null;
  }

  /** How many records wait for the store to open. */
  get pendingRecords(): number {
    return this.pending.size;
  }

  async listThreads(options: ListThreadsOptions): Promise<ThreadPage> {
    return (await this.ready()).listThreads(options);
  }

  async archiveThread(threadId: string): Promise<void> {
    await (await this.ready()).archiveThread(threadId);
  }

  async mcpStatus(threadId?: string): Promise<McpServerStatus[]> {
    return (await this.ready()).mcpStatus(threadId);
  }

  /** Writes at once when the store is open; otherwise keeps the records to write when it opens. */
  recordAttachments(threadId: string, files: readonly StagedFile[]): Promise<void> {
    if (this.backing !== null) return this.backing.store.recordAttachments(threadId, files);
    this.keep(files.map((file) => ({ threadId, file })));
    return Promise.resolve();
  }

  async listAttachments(threadId: string): Promise<ThreadAttachment[]> {
    return (await this.ready()).listAttachments(threadId);
  }

  async attachmentOwners(fileId: string): Promise<FileOwner[]> {
    return (await this.ready()).attachmentOwners(fileId);
  }

  /** Writes the records still waiting (opening the store for them), then stops the backing store. */
  async close(): Promise<void> {
    if (this.pending.size > 0 || this.flushing) await this.ready();
    if (this.pending.size > 0) {
      this.logger.warn({ records: this.pending.size }, "attachment records of exec turns could not be written to codex's thread store; they are dropped");
      this.pending.clear();
    }
    const backing = this.backing;
    this.backing = null;
    await backing?.close();
  }

  /** The backing store, opened, with every waiting record written (or, on a broken connection, still waiting). */
  private async ready(): Promise<ThreadStore> {
    this.backing ??= this.open();
    const { store } = this.backing;
    if (this.flushing) await this.flushing;
    if (this.pending.size > 0) {
      this.flushing = this.flush(store).finally(() => (this.flushing = null));
      await this.flushing;
    }
    return store;
  }

  /** Writes the waiting records, thread by thread. A record codex refused is dropped; one the connection lost waits again. */
  private async flush(store: ThreadStore): Promise<void> {
    const byThread = new Map<string, StagedFile[]>();
    for (const { threadId, file } of this.pending.values()) {
      const files = byThread.get(threadId);
      if (files) files.push(file);
      else byThread.set(threadId, [file]);
    }
    this.pending.clear();
    this.warnedOverflow = false;
    for (const [threadId, files] of byThread) {
      try {
        await store.recordAttachments(threadId, files);
      } catch (error) {
        if (error instanceof RpcError) {
          this.logger.warn({ threadId, files: files.length, error: error.message }, "codex refused to record the thread's attachments");
          continue;
        }
        this.keep(files.map((file) => ({ threadId, file })));
        this.logger.warn({ threadId, files: files.length, error: String(error) }, "recording the thread's attachments failed; they are kept to write again");
      }
    }
  }

  private keep(records: readonly PendingRecord[]): void {
    for (const record of records) {
      const key = `${record.threadId}\0${record.file.id}`;
      this.pending.delete(key);
      this.pending.set(key, record);
    }
    let dropped = 0;
    while (this.pending.size > MAX_PENDING_RECORDS) {
      this.pending.delete(this.pending.keys().next().value!);
      dropped += 1;
    }
    if (dropped > 0 && !this.warnedOverflow) {
      this.warnedOverflow = true;
      this.logger.warn({ dropped, limit: MAX_PENDING_RECORDS }, "too many attachment records wait for codex's thread store; the oldest are dropped (open the store, e.g. with thread.attachments(), to write them)");
    }
  }
}
