/**
 * `npm run release -- --codex <version> --version <codexkit version> [--skip-bench]`: the
 * mechanical steps of RELEASING.md, in order, stopping at the first that fails. It changes files
 * and commits and tags locally; it never pushes or publishes.
 *
 *  1. the working tree is clean
 *  2. pin @openai/codex to --codex (exact), npm install
 *  3. verify the binary (its version; the platform package's integrity against the registry)
 *  4. regenerate the app-server protocol types
 *  5. re-record the app-server and exec traces the event-mapping tests use
 *  6. typecheck, lint, build, package checks, API docs, the whole suite with the coverage gate
 *  7. the parity harness (official SDK vs both transports)
 *  8. the benchmark, saved to .bench/<version>.md (unless --skip-bench)
 *  9. CHANGELOG: "## <version> (unreleased)" becomes "## <version> (<date>)"; package.json version
 * 10. commit "Release v<version>" and tag v<version>
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const codex = flag("--codex");
const version = flag("--version");
if (!codex || !version || !/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(codex) || !/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(version)) {
  console.error("usage: npm run release -- --codex <exact @openai/codex version> --version <codexkit version> [--skip-bench]");
  process.exit(2);
}
const windows = process.platform === "win32";
const npm = windows ? "npm.cmd" : "npm";

function run(command: string, commandArgs: string[], options: { capture?: boolean } = {}): string {
  const out = execFileSync(command, commandArgs, { cwd: root, encoding: "utf8", stdio: options.capture ? ["ignore", "pipe", "inherit"] : "inherit", shell: windows });
  return out ?? "";
}

let number = 0;
function step(name: string, fn: () => void): void {
  number += 1;
  const started = Date.now();
  console.log(`\n== ${number}. ${name}`);
  try {
    fn();
  } catch (error) {
    console.error(`\nrelease: step ${number} (${name}) failed: ${(error as Error).message}`);
    console.error("Nothing was pushed or published. Fix it, reset the tree (git checkout .), and run again.");
    process.exit(1);
  }
  console.log(`== ${number}. ${name}: ok (${Math.round((Date.now() - started) / 1000)} s)`);
}

step("the working tree is clean", () => {
  if (run("git", ["status", "--porcelain"], { capture: true }).trim() !== "") throw new Error("uncommitted changes");
});
step(`pin @openai/codex ${codex}`, () => run(npm, ["install", "--save-exact", `@openai/codex@${codex}`, "--include=optional"]));
step("verify the codex binary", () => run(npm, ["exec", "--", "tsx", "scripts/verify-binary.ts"]));
step("regenerate the protocol types", () => run(npm, ["run", "--silent", "gen:protocol"]));
step("re-record the app-server and exec traces", () => run(npm, ["exec", "--", "tsx", "scripts/record-app-server.ts"]));
step("gates and the whole suite", () => run("bash", [".ci/run"]));
step("parity with @openai/codex-sdk", () => run(npm, ["run", "--silent", "parity"]));
if (!args.includes("--skip-bench")) {
  step("benchmark", () => {
    const report = run(npm, ["run", "--silent", "bench"], { capture: true });
    mkdirSync(path.join(root, ".bench"), { recursive: true });
    writeFileSync(path.join(root, ".bench", `${version}.md`), report);
    console.log(report);
  });
}
step(`CHANGELOG and package.json say ${version}`, () => {
  const file = path.join(root, "CHANGELOG.md");
  const changelog = readFileSync(file, "utf8");
  const heading = /^## (\S+) \(unreleased\)$/m.exec(changelog);
  if (!heading) throw new Error('CHANGELOG.md has no "## <version> (unreleased)" section');
  if (heading[1] !== version) throw new Error(`CHANGELOG.md's unreleased section is ${heading[1]}, not ${version}`);
  writeFileSync(file, changelog.replace(heading[0], `## ${version} (${new Date().toISOString().slice(0, 10)})`));
  run(npm, ["version", version, "--no-git-tag-version", "--allow-same-version"]);
});
step(`commit and tag v${version}`, () => {
  run("git", ["add", "-A"]);
  run("git", ["commit", "-m", `Release v${version} (codex ${codex})`]);
  run("git", ["tag", `v${version}`]);
});
console.log(`\nReleased v${version} locally. Review, then push the commit and the tag; publishing runs prepublishOnly (build and package checks).`);
