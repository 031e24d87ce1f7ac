/**
 * A worker's rollout files: read from an offset in whole lines only, restored from a checkpoint
 * atomically (no temp file left, even when the rename fails), kept inside CODEX_HOME/sessions,
 * and found by thread id under `sessions/YYYY/MM/DD`, newest day first, then from memory.
 */
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RolloutFiles } from "../../../src/queue/rollout-file.js";

const ID = "0199a213-81c0-7800-8aa1-bbab2a035a53";

let home: string;
let files: RolloutFiles;
beforeEach(() => {
  home = mkdtempSync(path.join(os.tmpdir(), "codexkit-rollout-"));
  files = new RolloutFiles(home);
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

/** Writes `content` at `rel` under the test's CODEX_HOME. */
function put(rel: string, content: string | Buffer): void {
  const target = path.join(home, ...rel.split("/"));
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, content);
}

/** Every file under `dir`, relative, recursively. */
function tree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)));
}

const REL = `sessions/2025/01/02/rollout-2025-01-02T03-04-05-${ID}.jsonl`;

describe("readFrom", () => {
  it("returns the whole lines after an offset, never a line being written (property)", async () => {
    // Lines of random lengths (any bytes but a newline), then maybe a partial last line.
    const line = fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.concat([Buffer.from(bytes.map((b) => (b === 0x0a ? 0x20 : b))), Buffer.from("\n")]));
    const partial = fc.uint8Array({ maxLength: 100 }).map((bytes) => Buffer.from(bytes.filter((b) => b !== 0x0a)));
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 20 }), partial, fc.nat(), async (lines, tail, pick) => {
        put(REL, Buffer.concat([...lines, tail]));
        // Offsets at each line boundary, as checkpoints are.
        const boundaries = [0];
        for (const l of lines) boundaries.push(boundaries.at(-1)! + l.length);
        const start = pick % boundaries.length;
        const read = await files.readFrom(REL, boundaries[start]!);
        expect(read.equals(Buffer.concat(lines.slice(start)))).toBe(true);
        if (read.length > 0) expect(read.at(-1)).toBe(0x0a);
      }),
      { numRuns: 100 },
    );
  });

  it("is empty when nothing new is there, or only a partial line", async () => {
    put(REL, '{"a":1}\n{"b":2}\n');
    expect(await files.readFrom(REL, 16)).toEqual(Buffer.alloc(0));
    expect(await files.readFrom(REL, 100)).toEqual(Buffer.alloc(0));
    appendFileSync(path.join(home, REL), '{"c":');
    expect(await files.readFrom(REL, 16)).toEqual(Buffer.alloc(0));
    appendFileSync(path.join(home, REL), "3}\n");
    expect((await files.readFrom(REL, 16)).toString()).toBe('{"c":3}\n');
    expect((await files.readFrom(REL, 8)).toString()).toBe('{"b":2}\n{"c":3}\n');
  });

  it("rejects for a rollout that is not there", async () => {
    await expect(files.readFrom(REL, 0)).rejects.toMatchObject({ code: "ENOENT" });
  });
});

describe("restore", () => {
  it("writes the checkpoint's chunks as the whole file, private, with no temp file left", async () => {
    const chunks = [Buffer.from('{"session":1}\n'), Buffer.from('{"turn":1}\n{"turn":1.5}\n'), Buffer.from('{"turn":2}\n')];
    await files.restore(ID, REL, chunks);
    expect(readFileSync(path.join(home, REL), "utf8")).toBe(Buffer.concat(chunks).toString());
    expect(statSync(path.join(home, REL)).mode & 0o777).toBe(0o600);
    expect(tree(home)).toEqual([path.join(...REL.split("/"))]);
    // And over a longer file this worker had: replaced, not merged.
    put(REL, "x".repeat(500) + "\n");
    await files.restore(ID, REL, chunks.slice(0, 1));
    expect(readFileSync(path.join(home, REL), "utf8")).toBe('{"session":1}\n');
    expect(tree(home)).toEqual([path.join(...REL.split("/"))]);
  });

  it("remembers where the rollout is, so find needs no scan", async () => {
    await files.restore(ID, REL, [Buffer.from("{}\n")]);
    rmSync(path.join(home, "sessions"), { recursive: true });
    expect(await files.find(ID)).toBe(REL);
  });

  it("leaves no temp file when the rename fails", async () => {
    // A directory where the rollout should be: the rename over it fails.
    mkdirSync(path.join(home, ...REL.split("/")), { recursive: true });
    await expect(files.restore(ID, REL, [Buffer.from("{}\n")])).rejects.toThrow();
    expect(readdirSync(path.dirname(path.join(home, REL)))).toEqual([path.basename(REL)]);
  });

  it("refuses a path outside CODEX_HOME/sessions and writes nothing", async () => {
    await expect(files.restore(ID, "../escape.jsonl", [Buffer.from("{}\n")])).rejects.toThrow("a rollout path outside CODEX_HOME/sessions");
    expect(readdirSync(path.dirname(home)).filter((name) => name === "escape.jsonl")).toEqual([]);
    expect(tree(home)).toEqual([]);
  });
});

