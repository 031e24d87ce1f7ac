/** What `Codex.listThreads()` yields about stored threads. */

/** A stored thread, as codex lists it. */
export interface ThreadSummary {
  /** The id to pass to `resumeThread`. */
  id: string;
  /** The start of the first user message. */
  preview: string;
  /** The name set on the thread, if any. */
  name: string | null;
  /** Working directory the thread ran in. */
  cwd: string;
  /** Model last used, when codex recorded it. */
  model: string | null;
  /** Model provider id. */
  modelProvider: string;
  /** The thread this one was forked from. */
  forkedFromId: string | null;
  /** True for threads that are not persisted. */
  ephemeral: boolean;
  /** Creation time. */
  createdAt: Date;
  /** Last update time. */
  updatedAt: Date;
}

/** Filters and paging for `Codex.listThreads()`. */
export interface ListThreadsOptions {
  /** Threads per page fetched from codex (the iterator fetches pages as you go). */
  limit?: number;
  /** Start after this cursor (from a previous page). */
  cursor?: string;
  /** List archived threads instead of active ones. */
  archived?: boolean;
  /** Only threads that ran in this directory. */
  cwd?: string;
  /** Only threads whose text matches. */
  searchTerm?: string;
}
