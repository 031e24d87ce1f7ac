import { accessSync, chmodSync, constants, mkdirSync, mkdtempSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

// resolveCodexBinary caches its result per platform in a module-level Map, and the cache ignores
// `from`; each test therefore loads a fresh copy of the module (and of the error classes, so that
// `instanceof` compares against the same module graph).
type BinaryModule = typeof import("../../../src/transport/binary.js");
type ErrorsModule = typeof import("../../../src/errors/index.js");

let binary: BinaryModule;
let errors: ErrorsModule;
const dirs: string[] = [];

beforeEach(async () => {
  vi.resetModules();
  binary = await import("../../../src/transport/binary.js");
  errors = await import("../../../src/errors/index.js");
});

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), "codexkit-binary-")));
  dirs.push(dir);
  return dir;
}

function expectNotFound(fn: () => unknown): InstanceType<ErrorsModule["CodexNotFoundError"]> {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(errors.CodexNotFoundError);
    expect(error).toBeInstanceOf(errors.CodexError);
    expect((error as InstanceType<ErrorsModule["CodexNotFoundError"]>).code).toBe("codex_not_found");
    return error as InstanceType<ErrorsModule["CodexNotFoundError"]>;
  }
  throw new Error("expected CodexNotFoundError");
}

const PLATFORMS: Record<string, { triple: string; pkg: string }> = {
  "linux-x64": { triple: "x86_64-unknown-linux-musl", pkg: "@openai/codex-linux-x64" },
  "linux-arm64": { triple: "aarch64-unknown-linux-musl", pkg: "@openai/codex-linux-arm64" },
  "darwin-x64": { triple: "x86_64-apple-darwin", pkg: "@openai/codex-darwin-x64" },
  "darwin-arm64": { triple: "aarch64-apple-darwin", pkg: "@openai/codex-darwin-arm64" },
};
const platform = PLATFORMS[`${process.platform}-${process.arch}`];

function writeJson(file: string, value: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(value));
}

function writeExecutable(file: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, "#!/bin/sh\nexit 0\n");
  chmodSync(file, 0o755);
}

/** A fake install: node_modules/@openai/codex plus its platform package, with no binary yet. */
function fakeInstall(root: string): { vendor: string; from: string } {
  const { pkg, triple } = platform!;
  writeJson(path.join(root, "node_modules/@openai/codex/package.json"), { name: "@openai/codex", version: "0.0.0" });
  writeJson(path.join(root, "node_modules", pkg, "package.json"), { name: "@openai/codex", version: "0.0.0-platform" });
  return { vendor: path.join(root, "node_modules", pkg, "vendor", triple), from: pathToFileURL(path.join(root, "x.js")).href };
}