describe("absolute", () => {
  it("resolves a path under sessions/", () => {
    expect(files.absolute(REL)).toBe(path.join(home, ...REL.split("/")));
  });

  it.each([
    ["../outside.jsonl"],
    ["sessions/../../outside.jsonl"],
    ["sessions/2025/../../config.jsonl"],
    ["/etc/passwd.jsonl"],
    ["/tmp/x.jsonl"],
    ["sessions.jsonl"],
    ["sessions"],
    ["sessions/"],
    ["config.toml"],
    ["sessions/2025/01/02/rollout.json"],
    ["sessions/2025/01/02/rollout.jsonl.tmp"],
    [""],
  ])("refuses %j", (rel) => {
    expect(() => files.absolute(rel)).toThrow(`a rollout path outside CODEX_HOME/sessions: ${JSON.stringify(rel)}`);
  });

  it("keeps every path it accepts under CODEX_HOME/sessions (property)", () => {
    const segment = fc.oneof(fc.constantFrom("..", ".", "", "sessions", "2025", "x.jsonl"), fc.string({ maxLength: 8 }));
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 6 }), (segments) => {
        const rel = segments.join("/");
        let target: string;
        try {
          target = files.absolute(rel);
        } catch {
          return;
        }
        expect(target.startsWith(path.join(home, "sessions") + path.sep)).toBe(true);
        expect(target.endsWith(".jsonl")).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe("find", () => {
  it("finds sessions/YYYY/MM/DD/rollout-<time>-<id>.jsonl by id, and null for an unknown id", async () => {
    put(REL, "{}\n");
    put(`sessions/2025/01/02/rollout-2025-01-02T03-04-05-0199a213-81c0-7800-8aa1-000000000000.jsonl`, "{}\n");
    expect(await files.find(ID)).toBe(REL);
    expect(await files.find("0199a213-81c0-7800-8aa1-ffffffffffff")).toBeNull();
  });

  it("is null when there is no sessions directory", async () => {
    expect(await files.find(ID)).toBeNull();
  });

  it("looks at the newest day first", async () => {
    const days = ["2024/12/31", "2025/01/09", "2025/01/10", "2024/06/01"];
    for (const day of days) put(`sessions/${day}/rollout-${day.replaceAll("/", "-")}T00-00-00-${ID}.jsonl`, "{}\n");
    expect(await files.find(ID)).toBe(`sessions/2025/01/10/rollout-2025-01-10T00-00-00-${ID}.jsonl`);
  });

  it("does not take an id that only ends the same", async () => {
    put(`sessions/2025/01/02/rollout-2025-01-02T03-04-05-x${ID}.jsonl`, "{}\n");
    expect(await files.find(ID)).toBeNull();
  });

  it("remembers a rollout it found, and finds one that appeared after a miss", async () => {
    expect(await files.find(ID)).toBeNull();
    put(REL, "{}\n");
    expect(await files.find(ID)).toBe(REL);
    // Moved on disk: the remembered path is still given (the cache, not a new scan).
    rmSync(path.join(home, "sessions"), { recursive: true });
    put(`sessions/2026/01/01/rollout-2026-01-01T00-00-00-${ID}.jsonl`, "{}\n");
    expect(await files.find(ID)).toBe(REL);
    // Another instance has no such memory.
    expect(await new RolloutFiles(home).find(ID)).toBe(`sessions/2026/01/01/rollout-2026-01-01T00-00-00-${ID}.jsonl`);
  });
});
