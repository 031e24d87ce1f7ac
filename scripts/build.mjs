/**
 * `npm run build`: the package as it ships, in `dist/` (or `--out <dir>`).
 *
 * - Types: `tsc` emits the declarations, one `.d.ts` per source file (what `exports` points at).
 * - Code: esbuild bundles each entry point of `exports` (and the `codexkit` command) with code
 *   splitting: code shared by entries lives in `dist/chunks/`, once, so a class is the same class
 *   from every entry, and what codexkit loads on demand (the MCP client, the exec tool endpoint,
 *   the WebSocket channel, the queue worker) stays in chunks of its own. Dependencies stay
 *   external. Loading a few chunks instead of about 140 files is most of why `import "codexkit"`
 *   costs tens of milliseconds and not hundreds (see docs/benchmarks.md).
 * - No `keepNames`: it would wrap every closure codexkit makes at run time (per event, per turn)
 *   to set its name. Instead the build checks that every class and function an entry exports
 *   keeps its name (esbuild renames a class that names itself inside its body: write `this` in
 *   its static methods), as error classes take their `name` from the class.
 */
import { execFileSync } from "node:child_process";
import process from "node:process";
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const at = process.argv.indexOf("--out");
const out = path.resolve(root, at > 0 ? process.argv[at + 1] : "dist");

/**
 * The bundles, by their path under `dist/` (without `.js`), and their sources: every entry point
 * of `exports`, and the `codexkit` command (`bin`), from package.json.
 */
const manifest = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"));
const ENTRIES = Object.fromEntries(
  [...Object.values(manifest.exports).map((target) => target.import).filter(Boolean), ...Object.values(manifest.bin)].map((file) => {
    const name = file.replace(/^\.\/dist\//, "").replace(/\.js$/, "");
    return [name, `src/${name}.ts`];
  }),
);
const COMMAND = Object.values(manifest.bin).map((file) => file.replace(/^\.\/dist\//, "").replace(/\.js$/, ""));

rmSync(out, { recursive: true, force: true });
execFileSync(process.execPath, [path.join(root, "node_modules", "typescript", "bin", "tsc"), "-p", path.join(root, "tsconfig.build.json"), "--emitDeclarationOnly", "--outDir", out], {
  cwd: root,
  stdio: "inherit",
});
await build({
  absWorkingDir: root,
  entryPoints: ENTRIES,
  outdir: out,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  keepNames: false,
  chunkNames: "chunks/[name]-[hash]",
  logLevel: "warning",
});

// What users see by name keeps it: `error.name`, a class in a stack trace or in `console.log`.
const renamed = [];
for (const entry of Object.keys(ENTRIES).filter((name) => !COMMAND.includes(name))) {
  const exports = await import(pathToFileURL(path.join(out, `${entry}.js`)).href);
  for (const [name, value] of Object.entries(exports)) if (typeof value === "function" && value.name !== name) renamed.push(`${entry}: ${name} is named ${value.name}`);
}
if (renamed.length > 0) {
  process.stderr.write(`build: exported names changed in the bundle:\n  ${renamed.join("\n  ")}\n`);
  process.exit(1);
}