describe("resolveCodexBinary", () => {
  it("finds the codex binary of the installed @openai/codex package", () => {
    const resolved = binary.resolveCodexBinary();
    expect(path.isAbsolute(resolved.executable)).toBe(true);
    expect(resolved.executable.endsWith(`${path.sep}bin${path.sep}codex`)).toBe(true);
    expect(statSync(resolved.executable).isFile()).toBe(true);
    expect(() => accessSync(resolved.executable, constants.X_OK)).not.toThrow();
    for (const dir of resolved.pathDirs) expect(statSync(dir).isDirectory()).toBe(true);
    // Cached: the same object comes back.
    expect(binary.resolveCodexBinary()).toBe(resolved);
  });

  it("uses codexPathOverride as is when it is a file", () => {
    const dir = tempDir();
    const exe = path.join(dir, "my-codex");
    writeExecutable(exe);
    expect(binary.resolveCodexBinary(exe)).toEqual({ executable: exe, pathDirs: [], source: "codexPathOverride" });
  });

  it.each([
    ["a missing file", (dir: string) => path.join(dir, "missing", "codex")],
    ["a directory", (dir: string) => dir],
  ])("throws CodexNotFoundError when codexPathOverride is %s", (_what, pick) => {
    const target = pick(tempDir());
    const error = expectNotFound(() => binary.resolveCodexBinary(target));
    expect(error.searched).toContain(target);
    expect(error.message).toContain(target);
    expect(error.message).toContain("codexPathOverride");
  });

  it("throws CodexNotFoundError listing what it tried when nothing resolves from `from`", () => {
    const dir = tempDir();
    const error = expectNotFound(() => binary.resolveCodexBinary(undefined, pathToFileURL(path.join(dir, "x.js")).href));
    expect(error.searched.length).toBeGreaterThan(0);
    expect(error.message).toContain("codexPathOverride");
    expect(error.message).toContain("optional");
  });

  describe.skipIf(!platform)("with a fake vendor tree", () => {
    it("resolves the legacy vendor/<triple>/codex/codex layout and its path/ helpers", () => {
      const { vendor, from } = fakeInstall(tempDir());
      const exe = path.join(vendor, "codex", "codex");
      writeExecutable(exe);
      mkdirSync(path.join(vendor, "path"));
      expect(binary.resolveCodexBinary(undefined, from)).toMatchObject({ executable: exe, pathDirs: [path.join(vendor, "path")], source: expect.stringMatching(/^@openai\/codex-/) });
    });

    it("resolves the legacy layout without helpers to an empty pathDirs", () => {
      const { vendor, from } = fakeInstall(tempDir());
      writeExecutable(path.join(vendor, "codex", "codex"));
      expect(binary.resolveCodexBinary(undefined, from).pathDirs).toEqual([]);
    });

    it("prefers the current vendor/<triple>/bin/codex layout and its codex-path/ helpers", () => {
      const { vendor, from } = fakeInstall(tempDir());
      writeExecutable(path.join(vendor, "codex", "codex"));
      writeExecutable(path.join(vendor, "bin", "codex"));
      mkdirSync(path.join(vendor, "codex-path"));
      mkdirSync(path.join(vendor, "path"));
      expect(binary.resolveCodexBinary(undefined, from)).toEqual({
        executable: path.join(vendor, "bin", "codex"),
        pathDirs: [path.join(vendor, "codex-path")],
        source: expect.stringMatching(/^@openai\/codex-/),
      });
    });

    it("lists both layouts when the platform package has no binary", () => {
      const { vendor, from } = fakeInstall(tempDir());
      const error = expectNotFound(() => binary.resolveCodexBinary(undefined, from));
      expect(error.searched).toContain(path.join(vendor, "bin", "codex"));
      expect(error.searched).toContain(path.join(vendor, "codex", "codex"));
      expect(error.message).toContain(platform!.triple);
    });

    it("finds a platform package installed next to (not under) @openai/codex without its own package.json", () => {
      const root = tempDir();
      const { pkg, triple } = platform!;
      // Only the platform package: @openai/codex itself is missing, so the first lookup fails.
      writeJson(path.join(root, "node_modules", pkg, "package.json"), { name: "@openai/codex" });
      const exe = path.join(root, "node_modules", pkg, "vendor", triple, "bin", "codex");
      writeExecutable(exe);
      const resolved = binary.resolveCodexBinary(undefined, pathToFileURL(path.join(root, "x.js")).href);
      expect(resolved.executable).toBe(exe);
    });
  });
});

describe("resolveCodexBinary on every platform @openai/codex ships", () => {
  const TARGETS = [
    { platform: "linux", arch: "x64", triple: "x86_64-unknown-linux-musl", pkg: "@openai/codex-linux-x64", exe: "codex" },
    { platform: "linux", arch: "arm64", triple: "aarch64-unknown-linux-musl", pkg: "@openai/codex-linux-arm64", exe: "codex" },
    { platform: "android", arch: "arm64", triple: "aarch64-unknown-linux-musl", pkg: "@openai/codex-linux-arm64", exe: "codex" },
    { platform: "darwin", arch: "x64", triple: "x86_64-apple-darwin", pkg: "@openai/codex-darwin-x64", exe: "codex" },
    { platform: "darwin", arch: "arm64", triple: "aarch64-apple-darwin", pkg: "@openai/codex-darwin-arm64", exe: "codex" },
    { platform: "win32", arch: "x64", triple: "x86_64-pc-windows-msvc", pkg: "@openai/codex-win32-x64", exe: "codex.exe" },
    { platform: "win32", arch: "arm64", triple: "aarch64-pc-windows-msvc", pkg: "@openai/codex-win32-arm64", exe: "codex.exe" },
  ];

  it.each(TARGETS)("$platform-$arch: finds $pkg/vendor/$triple/bin/$exe and its helper directory", ({ platform, arch, triple, pkg, exe }) => {
    const root = tempDir();
    writeJson(path.join(root, "node_modules/@openai/codex/package.json"), { name: "@openai/codex", version: "0.0.0" });
    writeJson(path.join(root, "node_modules", pkg, "package.json"), { name: pkg, version: "0.0.0" });
    const vendor = path.join(root, "node_modules", pkg, "vendor", triple);
    writeExecutable(path.join(vendor, "bin", exe));
    mkdirSync(path.join(vendor, "codex-path"));
    const from = pathToFileURL(path.join(root, "x.js")).href;
    expect(binary.platformPackage({ platform, arch })).toEqual({ triple, packageName: pkg });
    expect(binary.resolveCodexBinary(undefined, from, { platform, arch })).toEqual({
      executable: path.join(vendor, "bin", exe),
      pathDirs: [path.join(vendor, "codex-path")],
      source: pkg,
    });
  });

  it("names an unsupported platform and the way out", () => {
    expect(binary.platformPackage({ platform: "freebsd", arch: "x64" })).toBeNull();
    const error = expectNotFound(() => binary.resolveCodexBinary(undefined, import.meta.url, { platform: "freebsd", arch: "x64" }));
    expect(error.message).toMatch(/no build for freebsd \(x64\); set codexPathOverride/);
  });
});
