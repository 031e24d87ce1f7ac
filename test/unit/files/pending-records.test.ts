/**
 * The staging store's journal of attachment records waiting for codex: one private file per
 * record, written through a temp file and renamed; read back per CODEX_HOME; a record kept twice
 * is one file; removal deletes; a corrupt file is logged and removed, never thrown.
 */
import { existsSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { rename } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { FileStore, type StagedFile } from "../../../src/files/index.js";
import { silentLogger } from "../../../src/logger.js";
import { recordingLogger } from "../../helpers/logger.js";
import { storeFixture } from "./fixture.js";

vi.mock("node:fs/promises", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:fs/promises")>();
  return { ...actual, rename: vi.fn(actual.rename) };
});

const { tempDir, track } = storeFixture("codexkit-pending-test-");

function store(logger = silentLogger): FileStore {
  return track(new FileStore({ dir: path.join(tempDir(), "store") }, { logger }));
}

function file(n: number): StagedFile {
  const id = n.toString(16).padStart(64, "0");
  return { id, sha256: id, name: `f${n}.txt`, size: n, mimeType: "text/plain", path: `/x/${id}`, persistent: false, expiresAt: null, createdAt: 0 };
}

const pending = (files: FileStore): string[] => readdirSync(path.join(files.dir, "pending")).sort();

describe("PendingRecords", () => {
  it("asking whether records wait creates no store: no directory, no records (listing threads writes nothing)", async () => {
    const files = store();
    expect(await files.pendingRecords.has("/codex-home")).toBe(false);
    expect(await files.pendingRecords.read("/codex-home", 10)).toEqual([]);
    expect(existsSync(files.dir)).toBe(false);
  });

  it("keeps one private file per record (the same record kept twice is one), and reads them back by home", async () => {
    const files = store();
    const journal = files.pendingRecords;
    await journal.add("/home/a/.codex", "t1", [file(1), file(2)]);
    await journal.add("/home/a/.codex", "t1", [file(1)]);
    await journal.add("/home/b/.codex", "t2", [file(3)]);
    expect(pending(files)).toHaveLength(3);
    for (const name of pending(files)) expect(statSync(path.join(files.dir, "pending", name)).mode & 0o777).toBe(0o600);
    expect(readdirSync(path.join(files.dir, "tmp"))).toEqual([]);

    const a = await journal.read("/home/a/.codex", 10);
    expect(a.map((r) => [r.threadId, r.file.name]).sort()).toEqual([
      ["t1", "f1.txt"],
      ["t1", "f2.txt"],
    ]);
    expect(a[0]!.file).toMatchObject({ mimeType: "text/plain", persistent: false });
    expect((await journal.read("/home/b/.codex/", 10)).map((r) => r.file.id)).toEqual([file(3).id]);
    expect(await journal.read("/home/a/.codex", 1)).toHaveLength(1);
    expect(await journal.has("/home/c/.codex")).toBe(false);
  });

  it("writes through a private temp file renamed into place: a write cut before the rename leaves no record and no temp file", async () => {
    const files = store();
    await files.pendingRecords.add("/h", "t0", [file(6)]);
    const [from, to] = vi.mocked(rename).mock.calls.at(-1)!.map(String);
    expect(path.dirname(from!)).toBe(path.join(files.dir, "tmp"));
    expect(path.basename(from!).startsWith(`${process.pid}-`)).toBe(true);
    expect(path.dirname(to!)).toBe(path.join(files.dir, "pending"));

    vi.mocked(rename).mockRejectedValueOnce(Object.assign(new Error("cut"), { code: "EIO" }));
    await expect(files.pendingRecords.add("/h", "t1", [file(7)])).rejects.toThrow("cut");
    expect((await files.pendingRecords.read("/h", 10)).map((r) => r.threadId)).toEqual(["t0"]);
    expect(readdirSync(path.join(files.dir, "tmp"))).toEqual([]);
  });

  it("remove() deletes the records' files; has() says whether any of a home wait", async () => {
    const files = store();
    const journal = files.pendingRecords;
    await journal.add("/h", "t1", [file(1), file(2)]);
    const records = await journal.read("/h", 10);
    await journal.remove(records.slice(0, 1));
    expect(pending(files)).toHaveLength(1);
    expect(await journal.has("/h")).toBe(true);
    await journal.remove(records);
    expect(pending(files)).toEqual([]);
    expect(await journal.has("/h")).toBe(false);
  });

  it("a corrupt file is logged and removed, not thrown; the good ones are still read", async () => {
    const logger = recordingLogger();
    const files = store(logger);
    const journal = files.pendingRecords;
    await journal.add("/h", "t1", [file(1), file(2), file(3)]);
    const [first, second] = pending(files);
    writeFileSync(path.join(files.dir, "pending", first!), "{ not json");
    writeFileSync(path.join(files.dir, "pending", second!), JSON.stringify({ v: 1, home: path.resolve("/h"), threadId: "t1", file: { id: "x" } }));
    const records = await journal.read("/h", 10);
    expect(records).toHaveLength(1);
    expect(pending(files)).toEqual([records[0]!.key]);
    expect(logger.messages("warn").filter((m) => m.includes("corrupt"))).toHaveLength(2);
  });
});
