/**
 * The newcomer's path: install codexkit from the packed tarball and run the guides' tool, MCP,
 * files and OTel examples, and the `codexkit` bin, without reading source. The tarball is
 * `npm pack` of the built package (dist/, as CI builds it before the tests; when there is no
 * dist/, the package is built into a temp directory first). It is unpacked as
 * node_modules/codexkit of a temp project whose other dependencies are symlinked from the
 * repository's node_modules (no network); the examples are copied there unchanged and run with
 * plain node (tsx only strips their types), offline against the mock model, with an empty HOME.
 */
import { execFile } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXPECTED_OUTPUT, offlineEnv, slot } from "../helpers/examples.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const temp = mkdtempSync(path.join(os.tmpdir(), "codexkit-tarball-"));
const project = path.join(temp, "project");
const home = path.join(temp, "home");

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env, timeoutMs = 60_000): Promise<Ran> {
  return slot(
    () =>
      new Promise((resolve) => {
        execFile(command, args, { cwd, env, timeout: timeoutMs, killSignal: "SIGKILL", maxBuffer: 32 * 1024 * 1024, shell: process.platform === "win32" && command === "npm" }, (error, stdout, stderr) =>
          resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr: error?.killed ? `killed after ${timeoutMs} ms\n${stderr}` : stderr }),
        );
      }),
  );
}

function ok(ran: Ran, what: string): string {
  expect(ran.code, `${what} failed:\n${ran.stdout}\n${ran.stderr}`).toBe(0);
  return ran.stdout;
}

/** The package as npm would publish it: packed from the repository's dist/, or from a fresh build when there is none. */
async function pack(): Promise<string> {
  const out = path.join(temp, "pack");
  mkdirSync(out);
  let from = ROOT;
  if (!existsSync(path.join(ROOT, "dist", "index.js"))) {
    from = path.join(temp, "package");
    mkdirSync(from);
    for (const file of ["package.json", "README.md", "CHANGELOG.md", "LICENSE"]) if (existsSync(path.join(ROOT, file))) copyFileSync(path.join(ROOT, file), path.join(from, file));
    ok(await run(process.execPath, [path.join(ROOT, "scripts", "build.mjs"), "--out", path.join(from, "dist")], ROOT, process.env, 240_000), "building the package");
  }
  const packed = ok(await run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", out], from), "npm pack");
  const [{ filename }] = JSON.parse(packed) as [{ filename: string }];
  return path.join(out, filename);
}

/** A child's environment: an empty HOME, no API key, nothing pointing at the repository. */
function offline(): NodeJS.ProcessEnv {
  return offlineEnv(home, ["NODE_OPTIONS", "TSX_TSCONFIG_PATH"]);
}

function example(file: string): Promise<string> {
  return run(process.execPath, ["--import", "tsx", file], project, offline()).then((ran) => ok(ran, file));
}

beforeAll(async () => {
  const tarball = await pack();
  const installed = path.join(project, "node_modules", "codexkit");
  mkdirSync(installed, { recursive: true });
  mkdirSync(home);
  ok(await run("tar", ["-xzf", tarball, "-C", installed, "--strip-components=1"], temp), "unpacking the tarball");
  // Every other package comes from the repository's node_modules (codexkit's dependencies, zod,
  // the OpenTelemetry SDK the example registers, tsx), linked, not downloaded.
  for (const name of readdirSync(path.join(ROOT, "node_modules"))) {
    if (name === "codexkit" || name.startsWith(".")) continue;
    symlinkSync(path.join(ROOT, "node_modules", name), path.join(project, "node_modules", name), process.platform === "win32" ? "junction" : "dir");
  }
  writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "newcomer", private: true, type: "module" }, null, 2));
  for (const file of ["tools.ts", "mcp.ts", "mcp-server.mjs", "files.ts", "telemetry.ts"]) cpSync(path.join(ROOT, "examples", file), path.join(project, file));
}, 300_000);

afterAll(() => {
  rmSync(temp, { recursive: true, force: true });
});

// Each program gets 60 s (90 s for the doctor) once it runs; a test also waits for a slot.
describe.concurrent("installed from the packed tarball", { timeout: 300_000 }, () => {
  it("codexkit and codexkit/testing resolve to the unpacked package", async () => {
    const script = 'console.log(import.meta.resolve("codexkit")); console.log(import.meta.resolve("codexkit/testing"));';
    const [main, testing] = ok(await run(process.execPath, ["--input-type=module", "-e", script], project, offline()), "resolving codexkit").trim().split("\n");
    const dist = pathToFileURL(path.join(project, "node_modules", "codexkit", "dist")).href;
    expect(main).toBe(`${dist}/index.js`);
    expect(testing).toBe(`${dist}/testing/index.js`);
    expect(existsSync(path.join(project, "node_modules", "codexkit", "src"))).toBe(false);
  });

  for (const file of ["tools.ts", "mcp.ts", "files.ts", "telemetry.ts"] as const) {
    it(`the guides' ${file} example runs as it does in the repository`, async () => {
      EXPECTED_OUTPUT[file](await example(file));
    });
  }

  it("the codexkit bin: doctor --mock is ready for offline work and writes nothing into HOME", async () => {
    const pkg = JSON.parse(readFileSync(path.join(project, "node_modules", "codexkit", "package.json"), "utf8")) as { bin: { codexkit: string } };
    const bin = path.join(project, "node_modules", "codexkit", pkg.bin.codexkit);
    expect(readFileSync(bin, "utf8")).toMatch(/^#!\/usr\/bin\/env node\n/);
    const out = ok(await run(process.execPath, [bin, "doctor", "--mock"], project, offline(), 90_000), "codexkit doctor --mock");
    expect(out).toContain("Verdict: ready for offline work");
    expect(readdirSync(home)).toEqual([]);
  });
});
