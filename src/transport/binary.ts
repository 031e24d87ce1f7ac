/**
 * Finds the codex binary shipped in the pinned `@openai/codex` dependency: its platform package
 * (`@openai/codex-<os>-<arch>`), in the current `vendor/<triple>/bin/codex` layout or the legacy
 * `vendor/<triple>/codex/codex` one. `codexPathOverride` skips the search.
 */
import { execFile } from "node:child_process";
import { statSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { CodexNotFoundError } from "../errors/index.js";

/** A resolved binary and the directories codex expects on PATH (its bundled helpers). */
export interface ResolvedBinary {
  executable: string;
  pathDirs: string[];
  /** How it was found: `codexPathOverride`, or the platform package it came from. */
  source: string;
}

const TRIPLES: Record<string, string> = {
  "linux-x64": "x86_64-unknown-linux-musl",
  "linux-arm64": "aarch64-unknown-linux-musl",
  "android-x64": "x86_64-unknown-linux-musl",
  "android-arm64": "aarch64-unknown-linux-musl",
  "darwin-x64": "x86_64-apple-darwin",
  "darwin-arm64": "aarch64-apple-darwin",
  "win32-x64": "x86_64-pc-windows-msvc",
  "win32-arm64": "aarch64-pc-windows-msvc",
};
const PACKAGES: Record<string, string> = {
  "x86_64-unknown-linux-musl": "@openai/codex-linux-x64",
  "aarch64-unknown-linux-musl": "@openai/codex-linux-arm64",
  "x86_64-apple-darwin": "@openai/codex-darwin-x64",
  "aarch64-apple-darwin": "@openai/codex-darwin-arm64",
  "x86_64-pc-windows-msvc": "@openai/codex-win32-x64",
  "aarch64-pc-windows-msvc": "@openai/codex-win32-arm64",
};

const cache = new Map<string, ResolvedBinary>();

/** Which build of codex to look for (the running platform, unless a test says otherwise). */
export interface BinaryTarget {
  /** A `NodeJS.Platform` (any string, so a test can name one the host is not). */
  platform: string;
  arch: string;
}

/** The platform package and target triple of every platform `@openai/codex` ships a build for. */
export function platformPackage(target: BinaryTarget): { triple: string; packageName: string } | null {
  const triple = TRIPLES[`${target.platform}-${target.arch}`];
  return triple ? { triple, packageName: PACKAGES[triple]! } : null;
}

/** Resolves the codex binary, or throws `CodexNotFoundError` listing every place it looked. */
export function resolveCodexBinary(override?: string, from: string = import.meta.url, target: BinaryTarget = { platform: process.platform, arch: process.arch }): ResolvedBinary {
  if (override) {
    if (!isFile(override)) {
      throw new CodexNotFoundError(`codexPathOverride points to ${override}, which is not a file`, [override]);
    }
    return { executable: override, pathDirs: [], source: "codexPathOverride" };
  }
  const cacheKey = `${target.platform}-${target.arch} ${from}`;
  const cached = cache.get(cacheKey);
  if (cached && !isFile(cached.executable)) cache.delete(cacheKey);
  else if (cached) return cached;
  const build = platformPackage(target);
  if (!build) {
    throw new CodexNotFoundError(`codex has no build for ${target.platform} (${target.arch}); set codexPathOverride`, []);
  }
  const { triple, packageName } = build;
  const searched: string[] = [];
  for (const vendorRoot of vendorRoots(packageName, from, searched)) {
    const found = inVendorRoot(vendorRoot, triple, searched, packageName, target.platform === "win32");
    if (found) {
      cache.set(cacheKey, found);
      return found;
    }
  }
  throw new CodexNotFoundError(
    `codex binary not found for ${triple}. Install @openai/codex with its optional dependencies ` +
      `(npm ci must not use --omit=optional), or set codexPathOverride. Looked in: ${searched.join(", ")}`,
    searched,
  );
}

function vendorRoots(platformPackage: string, from: string, searched: string[]): string[] {
  const roots: string[] = [];
  const requireFromHere = createRequire(from);
  // The platform package is a dependency of @openai/codex; resolve it from there first, then
  // from us (flattened installs), then from @openai/codex itself (some layouts nest it).
  const attempts: Array<() => string> = [
    () => createRequire(requireFromHere.resolve("@openai/codex/package.json")).resolve(`${platformPackage}/package.json`),
    () => requireFromHere.resolve(`${platformPackage}/package.json`),
    () => requireFromHere.resolve("@openai/codex/package.json"),
  ];
  for (const attempt of attempts) {
    try {
      const root = path.join(path.dirname(attempt()), "vendor");
      if (!roots.includes(root)) roots.push(root);
    } catch {
      searched.push(`${platformPackage} (not resolvable from ${describe(from)})`);
    }
  }
  return roots;
}

function inVendorRoot(vendorRoot: string, triple: string, searched: string[], source: string, windows: boolean): ResolvedBinary | null {
  const exe = windows ? "codex.exe" : "codex";
  const packageRoot = path.join(vendorRoot, triple);
  const current = path.join(packageRoot, "bin", exe);
  searched.push(current);
  if (isFile(current)) {
    return { executable: current, pathDirs: existingDirs(path.join(packageRoot, "codex-path")), source };
  }
  const legacy = path.join(packageRoot, "codex", exe);
  searched.push(legacy);
  if (isFile(legacy)) {
    return { executable: legacy, pathDirs: existingDirs(path.join(packageRoot, "path")), source };
  }
  return null;
}

function describe(from: string): string {
  return from.startsWith("file:") ? "codexkit" : from;
}

function existingDirs(...dirs: string[]): string[] {
  return dirs.filter((dir) => {
    try {
      return statSync(dir).isDirectory();
    } catch {
      return false;
    }
  });
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

const versions = new Map<string, Promise<string>>();

/**
 * What `codex --version` says (e.g. "codex-cli 0.169.0"), asked once per binary; rejects when the
 * binary does not run (within `timeoutMs`).
 */
export function codexVersion(executable: string, timeoutMs = 15_000): Promise<string> {
  let version = versions.get(executable);
  if (!version) {
    version = new Promise<string>((resolve, reject) => {
      execFile(executable, ["--version"], { timeout: timeoutMs, windowsHide: true, encoding: "utf8" }, (error, stdout) => {
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- an Error at run time; @types/node builds its type (ExecFileException) with Omit, which the rule cannot see as one
        if (error) reject(error);
        else resolve(stdout.trim());
      });
    });
    versions.set(executable, version);
    // A failure is not remembered: the next report asks again.
    version.catch(() => versions.delete(executable));
  }
  return version;
}
