import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { AbortError, AttachmentError, InvalidOptionsError } from "../../../src/errors/index.js";
import { FileStore, detectMimeType } from "../../../src/files/index.js";
import { KNOWN_PATHS } from "../../../src/files/staging.js";
import type { LruMap } from "../../../src/lru.js";
import { silentLogger } from "../../../src/logger.js";
import { PNG } from "../../helpers/fixtures.js";
import { recordingLogger } from "../../helpers/logger.js";
import { storeFixture } from "./fixture.js";

const { tempDir, track } = storeFixture("codexkit-files-test-");

function store(options: ConstructorParameters<typeof FileStore>[0] = {}, logger = silentLogger): FileStore {
  return track(new FileStore({ dir: path.join(tempDir(), "store"), ...options }, { logger }));
}

/** Every file under `dir`, relative. */
function tree(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

describe("FileStore.stage", () => {
  it("copies a file, keyed by its SHA-256, with its name and detected type", async () => {
    const files = store();
    const source = path.join(tempDir(), "diagram.png");
    writeFileSync(source, PNG);
    const staged = await files.stage(source);
    expect(staged).toMatchObject({ name: "diagram.png", size: PNG.length, mimeType: "image/png", persistent: false });
    expect(staged.id).toMatch(/^[0-9a-f]{64}$/);
    expect(staged.sha256).toBe(staged.id);
    expect(readFileSync(staged.path)).toEqual(PNG);
    expect(path.basename(staged.path)).toBe("diagram.png");
    expect(staged.expiresAt).toBeGreaterThan(Date.now());
  });

  it("gives one copy and one id for the same content staged 100 times at once, from bytes, a path and streams", async () => {
    const files = store();
    const content = Buffer.from("the same content ".repeat(1000));
    const source = path.join(tempDir(), "same.txt");
    writeFileSync(source, content);
    const results = await Promise.all([
      ...Array.from({ length: 40 }, () => files.stage(content, { name: "same.txt" })),
      ...Array.from({ length: 40 }, () => files.stage(source)),
      ...Array.from({ length: 20 }, () => files.stage(Readable.from([content.subarray(0, 5), content.subarray(5)]), { name: "same.txt" })),
    ]);
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(tree(path.join(files.dir, "blobs"))).toHaveLength(1);
    expect(tree(path.join(files.dir, "tmp"))).toEqual([]);
    expect(await files.list()).toHaveLength(1);
  });

  it("stages a web ReadableStream and detects text", async () => {
    const files = store();
    const web = new Blob(["hello, world\n"]).stream();
    const staged = await files.stage(web, { name: "notes" });
    expect(staged).toMatchObject({ name: "notes", size: 13, mimeType: "text/plain" });
  });

  it("refuses a missing file, a directory, a file over the limit and a symlink out of the roots; nothing is left", async () => {
    const root = tempDir();
    const outside = path.join(tempDir(), "secret.txt");
    writeFileSync(outside, "outside");
    const big = path.join(root, "big.bin");
    writeFileSync(big, Buffer.alloc(2048));
    symlinkSync(outside, path.join(root, "link.txt"));
    const files = store({ roots: [root], maxBytes: 1024 });
    await expect(files.stage(path.join(root, "nope.txt"))).rejects.toThrow(/nope\.txt does not exist/);
    await expect(files.stage(root)).rejects.toThrow(/is a directory/);
    await expect(files.stage(big)).rejects.toThrow(/2048 bytes, over the limit of 1024/);
    await expect(files.stage(path.join(root, "link.txt"))).rejects.toThrow(/is a symlink to .*secret\.txt, outside the allowed roots/);
    await expect(files.stage(outside)).rejects.toBeInstanceOf(AttachmentError);
    await expect(files.stage(Readable.from([Buffer.alloc(700), Buffer.alloc(700)]), { name: "stream.bin" })).rejects.toThrow(/over the limit of 1024 bytes/);
    await expect(files.stage(Buffer.alloc(1025))).rejects.toBeInstanceOf(AttachmentError);
    expect(tree(files.dir)).toEqual([]);
  });

  it.skipIf(process.getuid?.() === 0)("refuses an unreadable file", async () => {
    const files = store();
    const locked = path.join(tempDir(), "locked.txt");
    writeFileSync(locked, "x");
    chmodSync(locked, 0o000);
    await expect(files.stage(locked)).rejects.toThrow(/cannot be read \(permission denied\)/);
  });

  it("stops an aborted copy and leaves no partial file", async () => {
    const files = store();
    const controller = new AbortController();
    const slow = new Readable({ read() {} });
    slow.push(Buffer.alloc(1000));
    const staging = files.stage(slow, { name: "slow.bin", signal: controller.signal });
    // Aborted once the partial copy is on disk, holding what the stream gave so far.
    const tmp = path.join(files.dir, "tmp");
    await vi.waitFor(() => expect(tree(tmp).map((name) => statSync(path.join(tmp, name)).size)).toEqual([1000]));
    controller.abort();
    await expect(staging).rejects.toBeInstanceOf(AbortError);
    expect(tree(files.dir)).toEqual([]);
  });

  it("checks its options", async () => {
    const files = store();
    await expect(files.stage(Buffer.from("x"), { ttlMs: -1 })).rejects.toBeInstanceOf(InvalidOptionsError);
    await expect(files.stage(Buffer.from("x"), { mimeType: "nonsense" })).rejects.toBeInstanceOf(InvalidOptionsError);
    await expect(files.stage(42 as never)).rejects.toBeInstanceOf(InvalidOptionsError);
  });
});

describe("FileStore lifetimes", () => {
  it("sweeps an ephemeral file after its TTL, by a timer that does not keep Node alive, but not while leased", async () => {
    const logger = recordingLogger();
    const files = store({}, logger);
    const leased = await files.stage(Buffer.from("leased"), { ttlMs: 30 });
    const free = await files.stage(Buffer.from("free"), { ttlMs: 30 });
    const release = files.lease(leased.id);
    // The sweep removes the record, then the content: wait for both (a get between them already says "gone").
    await expect.poll(async () => (await files.get(free.id)) === undefined && !existsSync(free.path), { timeout: 2_000 }).toBe(true);
    expect(await files.get(leased.id)).toBeDefined();
    release();
    // Released: the next sweep takes it (the timer, or cleanup() if it comes first).
    await files.cleanup();
    await expect.poll(async () => (await files.list()).length, { timeout: 2_000 }).toBe(0);
    expect(logger.entries.filter((e) => e.obj.event === "file.swept").map((e) => e.obj.reason)).toContain("ttl");
  });

  it("keeps persistent files across close() and a new store; removes ephemeral ones at close()", async () => {
    const dir = path.join(tempDir(), "shared");
    const first = new FileStore({ dir }, { logger: silentLogger });
    track(first);
    const kept = await first.stage(Buffer.from("keep me"), { persistent: true, name: "kept.txt" });
    const gone = await first.stage(Buffer.from("drop me"), { name: "gone.txt" });
    await first.close();
    expect(existsSync(gone.path)).toBe(false);
    const second = new FileStore({ dir }, { logger: silentLogger });
    track(second);
    expect((await second.list()).map((f) => f.name)).toEqual(["kept.txt"]);
    expect(await second.get(kept.id)).toMatchObject({ persistent: true, expiresAt: null });
    expect(await second.remove(kept.id)).toBe(true);
    expect(await second.remove(kept.id)).toBe(false);
  });

  it("staging known content as persistent makes it persistent; again as ephemeral keeps it persistent", async () => {
    const files = store();
    const first = await files.stage(Buffer.from("content"));
    const second = await files.stage(Buffer.from("content"), { persistent: true });
    const third = await files.stage(Buffer.from("content"));
    expect([first.persistent, second.persistent, third.persistent]).toEqual([false, true, true]);
  });

  it("a second client in the same process closing does not remove the other's ephemeral file", async () => {
    const dir = path.join(tempDir(), "shared");
    const a = new FileStore({ dir }, { logger: silentLogger });
    const b = new FileStore({ dir }, { logger: silentLogger });
    track(a);
    track(b);
    const staged = await a.stage(Buffer.from("both"));
    await b.stage(Buffer.from("both"));
    await b.close();
    expect(existsSync(staged.path)).toBe(true);
    await a.close();
    expect(existsSync(staged.path)).toBe(false);
  });

  it("forgets what it knew of a source path when its file is removed or swept, and knows at most KNOWN_PATHS paths", async () => {
    const files = store();
    const known = (files as unknown as { stager: { known: LruMap<string, string> } }).stager.known;
    expect(known.capacity).toBe(KNOWN_PATHS);
    const [a, b] = ["a.txt", "b.txt"].map((name) => {
      const source = path.join(tempDir(), name);
      writeFileSync(source, name);
      return source;
    });
    const removed = await files.stage(a!);
    // Long enough not to expire before the next lines on a busy machine; the sweep then forgets it.
    await files.stage(b!, { ttlMs: 500 });
    // A re-stage of an unchanged path adds nothing.
    await files.stage(a!);
    expect(known.size).toBe(2);
    await files.remove(removed.id);
    expect(known.size).toBe(1);
    await expect.poll(() => known.size, { timeout: 5_000 }).toBe(0);
  });

  it("recovers at start: copies and ephemeral files of a process that died are removed, persistent ones kept", async () => {
    const dir = path.join(tempDir(), "shared");
    // A child process stages, then dies without close(), in the middle of a second copy.
    const script = `
      const { FileStore } = await import(${JSON.stringify(new URL("../../../src/files/index.ts", import.meta.url).pathname)});
      const { Readable } = await import("node:stream");
      const { readdirSync, statSync } = await import("node:fs");
      const { join } = await import("node:path");
      const dir = ${JSON.stringify(dir)};
      const s = new FileStore({ dir }, { logger: { debug() {}, info() {}, warn() {}, error() {} } });
      await s.stage(Buffer.from("ephemeral of a dead process"));
      await s.stage(Buffer.from("persistent of a dead process"), { persistent: true });
      const slow = new Readable({ read() {} });
      slow.push(Buffer.alloc(4096));
      void s.stage(slow, { name: "half.bin" });
      // Dies once the half copy is on disk, whatever the machine's speed.
      const tmp = join(dir, "tmp");
      setInterval(() => {
        if (readdirSync(tmp).some((name) => statSync(join(tmp, name), { throwIfNoEntry: false })?.size === 4096)) process.kill(process.pid, "SIGKILL");
      }, 5);
    `;
    try {
      execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { stdio: "ignore", timeout: 15_000, killSignal: "SIGKILL" });
    } catch {
      // Killed, as planned.
    }
    expect(tree(path.join(dir, "tmp")).length).toBeGreaterThan(0);
    const files = new FileStore({ dir }, { logger: silentLogger });
    track(files);
    const left = await files.list();
    expect(left.map((f) => f.persistent)).toEqual([true]);
    expect(tree(path.join(dir, "tmp"))).toEqual([]);
    expect(tree(path.join(dir, "blobs"))).toHaveLength(1);
  });
});

