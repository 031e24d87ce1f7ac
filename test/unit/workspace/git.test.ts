import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { UntrustedDirectoryError } from "../../../src/errors/index.js";
import { findGitRoot, requireGitRepository, trustRoot, UNTRUSTED_DIRECTORY_MESSAGE } from "../../../src/workspace/index.js";
import { trustGuardProjects } from "../../../src/transport/app-server/trust.js";

let base: string;
beforeEach(() => {
  base = realpathSync(mkdtempSync(path.join(os.tmpdir(), "codexkit-git-")));
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

function repo(dir: string): string {
  mkdirSync(path.join(dir, ".git"), { recursive: true });
  writeFileSync(path.join(dir, ".git", "HEAD"), "ref: refs/heads/main\n");
  return dir;
}

describe("findGitRoot", () => {
  it("finds the nearest repository, itself or an ancestor, as codex does", () => {
    const root = repo(path.join(base, "project"));
    mkdirSync(path.join(root, "src", "deep"), { recursive: true });
    expect(findGitRoot(path.join(root, "src", "deep"))).toBe(root);
    expect(findGitRoot(root)).toBe(root);
  });

  it("counts a .git file (worktree, submodule) but not an empty .git directory", () => {
    const worktree = path.join(base, "wt");
    mkdirSync(worktree);
    writeFileSync(path.join(worktree, ".git"), "gitdir: /elsewhere/.git/worktrees/wt\n");
    expect(findGitRoot(worktree)).toBe(worktree);
    const empty = path.join(base, "empty");
    mkdirSync(path.join(empty, ".git"), { recursive: true });
    expect(findGitRoot(empty)).toBe(findGitRoot(base));
  });

  it("refuses a directory outside any repository with codex's sentence first", () => {
    const outside = path.join(base, "outside");
    mkdirSync(outside);
    // The precondition must hold, or the test proves nothing: a temp dir inside a checkout fails here.
    expect(findGitRoot(outside), "the temp dir must not be inside a git repository (point TMPDIR elsewhere)").toBeNull();
    let error: unknown;
    try {
      requireGitRepository(outside);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UntrustedDirectoryError);
    expect((error as Error).message.startsWith(UNTRUSTED_DIRECTORY_MESSAGE)).toBe(true);
    expect((error as UntrustedDirectoryError).directory).toBe(outside);
    expect(() => requireGitRepository(repo(outside))).not.toThrow();
  });
});

describe("trustRoot", () => {
  it("is the repository root, the main repository for a worktree, else the directory itself, symlinks resolved", () => {
    const main = repo(path.join(base, "main"));
    mkdirSync(path.join(main, "sub"));
    expect(trustRoot(path.join(main, "sub"))).toBe(main);
    const worktree = path.join(base, "wt");
    mkdirSync(worktree);
    writeFileSync(path.join(worktree, ".git"), `gitdir: ${path.join(main, ".git", "worktrees", "wt")}\n`);
    expect(trustRoot(worktree)).toBe(main);
    const link = path.join(base, "link");
    symlinkSync(main, link);
    expect(trustRoot(link)).toBe(main);
  });
});

describe("trustGuardProjects", () => {
  it("adds an in-memory untrusted decision for the directory and its root, keeping the user's table", () => {
    const main = repo(path.join(base, "main"));
    mkdirSync(path.join(main, "sub"));
    const theirs = { "/somewhere/else": { trust_level: "trusted" } };
    const guarded = trustGuardProjects(theirs, path.join(main, "sub"));
    expect(guarded).toMatchObject({
      "/somewhere/else": { trust_level: "trusted" },
      [main]: { trust_level: "untrusted" },
      [path.join(main, "sub")]: { trust_level: "untrusted" },
    });
    expect(trustGuardProjects(undefined, main)).toEqual({ [main]: { trust_level: "untrusted" } });
  });

  it("overrides nothing when the user decided about the directory or its repository", () => {
    const main = repo(path.join(base, "main"));
    mkdirSync(path.join(main, "sub"));
    expect(trustGuardProjects({ [main]: { trust_level: "trusted" } }, path.join(main, "sub"))).toBeNull();
    expect(trustGuardProjects({ [`${main}/sub/`]: { trust_level: "untrusted" } }, path.join(main, "sub"))).toBeNull();
    // An entry without a decision is not a decision.
    expect(trustGuardProjects({ [main]: {} }, main)).not.toBeNull();
  });

  it("on a remote app-server takes the host's path as it is, never resolved or looked up here", () => {
    expect(trustGuardProjects(undefined, "C:\\repo", true)).toEqual({ "C:\\repo": { trust_level: "untrusted" } });
    expect(trustGuardProjects({ "/home/x/repo": { trust_level: "trusted" } }, "/home/x/repo", true)).toBeNull();
    expect(trustGuardProjects({ "/elsewhere": { trust_level: "trusted" } }, "/home/x/repo", true)).toEqual({
      "/elsewhere": { trust_level: "trusted" },
      "/home/x/repo": { trust_level: "untrusted" },
    });
  });
});
