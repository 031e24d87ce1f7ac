import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TurnBuffer } from "../../../../src/transport/app-server/turn-buffer.js";

/** Spill dirs of this process currently in the temp dir. */
function spillDirs(): string[] {
  return readdirSync(os.tmpdir()).filter((name) => name.startsWith("codexkit-spill-"));
}

async function drain<T>(buffer: TurnBuffer<T>, count: number): Promise<T[]> {
  const out: T[] = [];
  if (count === 0) return out;
  for await (const value of buffer) {
    out.push(value);
    if (out.length === count) break;
  }
  return out;
}

describe("TurnBuffer", () => {
  it("keeps entries in memory up to its limit, spills the rest in order, and reads them all back", async () => {
    const spilled: number[] = [];
    const buffer = new TurnBuffer<{ n: number; text: string }>({ limitBytes: 1000, onSpill: (bytes) => spilled.push(bytes) });
    for (let n = 0; n < 50; n++) buffer.push({ n, text: "x".repeat(100) }, 120);
    expect(buffer.bytesInMemory).toBe(960);
    expect(buffer.spilledCount).toBe(42);
    expect(spilled).toEqual([960]);
    const values = await drain(buffer, 50);
    expect(values.map((v) => v.n)).toEqual([...Array(50).keys()]);
    expect(values.every((v) => v.text.length === 100)).toBe(true);
    buffer.dispose();
  });

  it("goes back to memory once the spilled entries are read, keeping order across both", async () => {
    const buffer = new TurnBuffer<number>({ limitBytes: 10 });
    for (let n = 0; n < 5; n++) buffer.push(n, 4);
    expect(await drain(buffer, 5)).toEqual([0, 1, 2, 3, 4]);
    buffer.push(5, 4);
    expect(buffer.spilledCount).toBe(0);
    expect(await drain(buffer, 1)).toEqual([5]);
    buffer.dispose();
  });

  it("preserves order for any interleaving of pushes and reads", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(40), fc.nat(6)), { maxLength: 30 }), fc.integer({ min: 1, max: 80 }), async (steps, limit) => {
        const buffer = new TurnBuffer<number>({ limitBytes: limit });
        const iterator = buffer[Symbol.asyncIterator]();
        let next = 0;
        const seen: number[] = [];
        for (const [size, reads] of steps) {
          buffer.push(next++, size);
          for (let r = 0; r < reads && seen.length < next; r++) seen.push((await iterator.next()).value as number);
        }
        while (seen.length < next) seen.push((await iterator.next()).value as number);
        buffer.dispose();
        expect(seen).toEqual([...Array(next).keys()]);
      }),
      { numRuns: 60 },
    );
  });

  it("ends with the failure after the entries before it, and abort ends at once", async () => {
    const buffer = new TurnBuffer<number>({ limitBytes: 8 });
    for (let n = 0; n < 4; n++) buffer.push(n, 4);
    buffer.fail(new Error("gone"));
    buffer.push(99, 1);
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const value of buffer) seen.push(value);
      })(),
    ).rejects.toThrow("gone");
    expect(seen).toEqual([0, 1, 2, 3]);
    buffer.dispose();

    const aborted = new TurnBuffer<number>();
    aborted.push(1, 1);
    aborted.abort();
    expect(await drain(aborted, 1)).toEqual([]);
  });

  it("removes its spill file on dispose", async () => {
    const before = new Set(spillDirs());
    const buffer = new TurnBuffer<string>({ limitBytes: 1 });
    buffer.push("a", 10);
    buffer.push("b", 10);
    expect(await drain(buffer, 1)).toEqual(["a"]);
    const created = spillDirs().filter((name) => !before.has(name));
    expect(created).toHaveLength(1);
    buffer.dispose();
    expect(existsSync(`${os.tmpdir()}/${created[0]}`)).toBe(false);
  });

  it("removes the spill directories of programs that died without cleaning up, and only theirs", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "codexkit-spill-test-"));
    try {
      const dead = spawnSync(process.execPath, ["-e", "process.exit(0)"]).pid;
      for (const name of [`codexkit-spill-${dead}-abc`, `codexkit-spill-${process.ppid}-def`, "codexkit-spill-nopid", "other"]) mkdirSync(path.join(dir, name));
      const buffer = new TurnBuffer<string>({ limitBytes: 1, tmpDir: dir });
      buffer.push("a", 10);
      buffer.push("b", 10);
      expect(readdirSync(dir).some((name) => name.startsWith(`codexkit-spill-${dead}-`))).toBe(false);
      expect(readdirSync(dir)).toEqual(expect.arrayContaining([`codexkit-spill-${process.ppid}-def`, "codexkit-spill-nopid", "other"]));
      buffer.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
