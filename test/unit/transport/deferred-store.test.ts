/**
 * The exec transport's thread store: opened only when asked something, with the attachment
 * records of earlier turns written first; bounded while it waits; written at close only when some
 * wait; a record codex refused is dropped, one a broken connection lost waits again.
 */
import { describe, expect, it } from "vitest";
import { ConnectionClosedError, RpcError } from "../../../src/errors/index.js";
import type { StagedFile } from "../../../src/files/index.js";
import { DeferredThreadStore, MAX_PENDING_RECORDS } from "../../../src/transport/deferred-store.js";
import type { ThreadStore } from "../../../src/transport/index.js";
import { recordingLogger } from "../../helpers/logger.js";

function file(id: string): StagedFile {
  return { id, sha256: id, name: `${id}.txt`, size: 1, mimeType: "text/plain", path: `/x/${id}`, persistent: false, expiresAt: null, createdAt: 0 };
}

/** A backing store that records what it was asked, and how often it was opened and closed. */
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
      written.push([threadId, files.map((f) => f.id)]);
      return Promise.resolve();
    },
    listAttachments: (threadId) =>
      Promise.resolve(written.filter(([t]) => t === threadId).flatMap(([, ids]) => ids.map((id) => ({ fileId: id, name: "", size: 1, mimeType: "text/plain", attachmentId: id, createdAt: 0 })))),
    attachmentOwners: () => Promise.resolve([]),
  };
  const open = () => {
    counts.opened += 1;
    return { store, close: () => ((counts.closed += 1), Promise.resolve()) };
  };
  return { open, written, counts };
}

describe("DeferredThreadStore", () => {
  it("keeps records without opening, writes them (once, by thread) on the first question, then writes at once", async () => {
    const b = backing();
    const store = new DeferredThreadStore(b.open, recordingLogger());
    await store.recordAttachments("t1", [file("a"), file("b")]);
    await store.recordAttachments("t2", [file("c")]);
    await store.recordAttachments("t1", [file("a")]);
    expect(b.counts.opened).toBe(0);
    expect(store.pendingRecords).toBe(3);
    expect((await store.listAttachments("t1")).map((a) => a.fileId)).toEqual(["b", "a"]);
    expect(b.counts.opened).toBe(1);
    expect(b.written).toEqual([
      ["t1", ["b", "a"]],
      ["t2", ["c"]],
    ]);
    await store.recordAttachments("t3", [file("d")]);
    expect(b.written.at(-1)).toEqual(["t3", ["d"]]);
    await store.listThreads({});
    expect(b.counts.opened).toBe(1);
  });

  it("close() opens the store only when records wait, and closes what it opened", async () => {
    const idle = backing();
    await new DeferredThreadStore(idle.open, recordingLogger()).close();
    expect(idle.counts).toEqual({ opened: 0, closed: 0 });

    const waiting = backing();
    const store = new DeferredThreadStore(waiting.open, recordingLogger());
    await store.recordAttachments("t1", [file("a")]);
    await store.close();
    expect(waiting.written).toEqual([["t1", ["a"]]]);
    expect(waiting.counts).toEqual({ opened: 1, closed: 1 });
    expect(store.opened).toBe(false);
  });

  it("keeps at most MAX_PENDING_RECORDS, dropping the oldest, and warns once", async () => {
    const b = backing();
    const logger = recordingLogger();
    const store = new DeferredThreadStore(b.open, logger);
    const files = Array.from({ length: MAX_PENDING_RECORDS + 5 }, (_, i) => file(`f${i}`));
    await store.recordAttachments("t1", files.slice(0, MAX_PENDING_RECORDS + 2));
    await store.recordAttachments("t1", files.slice(MAX_PENDING_RECORDS + 2));
    expect(store.pendingRecords).toBe(MAX_PENDING_RECORDS);
    expect(logger.messages("warn").filter((m) => m.includes("the oldest are dropped"))).toHaveLength(1);
    await store.listThreads({});
    expect(b.written[0]![1][0]).toBe("f5");
    expect(b.written[0]![1]).toHaveLength(MAX_PENDING_RECORDS);
  });

  it("drops a record codex refused; keeps one a broken connection lost, and drops it (warning) at close", async () => {
    let broken = true;
    const b = backing((threadId) => (threadId === "refused" ? new RpcError("no such thread", { rpcCode: -32600, method: "thread/attachment/add" }) : broken ? new ConnectionClosedError("codex app-server was closed") : null));
    const logger = recordingLogger();
    const store = new DeferredThreadStore(b.open, logger);
    await store.recordAttachments("refused", [file("a")]);
    await store.recordAttachments("lost", [file("b")]);
    await store.listThreads({});
    expect(store.pendingRecords).toBe(1);
    broken = false;
    await store.mcpStatus();
    expect(b.written).toEqual([["lost", ["b"]]]);
    expect(store.pendingRecords).toBe(0);

    broken = true;
    const closing = new DeferredThreadStore(b.open, logger);
    await closing.recordAttachments("lost", [file("c")]);
    await closing.close();
    expect(closing.pendingRecords).toBe(0);
    expect(logger.messages("warn").some((m) => m.includes("they are dropped"))).toBe(true);
  });
});
