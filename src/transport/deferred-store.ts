/**
 * A thread store opened on first use. codex keeps its thread store only through an app-server,
 * and exec runs none: its store starts a short-lived one, but only when the user asks the store
 * something (listing, archiving, MCP status, a thread's attachments, a file's owners). A turn
 * never starts it: the attachment records of exec turns are journaled on disk, in the staging
 * store (`RecordJournal`), and written to codex by the first client of that staging store and
 * CODEX_HOME that opens its thread store (this one, or the next program's, when this one ended
 * without `close()` or crashed), or at `close()` when some of this client's still wait. A record
 * stays in the journal until codex has it (or refused it), so none is lost to a program's end.
 */
import { RpcError } from "../errors/index.js";
import type { FileOwner, JournaledRecord, RecordJournal, StagedFile, ThreadAttachment } from "../files/index.js";
import type { Logger } from "../logger.js";
import type { McpServerStatus } from "../mcp/types.js";
import type { ListThreadsOptions, ThreadPage, ThreadStore } from "./types.js";

/** Journaled records written to codex per batch: one flush goes on batch by batch until the journal is empty. */
export const MAX_RECORDS_PER_FLUSH = 1_000;

/** The store behind, and how to stop what it started. */
export interface OpenedStore {
  readonly store: ThreadStore;
  close(): Promise<void>;
}

/** `ThreadStore` that opens its backing store (`open`) only when asked something. */
export class DeferredThreadStore implements ThreadStore {
  private backing: OpenedStore | null = null;
  private flushing: Promise<void> | null = null;
  /** True while the journal may hold records of `home` this store has not tried to write since it opened. */
  private unflushed = true;
  /** True once this client journaled a record: only then may `close()` open the store. */
  private journaled = false;

  constructor(
    private readonly open: () => OpenedStore,
    private readonly journal: RecordJournal,
    /** The CODEX_HOME the records belong to. */
    private readonly home: string,
    private readonly logger: Logger,
  ) {}

  async listThreads(options: ListThreadsOptions): Promise<ThreadPage> {
    return (await this.ready()).listThreads(options);
  }

  async archiveThread(threadId: string): Promise<void> {
    await (await this.ready()).archiveThread(threadId);
  }

  async mcpStatus(threadId?: string): Promise<McpServerStatus[]> {
    return (await this.ready()).mcpStatus(threadId);
  }

  /**
   * Writes at once when the store is open (journaling what a broken connection lost); otherwise
   * journals the records, resolving once they are on disk.
   */
  async recordAttachments(threadId: string, files: readonly StagedFile[]): Promise<void> {
    if (this.backing !== null) {
      try {
        await this.backing.store.recordAttachments(threadId, files);
        return;
      } catch (error) {
        if (error instanceof RpcError) throw error;
        this.logger.warn({ threadId, files: files.length, error: String(error) }, "recording the thread's attachments failed; they are journaled to write again");
      }
    }
    await this.journal.add(this.home, threadId, files);
    this.journaled = true;
    this.unflushed = true;
  }

  async listAttachments(threadId: string): Promise<ThreadAttachment[]> {
    return (await this.ready()).listAttachments(threadId);
  }

  async attachmentOwners(fileId: string): Promise<FileOwner[]> {
    return (await this.ready()).attachmentOwners(fileId);
  }

  /**
   * Writes the records this client journaled, when some still wait (opening the store for them),
   * then stops the backing store. What cannot be written now stays journaled for the next client.
   */
  async close(): Promise<void> {
    if (this.flushing) await this.flushing;
    if (this.journaled && (await this.journal.has(this.home).catch(() => false))) await this.ready();
    this.journaled = false;
    const backing = this.backing;
    this.backing = null;
    this.unflushed = true;
    await backing?.close();
  }

  /** The backing store, opened, with the journal of its home written first (what fails stays journaled). */
  private async ready(): Promise<ThreadStore> {
    this.backing ??= this.open();
    const { store } = this.backing;
    if (this.flushing) await this.flushing;
    if (this.unflushed) {
      this.unflushed = false;
      this.flushing = this.flush(store).finally(() => (this.flushing = null));
      await this.flushing;
    }
    return store;
  }

  /**
   * Writes the journal to codex, batch by batch, thread by thread, removing each record codex has
   * (or refused: it will not take it later either). A broken connection stops it: the rest waits
   * for the next question. Never throws: a journal it cannot read is logged.
   */
  private async flush(store: ThreadStore): Promise<void> {
    try {
      for (;;) {
        const batch = await this.journal.read(this.home, MAX_RECORDS_PER_FLUSH);
        if (batch.length === 0) return;
        for (const [threadId, records] of byThread(batch)) {
          try {
            await store.recordAttachments(
              threadId,
              records.map((r) => r.file),
            );
          } catch (error) {
            if (!(error instanceof RpcError)) {
              this.unflushed = true;
              this.logger.warn({ threadId, files: records.length, error: String(error) }, "recording the thread's attachments failed; they stay journaled to write again");
              return;
            }
            this.logger.warn({ threadId, files: records.length, error: error.message }, "codex refused to record the thread's attachments");
          }
          await this.journal.remove(records);
        }
        if (batch.length < MAX_RECORDS_PER_FLUSH) return;
      }
    } catch (error) {
      this.unflushed = true;
      this.logger.warn({ error: String(error) }, "the journal of pending attachment records could not be read; it is tried again at the next question");
    }
  }
}

/** Records grouped by thread, in journal order. */
function byThread(records: readonly JournaledRecord[]): Map<string, JournaledRecord[]> {
  const groups = new Map<string, JournaledRecord[]>();
  for (const record of records) {
    const group = groups.get(record.threadId);
    if (group) group.push(record);
    else groups.set(record.threadId, [record]);
  }
  return groups;
}
