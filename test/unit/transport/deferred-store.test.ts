/**
 * The exec transport's thread store: opened only when asked something; records of turns are
 * journaled on disk until then, and written (then removed from the journal) on the first
 * question, by this client or another one on the same staging store and CODEX_HOME; written at
 * close only when this client's wait; a record codex refused leaves the journal, one a broken
 * connection lost stays for later; a large journal goes in batches, none dropped.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ConnectionClosedError, RpcError } from "../../../src/errors/index.js";
import { FileStore, type StagedFile } from "../../../src/files/index.js";
import { DeferredThreadStore, MAX_RECORDS_PER_FLUSH } from "../../../src/transport/deferred-store.js";
import type { ThreadStore } from "../../../src/transport/index.js";
import { recordingLogger } from "../../helpers/logger.js";

const HOME = "/nowhere/.codex";
const dirs: string[] = [];
const stores: FileStore[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A staging store (its journal) in a fresh temp dir, or in `dir` to share one. */
function staging(dir?: string): FileStore {
  if (!dir) {
    dir = mkdtempSync(path.join(os.tmpdir(), "codexkit-deferred-test-"));
    dirs.push(dir);
  }
  const store = new FileStore({ dir: path.join(dir, "store") }, { logger: recordingLogger() });
  stores.push(store);
  return store;
}

const journalFiles = (files: FileStore): string[] => readdirSync(path.join(files.dir, "pending"));

function file(name: string): StagedFile {
  const id = Buffer.from(name).toString("hex").padStart(64, "0");
  return { id, sha256: id, name, size: 1, mimeType: "text/plain", path: `/x/${id}`, persistent: false, expiresAt: null, createdAt: 0 };
}

/** A backing store that records what it was asked (by file name), and how often it was opened and closed. */
function backing(fail: (threadId: string) => Error | null = () => null) {
  const written: Array<[string, string[]]> = [];
  const counts = { opened: 0, closed: 0 };
  const store: ThreadStore = {
    listThreads: () => Promise.resolve({ threads: [], nextCursor: null }),
    archiveThread: () => Promise.resolve(),
    mcpStatus: () => Promise.resolve([]),
    recordAttachments: (threadId, files) => {
      const error = fail(threadId);
      if (error) return Promise.reject(error);
      written.push([threadId, files.map((f) => f.name)]);
      return Promise.resolve();
    },
    listAttachments: (threadId) =>
      Promise.resolve(written.filter(([t]) => t === threadId).flatMap(([, names]) => names.map((name) => ({ fileId: name, name, size: 1, mimeType: "text/plain", attachmentId: name, createdAt: 0 })))),
    attachmentOwners: () => Promise.resolve([]),
  };
  const open = () => {
    counts.opened += 1;
    return { store, close: () => ((counts.closed += 1), Promise.resolve()) };
  };
  return { open, written, counts };
}

