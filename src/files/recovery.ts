/**
 * What a crashed process leaves in a staging directory, cleared by the next store that opens it:
 * copies in progress of dead processes, blobs being placed by a dead process, and blobs whose
 * record was never written (after a grace, since another live process may be committing one).
 * Files whose owners all died are removed by the store itself (see owners.ts).
 */
import { readdir, rm, stat } from "node:fs/promises";
import path from "node:path";
import { isProcessAlive } from "../process/index.js";
import type { StoreLayout } from "./layout.js";

/** A blob without metadata younger than this may be another process's commit in progress. */
const ORPHAN_GRACE_MS = 60_000;

/** Clears the leftovers of dead processes; resolves with the ids that have a record. */
export async function clearLeftovers(layout: StoreLayout): Promise<Set<string>> {
  for (const name of await readdir(layout.tmpDir).catch(() => [] as string[])) {
    const pid = Number(name.split("-")[0]);
    if (Number.isInteger(pid) && !isProcessAlive(pid)) await rm(path.join(layout.tmpDir, name), { recursive: true, force: true });
  }
  const metas = new Set((await readdir(layout.metaDir).catch(() => [] as string[])).filter((n) => n.endsWith(".json")).map((n) => n.slice(0, -5)));
  for (const name of await readdir(layout.blobDir).catch(() => [] as string[])) {
    const placing = /^[0-9a-f]{64}\.tmp-(\d+)-/.exec(name);
    // A blob being placed by a process that died; or a blob whose metadata never got written.
    const stale = placing
      ? !isProcessAlive(Number(placing[1]))
      : !metas.has(name) && Date.now() - (await stat(path.join(layout.blobDir, name)).then((s) => s.mtimeMs, () => Date.now())) > ORPHAN_GRACE_MS;
    if (stale) await rm(path.join(layout.blobDir, name), { recursive: true, force: true });
  }
  return metas;
}
