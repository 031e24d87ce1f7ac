/** Temp directories and staging stores for one test file, all removed after each test. */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach } from "vitest";
import type { FileStore } from "../../../src/files/index.js";

/** Registers the cleanup; `tempDir()` makes a directory, `track()` closes a store after the test (plain functions: callers destructure them). */
export function storeFixture(prefix: string): { tempDir: () => string; track: <T extends FileStore>(store: T) => T } {
  const dirs: string[] = [];
  const stores: FileStore[] = [];
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return {
    tempDir() {
      const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
      dirs.push(dir);
      return dir;
    },
    track(store) {
      stores.push(store);
      return store;
    },
  };
}
