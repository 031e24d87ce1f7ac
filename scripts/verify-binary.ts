/**
 * `npx tsx scripts/verify-binary.ts [--offline]`: checks the codex binary npm installed.
 * - `codex --version` names the version `@openai/codex` is pinned to in package.json;
 * - the installed platform package's integrity (package-lock.json) equals what the registry
 *   publishes for that version (skipped with --offline);
 * - prints the binary's SHA-256, for the release notes.
 * Exits 1 on any mismatch.
 */
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { codexVersion, resolveCodexBinary } from "../src/transport/index.js";

const root = path.resolve(import.meta.dirname, "..");
const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { dependencies: Record<string, string> };
const lock = JSON.parse(readFileSync(path.join(root, "package-lock.json"), "utf8")) as { packages: Record<string, { version?: string; integrity?: string }> };
const pinned = pkg.dependencies["@openai/codex"];
const problems: string[] = [];

if (!pinned || !/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(pinned)) problems.push(`@openai/codex must be pinned to one exact version in package.json (it is ${JSON.stringify(pinned)})`);
let binary: { executable: string; source: string } | undefined;
let version = "";
try {
  binary = resolveCodexBinary();
  version = await codexVersion(binary.executable);
  if (!version.endsWith(` ${pinned}`)) problems.push(`codex --version says "${version}", package.json pins ${pinned}`);
} catch (error) {
  problems.push(`the codex binary cannot be found or run: ${(error as Error).message}`);
}
if (binary) {
  console.log(`binary: ${binary.executable}`);
  console.log(`version: ${version}`);
  console.log(`sha256: ${createHash("sha256").update(readFileSync(binary.executable)).digest("hex")}`);
}
// The platform package the binary came from (its name is how it was found).
const packageName = binary && binary.source !== "codexPathOverride" ? binary.source : undefined;
if (packageName) {
  const installed = lock.packages[`node_modules/${packageName}`];
  console.log(`package: ${packageName} ${installed?.version ?? "(not in package-lock.json)"}`);
  if (!installed?.integrity) problems.push(`${packageName} has no integrity in package-lock.json`);
  else if (!process.argv.includes("--offline")) {
    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    const published = execFileSync(npm, ["view", `@openai/codex@${installed.version}`, "dist.integrity"], { encoding: "utf8", shell: process.platform === "win32" }).trim();
    console.log(`integrity: installed ${installed.integrity.slice(0, 24)}…, published ${published.slice(0, 24)}…`);
    if (published !== installed.integrity) problems.push(`${packageName}: the installed integrity differs from the registry's`);
  }
}
for (const problem of problems) console.error(`verify-binary: ${problem}`);
process.exit(problems.length === 0 ? 0 : 1);
