/**
 * The guides' runnable examples run as a user runs them: each is a child Node process (tsx), which
 * imports `codexkit` by name (tsconfig.json's `paths` point it at the sources), with an empty HOME
 * and no API key, so it picks the built-in mock model. Each test asserts on what the example prints,
 * and that it wrote nothing into HOME. The queue example gets a private redis-server of its own
 * (skipped by name where redis-server is not installed).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { EXPECTED_OUTPUT, offlineEnv, slot } from "../helpers/examples.js";
import { redisOnly, startRedis } from "../helpers/redis.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const homes: string[] = [];
afterAll(() => {
  for (const home of homes) rmSync(home, { recursive: true, force: true });
});

/** Runs `examples/<file>` offline and returns its stdout; fails with its stderr when it fails. */
function example(file: string, ...args: string[]): Promise<string> {
  return exampleWith({}, file, ...args);
}

/** `example()`, with `REDIS_URL` set to `redisUrl`, or unset when it is undefined. */
function exampleWith({ redisUrl }: { redisUrl?: string }, file: string, ...args: string[]): Promise<string> {
  return slot(async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), "codexkit-example-home-"));
    homes.push(home);
    const env = offlineEnv(home, ["REDIS_URL"]);
    if (redisUrl !== undefined) env.REDIS_URL = redisUrl;
    const stdout = await new Promise<string>((resolve, reject) => {
      // SIGKILL on timeout: the example's own cleanup cannot run then, but its tsx child must not linger.
      execFile(process.execPath, ["--import", "tsx", path.join("examples", file), ...args], { cwd: ROOT, env, timeout: 50_000, killSignal: "SIGKILL" }, (error, out, err) =>
        error ? reject(new Error(`examples/${file} ${args.join(" ")} failed: ${error.message}\n${err}`)) : resolve(out),
      );
    });
    expect(readdirSync(home), `examples/${file} wrote into HOME`).toEqual([]);
    return stdout;
  });
}

