/**
 * The guides' runnable examples run as a user runs them: each is a child Node process (tsx), which
 * imports `codexkit` by name (tsconfig.json's `paths` point it at the sources), with an empty HOME
 * and no API key, so it picks the built-in mock model. Each test asserts on what the example prints,
 * and that it wrote nothing into HOME.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const homes: string[] = [];
afterAll(() => {
  for (const home of homes) rmSync(home, { recursive: true, force: true });
});

// Two cores shared with the rest of the suite: at most two examples (each with its codex) at once.
let running = 0;
const waiting: (() => void)[] = [];
async function slot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= 2) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await work();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/** Runs `examples/<file>` offline and returns its stdout; fails with its stderr when it fails. */
function example(file: string, ...args: string[]): Promise<string> {
  return slot(async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), "codexkit-example-home-"));
    homes.push(home);
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, USERPROFILE: home };
    for (const name of ["OPENAI_API_KEY", "CODEX_API_KEY", "CODEX_HOME", "XDG_CACHE_HOME"]) delete env[name];
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
    const out = await example("tools.ts");
    expect(out).toContain('tool forecast({"city":"Lisbon"}) -> "{\\"city\\":\\"Lisbon\\",\\"sky\\":\\"sunny\\",\\"highC\\":21}" [completed]');
    expect(out).toContain("agent: Tomorrow in Lisbon: sunny, 21 °C.");
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
    const out = await example("mcp.ts");
    expect(out).toContain("connected to calc 1.0.0: ready");
    expect(out).toContain("direct call: 2 + 3 = 5");
    expect(out).toContain('bridged: calc_add({"a":20,"b":22}) -> "42"');
    expect(out).toContain("codex ran: calc.add -> completed");
  });

  it("files.ts stages a file once, attaches it, and reads the thread's record back", async () => {
    const out = await example("files.ts");
    expect(out).toMatch(/staged notes\.txt: text\/plain, 61 bytes, id [0-9a-f]{12}…/);
    expect(out).toContain("staged again: same file: true");
    expect(out).toContain("the model saw the file: true");
    expect(out).toContain("thread attachment: notes.txt (text/plain, 61 bytes)");
    expect(out).toContain("used by this thread: true");
    expect(out).toContain("files in the store: 1");
  });

  it("telemetry.ts prints codexkit's spans under the app's span, the hooks, the GenAI metrics and a diagnostics line", async () => {
    const out = await example("telemetry.ts");
    const trace = /trace: ([0-9a-f]{32})/.exec(out)?.[1];
    expect(trace).toBeDefined();
    for (const name of ["invoke_agent codex", "execute_tool shell", "execute_tool forecast", "handle-request"]) expect(out).toContain(`name: '${name}'`);
    expect(out.match(/traceId: '([0-9a-f]{32})'/g)!.every((line) => line.includes(trace!))).toBe(true);
    expect(out).toContain('hook: beforeToolCall forecast({"city":"Lisbon"})');
    expect(out).toContain("name: 'gen_ai.client.token.usage'");
    expect(out).toMatch(/diagnostics: codexkit \d+\.\d+\.\d+, codex-cli 0\.169\.0/);
  });

  it("testing.ts checks a bot against the scripted model, and a scripted 429", async () => {
    const out = await example("testing.ts");
    expect(out).toContain("ok: the bot reports the test result");
    expect(out).toContain("ok: a rate limit is a RateLimitError");
  });

  it("troubleshooting.ts shows a refused working directory, a typed failure and the diagnostics report", async () => {
    const out = await example("troubleshooting.ts");
    expect(out).toMatch(/invalid_options: workingDirectory \S+no-such-dir does not exist/);
    expect(out).toContain("AuthError (auth_failed, retryable: false): is an AuthError: true");
    expect(out).toMatch(/codexkit \d+\.\d+\.\d+, codex-cli 0\.169\.0/);
    expect(out).toContain("credential: none, provider mock");
    expect(out).toContain("recent errors: invalid_options, auth_failed");
  });
});
