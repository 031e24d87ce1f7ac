/**
 * What the guides' examples must print, shared by the test that runs them from the repository and
 * the one that runs them installed from the packed tarball; and the slot both take, so that at
 * most two examples (each with its codex) run at once on two cores shared with the suite.
 */
import { expect } from "vitest";

let running = 0;
const waiting: (() => void)[] = [];

/** Runs `work` once fewer than two others are running. */
export async function slot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= 2) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await work();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/** A child's environment with an empty HOME and no credential, so examples pick the mock model. */
export function offlineEnv(home: string, drop: readonly string[] = []): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, USERPROFILE: home };
  for (const name of ["OPENAI_API_KEY", "CODEX_API_KEY", "CODEX_HOME", "XDG_CACHE_HOME", ...drop]) delete env[name];
  return env;
}

/** Asserts what an example printed; one entry per example the tarball test runs too. */
export const EXPECTED_OUTPUT = {
  "tools.ts": (out: string): void => {
    expect(out).toContain('tool forecast({"city":"Lisbon"}) -> "{\\"city\\":\\"Lisbon\\",\\"sky\\":\\"sunny\\",\\"highC\\":21}" [completed]');
    expect(out).toContain("agent: Tomorrow in Lisbon: sunny, 21 °C.");
  },
  "mcp.ts": (out: string): void => {
    expect(out).toContain("connected to calc 1.0.0: ready");
    expect(out).toContain("direct call: 2 + 3 = 5");
    expect(out).toContain('bridged: calc_add({"a":20,"b":22}) -> "42"');
    expect(out).toContain("codex ran: calc.add -> completed");
  },
  "files.ts": (out: string): void => {
    expect(out).toMatch(/staged notes\.txt: text\/plain, 61 bytes, id [0-9a-f]{12}…/);
    expect(out).toContain("staged again: same file: true");
    expect(out).toContain("the model saw the file: true");
    expect(out).toContain("thread attachment: notes.txt (text/plain, 61 bytes)");
    expect(out).toContain("used by this thread: true");
    expect(out).toContain("files in the store: 1");
  },
  "telemetry.ts": (out: string): void => {
    const trace = /trace: ([0-9a-f]{32})/.exec(out)?.[1];
    expect(trace).toBeDefined();
    for (const name of ["invoke_agent codex", "execute_tool shell", "execute_tool forecast", "handle-request"]) expect(out).toContain(`name: '${name}'`);
    expect(out.match(/traceId: '([0-9a-f]{32})'/g)!.every((line) => line.includes(trace!))).toBe(true);
    expect(out).toContain('hook: beforeToolCall forecast({"city":"Lisbon"})');
    expect(out).toContain("name: 'gen_ai.client.token.usage'");
    expect(out).toMatch(/diagnostics: codexkit \d+\.\d+\.\d+, codex-cli 0\.169\.0/);
  },
};