// Each example gets 50 s once it runs (its child is killed then); a test also waits for a slot.
describe.concurrent("examples", { timeout: 300_000 }, () => {
  it("demo.ts streams a command with its whole output, then a second turn, on app-server", async () => {
    const out = await example("demo.ts");
    expect(out).toContain("transport: app-server");
    expect(out).toContain("(offline: codex is talking to the built-in mock model");
    // Every line of the command's output, indented under it (it used to print only the last line).
    expect(out).toMatch(/exit 0\n {4}hello from \w+\n( {4}(README\.md|package\.json|src)\n){3} {2}agent:/);
    expect(out).toContain("second turn: You asked me to greet you");
  });

  it("migrating.ts runs the official SDK's usage with only the import changed", async () => {
    const out = await example("migrating.ts");
    expect(out).toContain("final response: The repository is empty: there is nothing to fix.");
    expect(out).toMatch(/usage: \d+ in \/ \d+ out/);
    expect(out).toContain('structured: {"summary":"an empty directory","status":"ok"}');
    expect(out).toMatch(/thread total: 30 in \/ 15 out/);
  });

  it("transports.ts holds the same conversation on app-server and exec; fork on app-server, listing on both", async () => {
    const out = await example("transports.ts");
    expect(out).toMatch(/app-server: two turns in \d+ ms; second answer: You said hello\./);
    expect(out).toContain("app-server: fork is a new thread: Forked.");
    expect(out).toContain("app-server: the thread is listed: true");
    expect(out).toMatch(/exec: two turns in \d+ ms; second answer: You said hello\./);
    expect(out).toContain("exec: fork is not supported (fork)");
    expect(out).toContain("exec: the thread is listed: true");
  });

  it("tools.ts runs the forecast tool on app-server", async () => {
    EXPECTED_OUTPUT["tools.ts"](await example("tools.ts"));
  });

  it("tools.ts runs the forecast tool on exec, through the loopback MCP server", async () => {
    const out = await example("tools.ts", "--exec");
    expect(out).toContain('tool forecast({"city":"Lisbon"})');
    expect(out).toContain("[completed]");
  });

  it("approvals.ts accepts the touch and declines the rm", async () => {
    const out = await example("approvals.ts");
    expect(out).toMatch(/touch notes\.txt'\n\s+-> accept \(handler\)/);
    expect(out).toMatch(/rm -rf notes\.txt'\n\s+-> decline \(handler\)/);
    expect(out).toContain("notes.txt exists: true");
  });

  it("mcp.ts calls a server directly, bridges its tools, and hands it to codex", async () => {
    EXPECTED_OUTPUT["mcp.ts"](await example("mcp.ts"));
  });

  it("files.ts stages a file once, attaches it, and reads the thread's record back", async () => {
    EXPECTED_OUTPUT["files.ts"](await example("files.ts"));
  });

  it("telemetry.ts prints codexkit's spans under the app's span, the hooks, the GenAI metrics and a diagnostics line", async () => {
    EXPECTED_OUTPUT["telemetry.ts"](await example("telemetry.ts"));
  });

  it("testing.ts checks a bot against the scripted model, and a scripted 429", async () => {
    const out = await example("testing.ts");
    expect(out).toContain("ok: the bot reports the test result");
    expect(out).toContain("ok: a rate limit is a RateLimitError");
  });

  it("cassette.ts records a session, replays it offline, and shows a mismatch", async () => {
    const out = await example("cassette.ts");
    expect(out).toContain('record: "All 3 tests pass." (2 model requests, 6 lines in review-bot.jsonl)');
    expect(out).toContain('replay: "All 3 tests pass." (offline)');
    expect(out).toContain('changed prompt: CassetteMismatchError at request 0:\n- input[0] user: "Run the tests and say whether they pass."\n+ input[0] user: "Run the tests twice."');
  });

  it("troubleshooting.ts shows a refused working directory, a typed failure and the diagnostics report", async () => {
    const out = await example("troubleshooting.ts");
    expect(out).toMatch(/invalid_options: workingDirectory \S+no-such-dir does not exist/);
    expect(out).toContain("AuthError (auth_failed, retryable: false): is an AuthError: true");
    expect(out).toMatch(/codexkit \d+\.\d+\.\d+, codex-cli 0\.169\.0/);
    expect(out).toContain("credential: none, provider mock");
    expect(out).toContain("recent errors: invalid_options, auth_failed");
  });

  it("queue.ts without REDIS_URL says how to run it and exits 0", async () => {
    const out = await exampleWith({}, "queue.ts");
    expect(out).toContain("REDIS_URL is not set");
    expect(out).toContain("REDIS_URL=redis://127.0.0.1:6379 npx tsx examples/queue.ts");
  });

  redisOnly("queue.ts runs a thread's two turns on two workers through a private Redis, the second from the checkpoint", async () => {
    const redis = await startRedis();
    try {
      const out = await exampleWith({ redisUrl: redis.url }, "queue.ts");
      expect(out).toMatch(new RegExp(`^Redis \\d+\\.\\d+\\.\\d+ at redis://127\\.0\\.0\\.1:${redis.port}, queue "codexkit-example"$`, "m"));
      expect(out).toContain('[w1] tool lookup_order({"order":"A-17"})');
      expect(out).toContain("turn 1: Order A-17 is packed and ships tomorrow.");
      const thread = /^thread ([0-9a-f-]{36})$/m.exec(out)?.[1];
      expect(thread).toBeDefined();
      expect(out).toMatch(/\[w1\] checkpoint after turn 1: \d+ bytes in Redis/);
      expect(out).toMatch(new RegExp(`\\[w2\\] restored thread ${thread!} from its checkpoint \\(\\d+ bytes\\)`));
      expect(out).toContain("turn 2: order A-17, eta tomorrow");
      expect(out).toContain("turn 2's request carried turn 1: true");
      expect(out).toMatch(/\[w2\] checkpoint after turn 2: \d+ bytes in Redis/);
    } finally {
      await redis.close();
    }
  });
});
