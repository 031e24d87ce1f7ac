/**
 * The resident memory of one process, read without blocking the event loop: `/proc/<pid>/status`
 * on Linux, `ps -o rss=` on macOS and other Unix systems. Windows has neither; there the answer
 * is null and memory bounds do not apply.
 */
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";

/** How long `ps` may take before the reading counts as unknown. */
const PS_TIMEOUT_MS = 2_000;

/** The resident set size of `pid` in bytes, or null when it cannot be read (gone, or no way to ask). */
export async function processRssBytes(pid: number, platform: NodeJS.Platform = process.platform): Promise<number | null> {
  if (platform === "win32") return null;
  if (platform === "linux") {
    const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => null);
    const kb = status === null ? null : /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : null;
  }
  const out = await new Promise<string | null>((resolve) => {
    execFile("ps", ["-o", "rss=", "-p", String(pid)], { timeout: PS_TIMEOUT_MS }, (error, stdout) => resolve(error ? null : stdout));
  });
  const kb = out === null ? NaN : Number(out.trim());
  return Number.isFinite(kb) && kb > 0 ? kb * 1024 : null;
}
