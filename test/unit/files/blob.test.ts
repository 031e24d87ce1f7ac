/**
 * Placing a blob never undoes another writer's: when the same content is placed by two stores at
 * once (in one process or two), the first whole copy stays and the second store adopts it; a
 * blob directory left without a whole copy is repaired by renaming a whole copy into it.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { FileStore } from "../../../src/files/index.js";
import { placeBlob } from "../../../src/files/blob.js";
import { silentLogger } from "../../../src/logger.js";
import { storeFixture } from "./fixture.js";

const { tempDir, track } = storeFixture("codexkit-blob-");

const content = Buffer.from("the same content, placed twice");
const sha = createHash("sha256").update(content).digest("hex");

/** A blob directory and a finished copy of `content` waiting in a temp file. */
function setup(): { blobs: string; tmp: string } {
  const base = tempDir();
  const blobs = path.join(base, "blobs");
  mkdirSync(blobs);
  const tmp = path.join(base, "copy");
  writeFileSync(tmp, content);
  return { blobs, tmp };
}

describe("placeBlob", () => {
  it("renames the copy into place as a whole directory", async () => {
    const { blobs, tmp } = setup();
    expect(await placeBlob(blobs, sha, tmp, "mine.txt", content.length)).toBe("mine.txt");
    expect(readdirSync(blobs)).toEqual([sha]);
    expect(readFileSync(path.join(blobs, sha, "mine.txt"))).toEqual(content);
  });

  it("keeps a whole copy another writer placed first (under its name), removing only its own", async () => {
    const { blobs, tmp } = setup();
    mkdirSync(path.join(blobs, sha));
    writeFileSync(path.join(blobs, sha, "theirs.txt"), content);
    const theirs = statSync(path.join(blobs, sha, "theirs.txt")).ino;
    expect(await placeBlob(blobs, sha, tmp, "mine.txt", content.length)).toBe("theirs.txt");
    expect(readdirSync(path.join(blobs, sha))).toEqual(["theirs.txt"]);
    expect(statSync(path.join(blobs, sha, "theirs.txt")).ino).toBe(theirs);
    // Nothing of ours is left: no staging directory, no temp copy.
    expect(readdirSync(blobs)).toEqual([sha]);
    expect(readdirSync(path.dirname(tmp))).toEqual(["blobs"]);
  });

  it("repairs a blob directory without a whole copy by renaming a whole one into it", async () => {
    const { blobs, tmp } = setup();
    mkdirSync(path.join(blobs, sha));
    writeFileSync(path.join(blobs, sha, "mine.txt"), content.subarray(0, 3));
    expect(await placeBlob(blobs, sha, tmp, "mine.txt", content.length)).toBe("mine.txt");
    expect(readFileSync(path.join(blobs, sha, "mine.txt"))).toEqual(content);
    expect(readdirSync(blobs)).toEqual([sha]);
  });
});

describe("two stores on one directory staging the same content at once", () => {
  it("each gets a whole file, one copy per content, and nothing half-placed is left", async () => {
    const dir = path.join(tempDir(), "store");
    const a = track(new FileStore({ dir }, { logger: silentLogger }));
    const b = track(new FileStore({ dir }, { logger: silentLogger }));
    const contents = Array.from({ length: 25 }, (_, i) => Buffer.from(`content number ${i} `.repeat(2000)));
    // Different names, so a store that wrongly trusted its own name would point at a file that is not there.
    const staged = await Promise.all(contents.flatMap((bytes, i) => [a.stage(bytes, { name: `a-${i}.txt` }), b.stage(bytes, { name: `b-${i}.txt` })]));
    for (const [i, file] of staged.entries()) {
      const whole = await (i % 2 === 0 ? a : b).require(file.id);
      // Buffer.equals: a deep toEqual over 36 KB per file is slow.
      expect(readFileSync(whole.path).equals(contents[Math.floor(i / 2)]!)).toBe(true);
      expect(readFileSync(file.path).equals(contents[Math.floor(i / 2)]!)).toBe(true);
    }
    expect(readdirSync(path.join(dir, "blobs")).sort()).toEqual([...new Set(staged.map((f) => f.sha256))].sort());
    expect(readdirSync(path.join(dir, "tmp"))).toEqual([]);
  });
});
