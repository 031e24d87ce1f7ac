/**
 * codex exec reports the thread's running token total. To give each turn its own usage, we need
 * the total before the turn: remembered from the previous turn in this process, or, for a thread
 * resumed from an earlier process, read from the last `token_count` in its rollout file.
 */
import { open, readdir } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Usage } from "../../events.js";
import { emptyUsage, toUsage } from "../../usage.js";

const TAIL_BYTES = 512 * 1024;
/** Threads whose totals are kept in memory; a forgotten one is read back from its rollout. */
const REMEMBERED_THREADS = 1_000;

/** Remembers the last cumulative usage of the most recently used threads. */
export class UsageBaselines {
  private readonly totals = new Map<string, Usage>();

  constructor(
    private readonly codexHome: () => string,
    private readonly limit: number = REMEMBERED_THREADS,
  ) {}

  /** How many threads are remembered. */
  get size(): number {
    return this.totals.size;
  }

  /** Records the cumulative total codex reported for `threadId`. */
  set(threadId: string, total: Usage): void {
    // Re-inserted at the end: the map's order is the order of use, oldest first.
    this.totals.delete(threadId);
    this.totals.set(threadId, total);
    if (this.totals.size > this.limit) this.totals.delete(this.totals.keys().next().value!);
  }

  /** The cumulative total before the next turn of `threadId` (zero for a new thread). */
  async get(threadId: string | null): Promise<Usage> {
    if (!threadId) return emptyUsage();
    const known = this.totals.get(threadId);
    if (known) return known;
    const fromDisk = await readRolloutTotal(this.codexHome(), threadId).catch(() => null);
    return fromDisk ?? emptyUsage();
  }
}

/** Where codex keeps its state for these options. */
export function codexHomeFor(codexHome: string | undefined, env: Record<string, string | undefined> | undefined): string {
  return codexHome || (env?.CODEX_HOME ?? process.env.CODEX_HOME ?? path.join(os.homedir(), ".codex"));
}

async function readRolloutTotal(home: string, threadId: string): Promise<Usage | null> {
  const file = await findRollout(path.join(home, "sessions"), threadId, 4);
  if (!file) return null;
  const handle = await open(file, "r");
  try {
    const { size } = await handle.stat();
    const start = Math.max(0, size - TAIL_BYTES);
    const buf = Buffer.alloc(size - start);
    await handle.read(buf, 0, buf.length, start);
    const lines = buf.toString("utf8").split("\n");
    for (let i = lines.length - 1; i >= 0; i--) {
      const line = lines[i]!;
      if (!line.includes('"token_count"')) continue;
      try {
        const parsed = JSON.parse(line) as { payload?: { type?: string; info?: { total_token_usage?: unknown } } };
        const total = parsed.payload?.type === "token_count" ? parsed.payload.info?.total_token_usage : undefined;
        if (total) return toUsage(total);
      } catch {
        // A partial first line of the tail: keep looking.
      }
    }
    return null;
  } finally {
    await handle.close();
  }
}

async function findRollout(dir: string, threadId: string, depth: number): Promise<string | null> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return null;
  }
  for (const entry of entries) {
    if (entry.isFile() && entry.name.endsWith(`${threadId}.jsonl`)) return path.join(dir, entry.name);
  }
  if (depth === 0) return null;
  // Newest dates first: sessions/YYYY/MM/DD.
  const dirs = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort().reverse();
  for (const name of dirs) {
    const found = await findRollout(path.join(dir, name), threadId, depth - 1);
    if (found) return found;
  }
  return null;
}
