/**
 * Where the viewer's threads come from: an events file, codex's stored threads, or this client's
 * threads as they run (live, pushed to the page as they change). Each source folds its events
 * with a `ViewBuilder`; the server asks it for threads and, when live, subscribes to updates.
 */
import type { EventHookInfo, ThreadEvent } from "../events.js";
import { ViewBuilder, type ViewEvent, type ViewThread, type ViewThreadHeader, type ViewUpdate } from "./model.js";
import { readEventsFile } from "./events-file.js";
import type { StoredThreads } from "./stored.js";

/** What the page says about its source. */
export interface ViewSourceInfo {
  /** Which kind of source. */
  kind: "events" | "stored" | "live";
  /** A line for the page's header: the file, the thread, or "live". */
  label: string;
  /** True when updates are pushed (the page subscribes). */
  live: boolean;
  /** What the page should know about the source (lines skipped, what it lacks). */
  notes: string[];
}

/** Threads for the server. */
export interface ViewSource {
  /** What the page says about the source. */
  readonly info: ViewSourceInfo;
  /** The threads, most recently updated first. */
  threads(): Promise<ViewThreadHeader[]>;
  /** One thread with its turns; undefined when the source has no such thread. */
  thread(id: string): Promise<ViewThread | undefined>;
  /** Calls `listener` with each batch of updates (live sources only); returns the unsubscribe. */
  subscribe?(listener: (updates: ViewUpdate[]) => void): () => void;
  /** Frees what the source holds (a codex process, timers). */
  close(): Promise<void>;
}

/** The threads of an events file, read once. */
export class EventsFileSource implements ViewSource {
  readonly info: ViewSourceInfo;
  private constructor(
    private readonly builder: ViewBuilder,
    file: string,
    skipped: number,
  ) {
    const notes = skipped > 0 ? [`${skipped} line${skipped === 1 ? " was" : "s were"} not events and ${skipped === 1 ? "was" : "were"} skipped`] : [];
    this.info = { kind: "events", label: file, live: false, notes };
  }

  /** Reads `file`; `InvalidOptionsError` when it cannot be read. */
  static async open(file: string): Promise<EventsFileSource> {
    const { events, skipped } = await readEventsFile(file);
    return new EventsFileSource(buildAll(events), file, skipped);
  }

  threads(): Promise<ViewThreadHeader[]> {
    return Promise.resolve(this.builder.threads());
  }

  thread(id: string): Promise<ViewThread | undefined> {
    return Promise.resolve(this.builder.thread(id));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** codex's stored threads (one, or the most recent ones), read through codex when asked. */
export class StoredSource implements ViewSource {
  readonly info: ViewSourceInfo;
  readonly #read = new Map<string, Promise<ViewThread | undefined>>();

  private constructor(
    private readonly store: StoredThreads,
    private readonly only: string | null,
  ) {
    this.info = {
      kind: "stored",
      label: only ?? "stored threads",
      live: false,
      notes: ["codex stores no token usage and no approvals with a thread: record events (recordEvents) to see them"],
    };
  }

  /** All stored threads, or only `threadId` (read now, so a wrong id fails here). */
  static async open(store: StoredThreads, threadId?: string): Promise<StoredSource> {
    const source = new StoredSource(store, threadId ?? null);
    if (threadId !== undefined) await source.thread(threadId);
    return source;
  }

  async threads(): Promise<ViewThreadHeader[]> {
    if (this.only !== null) {
      const thread = await this.thread(this.only);
      return thread ? headersOf(thread) : [];
    }
    const stored = await this.store.list();
    return stored.map((t) => ({ id: t.id, title: t.preview.split("\n")[0] ?? "", transport: null, startedAt: null, updatedAt: t.updatedAt, usage: null, turnCount: 0, status: null, v: 0 }));
  }

  thread(id: string): Promise<ViewThread | undefined> {
    if (this.only !== null && id !== this.only) return Promise.resolve(undefined);
    let read = this.#read.get(id);
    if (!read) {
      read = this.store.read(id).then((events) => buildAll(events).thread(id));
      // A failed read is tried again next time.
      read.catch(() => this.#read.delete(id));
      this.#read.set(id, read);
    }
    return read;
  }

  close(): Promise<void> {
    return this.store.close();
  }
}

/** How many threads the live view keeps; the least recently updated go first. */
export const MAX_LIVE_THREADS = 200;
/** Updates are pushed at most this often (ms): a streamed command output is one update per batch, not per delta. */
const FLUSH_MS = 30;

/** This client's threads as they run: an observer of every turn's events, pushing updates. */
export class LiveSource implements ViewSource {
  readonly info: ViewSourceInfo = { kind: "live", label: "this client's threads, live", live: true, notes: [] };
  readonly #builder = new ViewBuilder();
  readonly #listeners = new Set<(updates: ViewUpdate[]) => void>();
  #timer: NodeJS.Timeout | null = null;
  #closed = false;

  /** The observer to register with the turn layer. Never throws. */
  readonly observe = (event: ThreadEvent, info: EventHookInfo): void => {
    if (this.#closed) return;
    try {
      const input: ViewEvent = { event, at: Date.now(), threadId: info.threadId };
      if (event.type === "turn.started") {
        if (info.prompt !== undefined) input.prompt = info.prompt;
        if (info.transport !== undefined) input.transport = info.transport;
      }
      this.#builder.add(input);
      this.#bound();
      this.#timer ??= setTimeout(() => this.#flush(), FLUSH_MS).unref();
    } catch {
      // The viewer must never break a turn.
    }
  };

  threads(): Promise<ViewThreadHeader[]> {
    return Promise.resolve(this.#builder.threads());
  }

  thread(id: string): Promise<ViewThread | undefined> {
    return Promise.resolve(this.#builder.thread(id));
  }

  subscribe(listener: (updates: ViewUpdate[]) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#listeners.clear();
    return Promise.resolve();
  }

  #flush(): void {
    this.#timer = null;
    const updates = this.#builder.drain();
    if (updates.length === 0) return;
    for (const listener of this.#listeners) listener(updates);
  }

  #bound(): void {
    if (this.#builder.size <= MAX_LIVE_THREADS) return;
    const threads = this.#builder.threads();
    for (const old of threads.slice(MAX_LIVE_THREADS)) this.#builder.forget(old.id);
  }
}

function buildAll(events: readonly ViewEvent[]): ViewBuilder {
  const builder = new ViewBuilder();
  for (const event of events) builder.add(event);
  builder.finish();
  builder.drain();
  return builder;
}

function headersOf(thread: ViewThread): ViewThreadHeader[] {
  const { turns, ...header } = thread;
  return [{ ...header, turnCount: turns.length, status: turns.at(-1)?.status ?? null }];
}