describe("DeferredThreadStore", () => {
  it("journals records without opening, writes them (once, by thread) on the first question and empties the journal, then writes at once", async () => {
    const b = backing();
    const files = staging();
    const store = new DeferredThreadStore(b.open, files.pendingRecords, HOME, recordingLogger());
    await store.recordAttachments("t1", [file("a"), file("b")]);
    await store.recordAttachments("t2", [file("c")]);
    await store.recordAttachments("t1", [file("a")]);
    expect(b.counts.opened).toBe(0);
    expect(journalFiles(files)).toHaveLength(3);
    expect((await store.listAttachments("t1")).map((a) => a.name).sort()).toEqual(["a", "b"]);
    expect(b.counts.opened).toBe(1);
    expect(b.written.map(([t, names]) => [t, names.sort()]).sort()).toEqual([
      ["t1", ["a", "b"]],
      ["t2", ["c"]],
    ]);
    expect(journalFiles(files)).toEqual([]);
    await store.recordAttachments("t3", [file("d")]);
    expect(b.written.at(-1)).toEqual(["t3", ["d"]]);
    expect(journalFiles(files)).toEqual([]);
    await store.listThreads({});
    expect(b.counts.opened).toBe(1);
  });

  it("a program that ended without close(): the next client of the same staging store and home writes its records on its first question", async () => {
    const first = staging();
    const dir = path.dirname(first.dir);
    const gone = new DeferredThreadStore(backing().open, first.pendingRecords, HOME, recordingLogger());
    await gone.recordAttachments("t1", [file("a")]);
    // ... and the program ends here: no close().

    const other = backing();
    const elsewhere = new DeferredThreadStore(other.open, staging(dir).pendingRecords, "/another/.codex", recordingLogger());
    await elsewhere.listThreads({});
    expect(other.written).toEqual([]);

    const next = backing();
    const store = new DeferredThreadStore(next.open, staging(dir).pendingRecords, HOME, recordingLogger());
    expect((await store.listAttachments("t1")).map((a) => a.name)).toEqual(["a"]);
    expect(journalFiles(first)).toEqual([]);
  });

  it("close() opens the store only when this client's records wait, and closes what it opened", async () => {
    const idle = backing();
    await new DeferredThreadStore(idle.open, staging().pendingRecords, HOME, recordingLogger()).close();
    expect(idle.counts).toEqual({ opened: 0, closed: 0 });

    const waiting = backing();
    const files = staging();
    const store = new DeferredThreadStore(waiting.open, files.pendingRecords, HOME, recordingLogger());
    await store.recordAttachments("t1", [file("a")]);
    await store.close();
    expect(waiting.written).toEqual([["t1", ["a"]]]);
    expect(waiting.counts).toEqual({ opened: 1, closed: 1 });
    expect(journalFiles(files)).toEqual([]);
  });

  it("writes a journal larger than one batch in batches, dropping none", async () => {
    const b = backing();
    const files = staging();
    const store = new DeferredThreadStore(b.open, files.pendingRecords, HOME, recordingLogger());
    const many = Array.from({ length: MAX_RECORDS_PER_FLUSH + 5 }, (_, i) => file(`f${i}`));
    await store.recordAttachments("t1", many);
    await store.listThreads({});
    expect(b.written.map(([, names]) => names.length)).toEqual([MAX_RECORDS_PER_FLUSH, 5]);
    expect(new Set(b.written.flatMap(([, names]) => names)).size).toBe(many.length);
    expect(journalFiles(files)).toEqual([]);
  });

  it("removes a record codex refused; keeps one a broken connection lost, writes it at a later question, and leaves it journaled at close", async () => {
    let broken = true;
    const b = backing((threadId) => (threadId === "refused" ? new RpcError("no such thread", { rpcCode: -32600, method: "thread/attachment/add" }) : broken ? new ConnectionClosedError("codex app-server was closed") : null));
    const logger = recordingLogger();
    const files = staging();
    const store = new DeferredThreadStore(b.open, files.pendingRecords, HOME, logger);
    await store.recordAttachments("refused", [file("a")]);
    await store.recordAttachments("lost", [file("b")]);
    await store.listThreads({});
    expect((await files.pendingRecords.read(HOME, 10)).map((r) => r.threadId)).toEqual(["lost"]);
    broken = false;
    await store.mcpStatus();
    expect(b.written).toEqual([["lost", ["b"]]]);
    expect(journalFiles(files)).toEqual([]);

    // Open and broken: a record written at once but lost is journaled, not dropped.
    broken = true;
    await store.recordAttachments("lost", [file("c")]);
    expect((await files.pendingRecords.read(HOME, 10)).map((r) => r.file.name)).toEqual(["c"]);
    await store.close();
    expect((await files.pendingRecords.read(HOME, 10)).map((r) => r.file.name)).toEqual(["c"]);
    expect(logger.messages("warn").some((m) => m.includes("stay journaled"))).toBe(true);
  });
});
