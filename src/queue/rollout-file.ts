/**
 * A thread's rollout on the worker's disk: codex's append-only JSONL under
 * `CODEX_HOME/sessions/YYYY/MM/DD/rollout-<time>-<thread id>.jsonl`, the whole of a thread's state.
 * Found by its id, read from an offset (a checkpoint's new bytes, whole lines only), and written
 * back whole from a checkpoint (a temp file renamed over it, so codex never reads half of it).
 */
import { randomUUID } from "node:crypto";
import { mkdir, open, readdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { LruMap } from "../lru.js";

/** Where rollouts found by id were, per CODEX_HOME and thread (a scan of `sessions/` is the fallback). */
const KNOWN_PATHS = 4096;

/** The rollout files of one CODEX_HOME. */
export class RolloutFiles {
  private readonly known = new LruMap<string, string>(KNOWN_PATHS);

  constructor(readonly codexHome: string) {}

  /** The rollout's path relative to CODEX_HOME (forward slashes), or null when there is none yet. */
  async find(threadId: string): Promise<string | null> {
    const cached = this.known.get(threadId);
    if (cached !== undefined) return cached;
    const sessions = path.join(this.codexHome, "sessions");
    // Newest day first: a thread is most often looked for just after it started.
    for (const year of await listDesc(sessions)) {
      for (const month of await listDesc(path.join(sessions, year))) {
        for (const day of await listDesc(path.join(sessions, year, month))) {
          const name = (await listDesc(path.join(sessions, year, month, day))).find((file) => file.endsWith(`-${threadId}.jsonl`));
          if (name) {
            const rel = ["sessions", year, month, day, name].join("/");
            this.known.set(threadId, rel);
            return rel;
          }
        }
      }
    }
    return null;
  }

  /** Remembers where a thread's rollout is (after a restore). */
  remember(threadId: string, rel: string): void {
    this.known.set(threadId, rel);
  }

  /**
   * The whole lines of the rollout from byte `offset` on (a line codex is still writing is left
   * for the next read). Empty when the file has nothing new.
   */
  async readFrom(rel: string, offset: number): Promise<Buffer> {
    const handle = await open(this.absolute(rel), "r");
    try {
      const { size } = await handle.stat();
      if (size <= offset) return Buffer.alloc(0);
      const bytes = Buffer.alloc(size - offset);
      let read = 0;
      while (read < bytes.length) {
        const { bytesRead } = await handle.read(bytes, read, bytes.length - read, offset + read);
        if (bytesRead === 0) break;
        read += bytesRead;
      }
      const end = bytes.lastIndexOf(0x0a, read - 1);
      return end < 0 ? Buffer.alloc(0) : bytes.subarray(0, end + 1);
    } finally {
      await handle.close();
    }
  }

  /** Replaces the rollout with `chunks` (a checkpoint), atomically. */
  async restore(threadId: string, rel: string, chunks: Buffer[]): Promise<void> {
    const target = this.absolute(rel);
    await mkdir(path.dirname(target), { recursive: true });
    const temp = `${target}.${randomUUID()}.tmp`;
    try {
      await writeFile(temp, Buffer.concat(chunks), { mode: 0o600 });
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    this.remember(threadId, rel);
  }

  /** The absolute path of `rel`, refusing one that leaves CODEX_HOME (a checkpoint is data from Redis). */
  absolute(rel: string): string {
    const target = path.resolve(this.codexHome, ...rel.split("/"));
    const sessions = path.resolve(this.codexHome, "sessions") + path.sep;
    if (!target.startsWith(sessions) || !target.endsWith(".jsonl")) throw new Error(`a rollout path outside CODEX_HOME/sessions: ${JSON.stringify(rel)}`);
    return target;
  }
}

async function listDesc(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort().reverse();
  } catch {
    return [];
  }
}
