/**
 * `codexkit doctor --redis <url>`, run as a user runs it (a child process, empty HOME, offline with
 * --mock): against a private redis-server the "redis" check passes and names the version; against
 * a port where nothing listens it fails in time, exit code 1, and the URL's password appears
 * nowhere. Without --redis, the doctor does not even load bullmq or ioredis.
 */
import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { runDoctor } from "../../../src/cli/doctor.js";
import { within } from "../../../src/timing/index.js";
import { freePort, redisOnly, REDIS_INSTALLED, startRedis, type PrivateRedis } from "../../helpers/redis.js";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const MAIN = path.join(ROOT, "src", "cli", "main.ts");
const DOCTOR = pathToFileURL(path.join(ROOT, "src", "cli", "doctor.ts")).href;
/** The bound the "redis" check must fail within (it waits 5 s at most). */
const BOUND_MS = 15_000;

let redis: PrivateRedis | undefined;
beforeAll(async () => {
  if (REDIS_INSTALLED) redis = await startRedis();
});
afterAll(async () => {
  await redis?.close();
});

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function temp(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

/** Runs `node --import tsx <args>` in the repository with an empty HOME and no credential. */
function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string; home: string }> {
  const home = temp("codexkit-doctor-home-");
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, USERPROFILE: home };
  for (const name of ["OPENAI_API_KEY", "CODEX_API_KEY", "CODEX_HOME"]) delete env[name];
  return new Promise((resolve) => {
    execFile(process.execPath, ["--import", "tsx", ...args], { cwd: ROOT, env, timeout: 90_000, killSignal: "SIGKILL" }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr, home }),
    );
  });
}

describe("codexkit doctor --redis", () => {
  redisOnly("a Redis that answers: the check passes with its version, and the verdict is unchanged", async () => {
    const version = /v=(\S+)/.exec(execFileSync("redis-server", ["--version"], { encoding: "utf8" }))?.[1];
    expect(version).toMatch(/^\d+\.\d+\.\d+$/);
    const { code, stdout, stderr, home } = await run([MAIN, "doctor", "--mock", "--redis", redis!.url]);
    expect(code, `${stdout}\n${stderr}`).toBe(0);
    expect(stdout).toContain(`[ok  ] redis: ${redis!.url} answers: Redis ${version}\n`);
    expect(stdout).toContain("[ok  ] a turn against the mock model: ran end to end, offline");
    expect(stdout).toContain("Verdict: ready for offline work");
    expect(readdirSync(home)).toEqual([]);
  }, 120_000);

  redisOnly("a port where nothing listens: a failed check, exit code 1, no password anywhere", async () => {
    const port = await freePort();
    const { code, stdout, stderr } = await run([MAIN, "doctor", "--mock", "--redis", `redis://user:s3cret@127.0.0.1:${port}`]);
    expect(code, `${stdout}\n${stderr}`).toBe(1);
    expect(stdout).toContain(`[FAIL] redis: cannot reach Redis at redis://127.0.0.1:${port} within 5000 ms: connect ECONNREFUSED`);
    expect(stdout).toContain("[ok  ] a turn against the mock model: ran end to end, offline");
    expect(stdout).toContain("Verdict: not ready (1 problem above).");
    expect(`${stdout}${stderr}`).not.toContain("s3cret");
  }, 120_000);

  it("the check fails within 15 s, its report (as JSON too) without the password", async () => {
    const port = await freePort();
    const report = await within(runDoctor({ redis: `redis://user:s3cret@127.0.0.1:${port}`, codex: { codexPathOverride: "/nonexistent/codex" } }), BOUND_MS);
    if (report === "timeout") throw new Error(`the doctor took more than ${BOUND_MS} ms`);
    expect(report.checks.at(-1)).toEqual({ name: "redis", status: "fail", detail: expect.stringMatching(new RegExp(`^cannot reach Redis at redis://127\\.0\\.0\\.1:${port} within 5000 ms: `)) });
    expect(report.verdict).toBe("not ready");
    expect(JSON.stringify(report)).not.toContain("s3cret");
  }, BOUND_MS + 5_000);

  it("a URL that is not redis:// fails the check, without the password", async () => {
    const report = await runDoctor({ redis: "http://user:s3cret@127.0.0.1:1", codex: { codexPathOverride: "/nonexistent/codex" } });
    expect(report.checks.at(-1)).toEqual({ name: "redis", status: "fail", detail: 'a Redis URL starts with redis:// or rediss:// (got "http://127.0.0.1:1")' });
    expect(JSON.stringify(report)).not.toContain("s3cret");
  });

  it("loads bullmq and ioredis only when asked to check Redis", async () => {
    const script = path.join(temp("codexkit-doctor-lazy-"), "loaded.mts");
    writeFileSync(
      script,
      [
        'import { createRequire } from "node:module";',
        `const { runDoctor } = await import(${JSON.stringify(DOCTOR)});`,
        'const redis = process.argv[2];',
        'await runDoctor({ codex: { codexPathOverride: "/nonexistent/codex" }, ...(redis ? { redis } : {}) });',
        "const cache = Object.keys(createRequire(import.meta.url).cache);",
        "console.log(JSON.stringify(cache.filter((file) => /node_modules[\\\\/](ioredis|bullmq)[\\\\/]/.test(file)).length));",
      ].join("\n"),
    );
    const without = await run([script]);
    expect(without.stdout.trim(), without.stderr).toBe("0");
    // The control: asked to check, the doctor does load them (so the count above can see them).
    const asked = await run([script, `redis://127.0.0.1:${await freePort()}`]);
    expect(Number(asked.stdout.trim()), asked.stderr).toBeGreaterThan(0);
  }, 60_000);
});
