/**
 * The staging store on a real client: by default it lives in the user's cache directory, private,
 * and a turn attaches from there; a store directory another user owns is refused through
 * `codex.files` with `UnsafeDirectoryError` naming it, and nothing is written into it.
 */
import { chownSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { UnsafeDirectoryError } from "../../../src/index.js";
import { inputItems, say } from "../../../src/testing/index.js";
import { harness, type Harness } from "../../helpers/harness.js";

let h: Harness | undefined;
const dirs: string[] = [];
afterEach(async () => {
  vi.unstubAllEnvs();
  await h?.close();
  h = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "codexkit-private-store-"));
  dirs.push(dir);
  return dir;
}

describe("codex.files", () => {
  it("stages into a private default in the user's cache directory, and a turn attaches from there", async () => {
    const cache = tempDir();
    vi.stubEnv("XDG_CACHE_HOME", cache);
    h = await harness("app-server");
    // The harness gives each client a private temp store; this one takes the default.
    const codex = h.client({ files: undefined });
    expect(codex.files.dir).toBe(path.join(cache, "codexkit", "files"));
    const notes = await codex.files.stage(Buffer.from("private notes\n"), { name: "notes.txt" });
    expect(statSync(codex.files.dir).mode & 0o777).toBe(0o700);
    h.model.reply(say("read it"));
    await codex.startThread({ skipGitRepoCheck: true, workingDirectory: h.cwd }).run([{ type: "text", text: "see" }, { type: "attachment", file: notes }]);
    expect(JSON.stringify(inputItems(h.model.responseRequests()[0]!))).toContain(`@${path.join(codex.files.dir, "blobs", notes.sha256, "notes.txt")}`);
  });

  it.runIf(process.getuid?.() === 0)("refuses a store directory another user owns, naming it; nothing is written and the model is never asked", async () => {
    h = await harness("app-server");
    const theirs = path.join(tempDir(), "theirs");
    mkdirSync(theirs, { mode: 0o700 });
    chownSync(theirs, 65534, 65534);
    const codex = h.client({ files: { dir: theirs } });
    const error = await codex.files.stage(Buffer.from("secret"), { name: "s.txt" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsafeDirectoryError);
    expect((error as UnsafeDirectoryError).directory).toBe(theirs);
    expect((error as Error).message).toContain(`codexkit will not stage files in ${theirs}: ${theirs} is owned by another user (uid 65534`);
    // A turn attaching by id fails the same way, before the model is asked.
    const thread = codex.startThread({ skipGitRepoCheck: true, workingDirectory: h.cwd });
    const turn = await thread.run([{ type: "attachment", file: "a".repeat(64) }]).catch((e: unknown) => e);
    expect(turn).toBeInstanceOf(UnsafeDirectoryError);
    expect(h.model.responseRequests()).toHaveLength(0);
    expect(readdirSync(theirs)).toEqual([]);
  });
});
