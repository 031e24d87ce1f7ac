/**
 * The thread store of an app-server: codex's stored threads (`thread/list`, `thread/archive`),
 * MCP status (`mcpServerStatus/list`), and the attachment records (through files/, over the port
 * of host-ports.ts). Each call goes to the process new work goes to.
 */
import { attachmentOwners, listAttachments, recordAttachments, type FileOwner, type StagedFile, type ThreadAttachment } from "../../files/index.js";
import type { Logger } from "../../logger.js";
import type { McpServerStatus } from "../../mcp/types.js";
import { paged } from "../../paged.js";
import type { ListThreadsOptions, ThreadPage, ThreadStore } from "../types.js";
import { attachmentRecords } from "./host-ports.js";
import type { ListMcpServerStatusParams, ThreadListParams, ThreadSourceKind } from "./protocol/index.js";
import type { AppServer } from "./server.js";
import { toThreadSummary } from "./threads.js";
import { McpStatusResult, ThreadListResult, toMcpServerStatus } from "./wire.js";

/**
 * The threads `listThreads` shows: every top-level thread, whichever program started it. codex
 * lists only interactive ones by default, which leaves out the threads of `codex exec` (and so
 * of codexkit's exec transport); sub-agents' threads stay out.
 */
const LISTED_SOURCES: ThreadSourceKind[] = ["cli", "vscode", "exec", "appServer"];

/** What the store needs of its transport. */
export interface ThreadStoreHost {
  /** The process new work goes to (started when there is none). */
  server(): Promise<AppServer>;
  /** A thread was archived on `server`: it is no longer loaded there. */
  archived(threadId: string, server: AppServer): void;
  readonly logger: Logger;
}

/** `ThreadStore` over the app-server transport's own processes. */
export class AppServerThreadStore implements ThreadStore {
  constructor(private readonly host: ThreadStoreHost) {}

  /** One page of stored threads. */
  async listThreads(options: ListThreadsOptions): Promise<ThreadPage> {
    const server = await this.host.server();
    const params: ThreadListParams = { sourceKinds: LISTED_SOURCES };
    if (options.limit !== undefined) params.limit = options.limit;
    if (options.cursor) params.cursor = options.cursor;
    if (options.archived !== undefined) params.archived = options.archived;
    if (options.cwd !== undefined) params.cwd = options.cwd;
    if (options.searchTerm !== undefined) params.searchTerm = options.searchTerm;
    const page = await server.call("thread/list", params, ThreadListResult);
    return { threads: page.data.map(toThreadSummary), nextCursor: page.nextCursor ?? null };
  }

  /** Archives a stored thread. */
  async archiveThread(threadId: string): Promise<void> {
    const server = await this.host.server();
    await server.call("thread/archive", { threadId });
    this.host.archived(threadId, server);
  }

  /** The MCP servers codex knows (all pages of `mcpServerStatus/list`), for `threadId` when given. */
  async mcpStatus(threadId?: string): Promise<McpServerStatus[]> {
    const server = await this.host.server();
    const entries = await paged(async (cursor) => {
      const params: ListMcpServerStatusParams = { detail: "full", ...(threadId ? { threadId } : {}), ...(cursor ? { cursor } : {}) };
      const result = await server.call("mcpServerStatus/list", params, McpStatusResult);
      return { items: result.data, nextCursor: result.nextCursor };
    });
    return entries.map(toMcpServerStatus);
  }

  /** Records in codex's attachment store that `threadId` was given `files`. */
  async recordAttachments(threadId: string, files: readonly StagedFile[]): Promise<void> {
    await recordAttachments(attachmentRecords(await this.host.server()), threadId, files, this.host.logger);
  }

  /** The staged files codex recorded for `threadId`. */
  async listAttachments(threadId: string): Promise<ThreadAttachment[]> {
    return listAttachments(attachmentRecords(await this.host.server()), threadId);
  }

  /** The threads codex recorded as given the staged file `fileId`. */
  async attachmentOwners(fileId: string): Promise<FileOwner[]> {
    return attachmentOwners(attachmentRecords(await this.host.server()), fileId);
  }
}