describe("detectMimeType", () => {
  it("sniffs images and PDFs from their first bytes whatever the name", () => {
    expect(detectMimeType(PNG, "x.txt")).toBe("image/png");
    expect(detectMimeType(Buffer.from([0xff, 0xd8, 0xff, 0xe0]), "")).toBe("image/jpeg");
    expect(detectMimeType(Buffer.from("GIF89a"), "")).toBe("image/gif");
    expect(detectMimeType(Buffer.from("RIFF\0\0\0\0WEBPVP8 "), "")).toBe("image/webp");
    expect(detectMimeType(Buffer.from("%PDF-1.7"), "")).toBe("application/pdf");
    expect(detectMimeType(Buffer.from("{}"), "a.json")).toBe("application/json");
    expect(detectMimeType(Buffer.from([0, 1, 2]), "blob")).toBe("application/octet-stream");
  });

  it("takes any UTF-8 text (even cut mid-character at the end of the sniffed bytes) as text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", minLength: 1, maxLength: 200 }), fc.nat(), (text, cut) => {
        fc.pre(!text.includes("\0"));
        const bytes = Buffer.from(text, "utf8");
        const head = bytes.subarray(0, Math.max(1, bytes.length - (cut % 3)));
        expect(detectMimeType(head, "noext")).toBe("text/plain");
      }),
    );
  });
});

describe("Codex files options", () => {
  it("are checked when the client is made", async () => {
    const { Codex, InvalidOptionsError: Invalid } = await import("../../../src/index.js");
    expect(() => new Codex({ files: { ttlMs: -5 } })).toThrow(Invalid);
    expect(() => new Codex({ files: { roots: "/tmp" as never } })).toThrow(/files\.roots must be an array/);
    expect(() => new Codex({ files: { dir: "" } })).toThrow(/files\.dir/);
  });
});
