/**
 * Secrets that live as long as a thread: a client that runs for weeks must not keep every
 * thread's MCP server secrets for good, nor forget one while its thread is still alive.
 */
import v8 from "node:v8";
import vm from "node:vm";
import { describe, expect, it } from "vitest";
import { Codex } from "../../../src/index.js";
import { REDACTED, Redactor } from "../../../src/errors/index.js";

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

/** Collects until `check` holds (finalizers run on a later task after a collection). */
async function collectUntil(check: () => boolean): Promise<void> {
  for (let i = 0; i < 50 && !check(); i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  expect(check()).toBe(true);
}

describe("Redactor.holdEnv", () => {
  it("hides a held secret while its owner lives, and forgets it once the owner is collected", async () => {
    const redactor = new Redactor().add("client-secret-value");
    let owner: object | null = {};
    redactor.holdEnv(owner, { API_TOKEN: "thread-secret-value", PLAIN: "not-a-secret" });
    expect(redactor.redact("a thread-secret-value b not-a-secret")).toBe(`a ${REDACTED} b not-a-secret`);
    expect(redactor.size).toBe(2);
    owner = null;
    await collectUntil(() => redactor.size === 1);
    expect(redactor.redact("thread-secret-value")).toBe("thread-secret-value");
    expect(redactor.redact("client-secret-value")).toBe(REDACTED);
  });

  it("keeps a secret two owners hold until both are gone, and one added for good forever", async () => {
    const redactor = new Redactor().add("permanent-secret");
    const kept = {};
    let dropped: object | null = {};
    redactor.holdEnv(kept, { SECRET: "shared-secret-1" });
    redactor.holdEnv(dropped, { SECRET: "shared-secret-1", KEY: "permanent-secret" });
    dropped = null;
    await collectUntil(() => redactor.size === 2);
    expect(redactor.redact("shared-secret-1 permanent-secret")).toBe(`${REDACTED} ${REDACTED}`);
    expect(kept).toBeDefined();
  });
});

describe("a long-running client", () => {
  it("does not keep the MCP server secrets of threads it no longer has", async () => {
    const codex = new Codex({ env: {} });
    const redactor = (codex as unknown as { ctx: { redactor: Redactor } }).ctx.redactor;
    const before = redactor.size;
    let alive = codex.startThread({ mcpServers: { s: { command: "server", env: { API_KEY: "alive-thread-key" } } } });
    for (let i = 0; i < 500; i++) codex.startThread({ mcpServers: { s: { command: "server", env: { API_KEY: `thread-key-${i}-xxxxxxxx` } } } });
    expect(redactor.size).toBe(before + 501);
    await collectUntil(() => redactor.size === before + 1);
    expect(redactor.redact("alive-thread-key")).toBe(REDACTED);
    expect(alive).toBeDefined();
    alive = null as never;
    await codex.close();
  });
});
