/** The release script stops at the first failing step and leaves the tree as it was. */
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

const SCRIPT = fileURLToPath(new URL("../../../scripts/release.ts", import.meta.url));
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A throwaway repository holding a copy of the script, with one uncommitted change. */
function dirtyRepo(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "codexkit-release-"));
  dirs.push(dir);
  mkdirSync(path.join(dir, "scripts"));
  copyFileSync(SCRIPT, path.join(dir, "scripts", "release.ts"));
  writeFileSync(path.join(dir, "CHANGELOG.md"), "## 0.1.0 (unreleased)\n");
  const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, stdio: "ignore" });
  git("init", "-q");
  git("-c", "user.name=t", "-c", "user.email=t@t", "add", "-A");
  git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "start");
  writeFileSync(path.join(dir, "uncommitted.txt"), "work in progress");
  return dir;
}

function release(dir: string, ...args: string[]) {
  // tsx from this project (the temp repository has no node_modules).
  return spawnSync(process.execPath, ["--import", import.meta.resolve("tsx"), path.join(dir, "scripts", "release.ts"), ...args], { cwd: dir, encoding: "utf8" });
}

describe("scripts/release.ts", () => {
  it("stops at the first failing step (a dirty tree) and changes nothing", () => {
    const dir = dirtyRepo();
    const result = release(dir, "--codex", "0.169.0", "--version", "9.9.9");
    expect(result.status).toBe(1);
    expect(result.stdout).toContain("== 1. the working tree is clean");
    expect(result.stdout).not.toContain("== 2.");
    expect(result.stderr).toContain("step 1 (the working tree is clean) failed");
    expect(readFileSync(path.join(dir, "CHANGELOG.md"), "utf8")).toBe("## 0.1.0 (unreleased)\n");
  });

  it("refuses missing or malformed versions", () => {
    const dir = dirtyRepo();
    for (const args of [[], ["--codex", "latest", "--version", "1.0.0"], ["--codex", "0.169.0"]]) {
      const result = release(dir, ...args);
      expect(result.status).toBe(2);
      expect(result.stderr).toContain("usage: npm run release");
    }
  });
});
