/** The README's runnable examples still run, offline against the mock model, and say what they should. */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);

/** Runs an example with tsx, without API keys so it stays offline. */
async function example(file: string, ...args: string[]): Promise<string> {
  const env = { ...process.env };
  delete env.OPENAI_API_KEY;
  delete env.CODEX_API_KEY;
  // SIGKILL on timeout: the example's own cleanup cannot run then, but its tsx child must not linger.
  const { stdout } = await run(process.execPath, ["--import", "tsx", file, ...args], { env, timeout: 50_000, killSignal: "SIGKILL" });
  return stdout;
}

describe("examples", () => {
  it("demo.ts streams a command and two turns on app-server", async () => {
    const out = await example("examples/demo.ts");
    expect(out).toContain("transport: app-server");
    expect(out).toMatch(/exit 0/);
    expect(out).toContain("second turn:");
  });

  it("tools.ts runs the forecast tool on both transports", async () => {
    for (const args of [[], ["--exec"]]) {
      const out = await example("examples/tools.ts", ...args);
      expect(out).toContain('tool forecast({"city":"Lisbon"})');
      expect(out).toContain("[completed]");
    }
  }, 120_000);

  it("approvals.ts accepts the touch and declines the rm", async () => {
    const out = await example("examples/approvals.ts");
    expect(out).toMatch(/touch notes\.txt'\n\s+-> accept \(handler\)/);
    expect(out).toMatch(/rm -rf notes\.txt'\n\s+-> decline \(handler\)/);
    expect(out).toContain("notes.txt exists: true");
  });

  it("mcp.ts calls a server directly, bridges its tools, and hands it to codex, on both transports", async () => {
    for (const args of [[], ["--exec"]]) {
      const out = await example("examples/mcp.ts", ...args);
      expect(out).toContain("connected to calc 1.0.0: ready");
      expect(out).toContain("direct call: 2 + 3 = 5");
      expect(out).toContain('bridged: calc_add({"a":20,"b":22}) -> "42"');
      expect(out).toContain("codex ran: calc.add -> completed");
    }
  }, 120_000);

  it("telemetry.ts prints codexkit's spans under the app's span, the hooks, the GenAI metrics and a diagnostics line", async () => {
    for (const args of [[], ["--exec"]]) {
      const out = await example("examples/telemetry.ts", ...args);
      const trace = /trace: ([0-9a-f]{32})/.exec(out)?.[1];
      expect(trace).toBeDefined();
      for (const name of ["invoke_agent codex", "execute_tool shell", "execute_tool forecast", "handle-request"]) expect(out).toContain(`name: '${name}'`);
      expect(out.match(/traceId: '([0-9a-f]{32})'/g)!.every((line) => line.includes(trace!))).toBe(true);
      expect(out).toContain('hook: beforeToolCall forecast({"city":"Lisbon"})');
      expect(out).toContain("name: 'gen_ai.client.token.usage'");
      expect(out).toMatch(/diagnostics: codexkit \d+\.\d+\.\d+, codex-cli 0\.169\.0/);
    }
  }, 120_000);
});
