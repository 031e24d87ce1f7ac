/**
 * The staging store trusts only directories this user owns alone: another user's directory, a
 * group- or world-writable one, a squatted default, a symlink someone else made, or one below a
 * directory others can write is refused with `UnsafeDirectoryError` naming it, and nothing is
 * written. A fresh default is private (0700) and works. (Runs as root in CI: `chown` to nobody.)
 */
import { chmodSync, chownSync, lchownSync, mkdirSync, readdirSync, statSync, symlinkSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { UnsafeDirectoryError } from "../../../src/errors/index.js";
import { FileStore } from "../../../src/files/index.js";
import { defaultStoreDir, openStoreDir } from "../../../src/files/store-dir.js";
import { silentLogger } from "../../../src/logger.js";
import { storeFixture } from "./fixture.js";

const NOBODY = 65534;
const root = process.getuid?.() === 0;
const { tempDir, track } = storeFixture("codexkit-store-dir-");
afterEach(() => {
  vi.unstubAllEnvs();
});

function store(dir?: string): FileStore {
  return track(new FileStore(dir === undefined ? {} : { dir }, { logger: silentLogger }));
}

/** Staging into `dir` fails with UnsafeDirectoryError naming it and matching `why`; nothing is written there. */
async function expectRefused(files: FileStore, why: RegExp): Promise<UnsafeDirectoryError> {
  const before = readdirSync(files.dir);
  const error = await files.stage(Buffer.from("secret content"), { name: "s.txt" }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(UnsafeDirectoryError);
  const refused = error as UnsafeDirectoryError;
  expect(refused.code).toBe("unsafe_directory");
  expect(refused.directory).toBe(files.dir);
  expect(refused.message).toContain(files.dir);
  expect(refused.message).toMatch(why);
  await expect(files.list()).rejects.toBeInstanceOf(UnsafeDirectoryError);
  expect(readdirSync(files.dir)).toEqual(before);
  return refused;
}

describe.runIf(root)("the staging directory", () => {
  it("is refused when another user owns it, naming it and the fix; nothing is written", async () => {
    const dir = path.join(tempDir(), "theirs");
    mkdirSync(dir, { mode: 0o700 });
    chownSync(dir, NOBODY, NOBODY);
    const error = await expectRefused(store(dir), /owned by another user \(uid 65534; this process runs as uid 0\)/);
    expect(error.message).toMatch(/set files\.dir to a directory only you can write/);
  });

  it("is refused when its group or others can write it, with the chmod that fixes it; fixed, the same store works", async () => {
    for (const mode of [0o770, 0o707, 0o777]) {
      const dir = path.join(tempDir(), "shared");
      mkdirSync(dir);
      chmodSync(dir, mode);
      const files = store(dir);
      await expectRefused(files, new RegExp(`writable by .* \\(mode 0${mode.toString(8)}\\)\\. Run chmod 700 ${dir}`));
      chmodSync(dir, 0o700);
      await expect(files.stage(Buffer.from("now private"))).resolves.toMatchObject({ size: 11 });
    }
  });

  it("is refused when a directory inside it (meta, blobs, tmp) belongs to another user", async () => {
    const dir = path.join(tempDir(), "store");
    mkdirSync(path.join(dir, "blobs"), { recursive: true, mode: 0o700 });
    chownSync(path.join(dir, "blobs"), NOBODY, NOBODY);
    await expectRefused(store(dir), /blobs is owned by another user/);
    expect(readdirSync(dir)).toEqual(["blobs"]);
  });

  it("is refused below a directory others can write without the sticky bit, or that another user owns; /tmp-like sticky parents are fine", async () => {
    const open = path.join(tempDir(), "open");
    mkdirSync(open);
    chmodSync(open, 0o777);
    await expect(store(path.join(open, "store")).stage(Buffer.from("x"))).rejects.toThrow(new RegExp(`${open}, a directory above it, is writable by group and others \\(mode 0777\\)`));
    // Nothing was made in it: the check comes before the mkdir.
    expect(readdirSync(open)).toEqual([]);
    const owned = path.join(tempDir(), "owned");
    mkdirSync(owned);
    chownSync(owned, NOBODY, NOBODY);
    await expect(store(path.join(owned, "store")).stage(Buffer.from("x"))).rejects.toThrow(new RegExp(`${owned}, a directory above it, is owned by another user \\(uid 65534\\)`));
    expect(readdirSync(owned)).toEqual([]);
    chmodSync(open, 0o1777);
    await expect(store(path.join(open, "store")).stage(Buffer.from("x"))).resolves.toMatchObject({ size: 1 });
  });

  it("is refused when it is a symlink another user made, even to this user's own private directory", async () => {
    const base = tempDir();
    const mine = path.join(base, "mine");
    mkdirSync(mine, { mode: 0o700 });
    const link = path.join(base, "link");
    symlinkSync(mine, link);
    lchownSync(link, NOBODY, NOBODY);
    await expectRefused(store(link), /link is a symlink owned by another user \(uid 65534\)/);
    expect(readdirSync(mine)).toEqual([]);
  });

  it("follows this user's own symlink to a private directory", async () => {
    const base = tempDir();
    const mine = path.join(base, "mine");
    mkdirSync(mine, { mode: 0o700 });
    symlinkSync(mine, path.join(base, "link"));
    const staged = await store(path.join(base, "link")).stage(Buffer.from("via my link"));
    expect(readdirSync(path.join(mine, "blobs"))).toEqual([staged.sha256]);
  });

  it("by default is never a squatted location: one another user made first is refused", async () => {
    const cache = tempDir();
    vi.stubEnv("XDG_CACHE_HOME", cache);
    const squatted = path.join(cache, "codexkit", "files");
    mkdirSync(squatted, { recursive: true, mode: 0o777 });
    chmodSync(squatted, 0o777);
    chownSync(squatted, NOBODY, NOBODY);
    const files = store();
    expect(files.dir).toBe(squatted);
    await expectRefused(files, /owned by another user/);
    expect(readdirSync(squatted)).toEqual([]);
  });

  it("by default is created private (0700) in the user's cache directory, and works", async () => {
    const cache = tempDir();
    vi.stubEnv("XDG_CACHE_HOME", cache);
    const files = store();
    expect(files.dir).toBe(path.join(cache, "codexkit", "files"));
    const staged = await files.stage(Buffer.from("private"), { name: "p.txt" });
    expect(staged.path.startsWith(files.dir + path.sep)).toBe(true);
    for (const dir of [path.join(cache, "codexkit"), files.dir, path.join(files.dir, "blobs"), path.join(files.dir, "meta"), path.join(files.dir, "tmp")]) {
      expect(statSync(dir).mode & 0o777).toBe(0o700);
    }
  });

  it("is not checked on Windows (no uids): the platform rule is skipped", async () => {
    const dir = path.join(tempDir(), "theirs");
    mkdirSync(dir, { mode: 0o777 });
    chownSync(dir, NOBODY, NOBODY);
    await expect(openStoreDir(dir, ["meta"], "linux")).rejects.toBeInstanceOf(UnsafeDirectoryError);
    await openStoreDir(dir, ["meta"], "win32");
    expect(readdirSync(dir)).toEqual(["meta"]);
  });
});

describe("defaultStoreDir", () => {
  const home = (): string => "/home/ada";
  it("is the user's cache directory on each platform", () => {
    expect(defaultStoreDir({}, "linux", home)).toBe("/home/ada/.cache/codexkit/files");
    expect(defaultStoreDir({ XDG_CACHE_HOME: "/var/cache/ada" }, "linux", home)).toBe("/var/cache/ada/codexkit/files");
    expect(defaultStoreDir({ XDG_CACHE_HOME: "relative/cache" }, "freebsd", home)).toBe("/home/ada/.cache/codexkit/files");
    expect(defaultStoreDir({ XDG_CACHE_HOME: "/ignored" }, "darwin", () => "/Users/ada")).toBe("/Users/ada/Library/Caches/codexkit/files");
    expect(defaultStoreDir({ LOCALAPPDATA: "C:\\Users\\ada\\AppData\\Local" }, "win32", () => "C:\\Users\\ada")).toBe("C:\\Users\\ada\\AppData\\Local\\codexkit\\files");
    expect(defaultStoreDir({}, "win32", () => "C:\\Users\\ada")).toBe("C:\\Users\\ada\\AppData\\Local\\codexkit\\files");
  });

  it("without a home directory is a per-uid name in the temp dir, which the same checks guard", () => {
    const none = (): string => {
      throw new Error("no home");
    };
    expect(defaultStoreDir({}, "linux", none)).toBe(path.join(os.tmpdir(), `codexkit-files-${process.getuid?.() ?? "user"}`));
  });
});
