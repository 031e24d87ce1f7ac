/**
 * The import and one-shot phases (and the CPU profile) run codexkit's built package, as a user
 * gets it: this runs `npm run build` first when `dist/index.js` is missing or older than any file
 * under `src/`.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** The repository's root. */
export const REPO = fileURLToPath(new URL("../../", import.meta.url));
/** The built entry point. */
export const DIST_ENTRY = path.join(REPO, "dist", "index.js");

/** The newest modification time (ms) of any file under `dir`. */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** What `ensureBuilt` did. */
export interface BuildOutcome {
  /** The built entry point as a file URL. */
  entryUrl: string;
  /** `"fresh"` (dist was up to date), `"built"`, or `"built with errors: ..."` (dist exists, the compiler complained). */
  status: string;
}

/**
 * Builds the package when dist is missing or stale; `log` gets a progress line. Throws when there
 * is no `dist/index.js` afterwards.
 */
export function ensureBuilt(log: (message: string) => void): BuildOutcome {
  const entryUrl = pathToFileURL(DIST_ENTRY).href;
  const srcNewest = newestMtime(path.join(REPO, "src"));
  if (existsSync(DIST_ENTRY) && statSync(DIST_ENTRY).mtimeMs >= srcNewest) return { entryUrl, status: "fresh" };
  log("dist is missing or older than src: npm run build");
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const result = spawnSync(npm, ["run", "--silent", "build"], { cwd: REPO, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  const output = `${result.stdout ?? ""}${result.stderr ?? ""}`.trim();
  if (!existsSync(DIST_ENTRY)) throw new Error(`npm run build left no dist/index.js: ${output.slice(-400) || `exit ${result.status}`}`);
  if (result.status !== 0) {
    log(`npm run build reported errors (dist emitted anyway): ${output.slice(-400)}`);
    return { entryUrl, status: `built with errors: ${output.split("\n")[0]?.slice(0, 120) ?? ""}` };
  }
  return { entryUrl, status: "built" };
}
