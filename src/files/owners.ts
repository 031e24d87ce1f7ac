/**
 * Who may remove an ephemeral file: its record lists the processes that staged it (`owners`), and
 * a file goes only when none of them is alive, or when it expired and no other live process holds
 * it (that one sweeps it itself, after its own turns). Within this process, several stores on one
 * directory share a file (holders.ts): one closing does not remove what another still uses.
 */
import { isProcessAlive } from "../process/index.js";
import { release } from "./holders.js";
import type { Meta } from "./meta.js";

/** What becomes of one file: removed, kept as it is, or kept with its (changed) record written back. */
export type Verdict = "remove" | "keep" | "update";

/** Adds this process to the owners of `meta`, dropping owners that died. */
export function addThisProcess(meta: Meta): void {
  meta.owners = [...new Set([...meta.owners.filter(isProcessAlive), process.pid])];
}

/** At startup: a file whose owners are all gone goes (expired or not); a live owner sweeps its own. */
export function startupVerdict(meta: Meta): Verdict {
  return meta.owners.some(isProcessAlive) ? "keep" : "remove";
}

/** At a sweep: an expired file goes unless another live process holds it. */
export function sweepVerdict(meta: Meta, now = Date.now()): Verdict {
  return meta.expiresAt !== null && meta.expiresAt <= now && !meta.owners.some((pid) => pid !== process.pid && isProcessAlive(pid)) ? "remove" : "keep";
}

/**
 * At `close()` of `store` (on `dir`): this process stays an owner only while another store here
 * holds the file; the file goes when no owner is left.
 */
export function closeVerdict(meta: Meta, dir: string, store: object): Verdict {
  const stillHeldHere = release(dir, meta.sha256, store);
  meta.owners = meta.owners.filter((pid) => (pid === process.pid ? stillHeldHere : isProcessAlive(pid)));
  return meta.owners.length === 0 ? "remove" : "update";
}
