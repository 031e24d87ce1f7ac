/**
 * `npm run check:package`: packs the package as npm would publish it, and checks the tarball:
 * publint (package.json fields, exports, files) and @arethetypeswrong/cli (the types resolve for
 * every consumer resolution mode that matters), that the code ships as bundles only (no per-file `.js`),
 * that every entry point of `exports` is in it, and that nothing but `dist/` and the docs is.
 * Prints the tarball's size and file count. Stops at the first failure (exit code 1).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const out = mkdtempSync(path.join(os.tmpdir(), "codexkit-pack-"));
const npx = process.platform === "win32" ? "npx.cmd" : "npx";
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

function step(name: string, fn: () => void): void {
  const started = performance.now();
  try {
    fn();
  } catch (error) {
    const failure = error as Error & { stdout?: Buffer | string; stderr?: Buffer | string };
    console.error(`check:package: ${name} failed: ${failure.message}`);
    for (const output of [failure.stdout, failure.stderr]) if (output && output.toString().trim()) console.error(output.toString());
    rmSync(out, { recursive: true, force: true });
    process.exit(1);
  }
  console.log(`check:package: ${name} ok (${Math.round(performance.now() - started)} ms)`);
}

let tarball = "";
step("npm pack", () => {
  const report = JSON.parse(execFileSync(npm, ["pack", "--json", "--pack-destination", out], { cwd: root, encoding: "utf8", shell: process.platform === "win32" })) as Array<{
    filename: string;
    size: number;
    unpackedSize: number;
    entryCount: number;
    files: Array<{ path: string }>;
  }>;
  const pack = report[0]!;
  tarball = path.join(out, pack.filename);
  const stray = pack.files.filter((f) => !/^(dist\/|README\.md$|CHANGELOG\.md$|package\.json$|LICENSE)/.test(f.path));
  if (stray.length > 0) throw new Error(`files outside dist/: ${stray.map((f) => f.path).join(", ")}`);
  if (!pack.files.some((f) => f.path === "dist/cli/main.js")) throw new Error("the codexkit command (dist/cli/main.js) is missing: run npm run build first");
  // Every entry point (codexkit, codexkit/testing, codexkit/telemetry) ships its code and its types.
  const manifest = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { exports: Record<string, string | Record<string, string>>; bin: Record<string, string> };
  const targets = Object.values(manifest.exports).flatMap((target) => (typeof target === "string" ? [target] : Object.values(target)));
  // The code ships as bundles (scripts/build.mjs): the entry points, the command and their chunks, no per-file .js.
  const bundles = new Set([...targets, ...Object.values(manifest.bin)].map((target) => target.replace(/^\.\//, "")));
  const looseJs = pack.files.filter((f) => f.path.endsWith(".js") && !bundles.has(f.path) && !/^dist\/chunks\/[\w-]+\.js$/.test(f.path));
  if (looseJs.length > 0) throw new Error(`JavaScript outside the bundles: ${looseJs.map((f) => f.path).slice(0, 5).join(", ")}`);
  const missing = targets.map((target) => target.replace(/^\.\//, "")).filter((file) => !pack.files.some((f) => f.path === file));
  if (missing.length > 0) throw new Error(`entry point files missing from the tarball: ${missing.join(", ")}`);
  console.log(`check:package: ${pack.filename}: ${(pack.size / 1024).toFixed(1)} KiB packed, ${(pack.unpackedSize / 1024).toFixed(1)} KiB unpacked, ${pack.entryCount} files`);
});
step("publint", () => {
  execFileSync(npx, ["publint", "run", tarball, "--strict"], { cwd: root, stdio: "pipe", shell: process.platform === "win32" });
});
step("@arethetypeswrong/cli", () => {
  // ESM only by design: the CommonJS `require` modes are not a target.
  execFileSync(npx, ["attw", tarball, "--profile", "esm-only", "--format", "ascii"], { cwd: root, stdio: "pipe", shell: process.platform === "win32" });
});
rmSync(out, { recursive: true, force: true });
