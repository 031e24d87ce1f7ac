/**
 * The public surface, pinned: the runtime exports of `codexkit`, `codexkit/testing`,
 * `codexkit/telemetry` and `codexkit/queue` (the source entry files package.json's `exports` are built from). A value
 * added to or dropped from an entry point is a decision: make it here, and in the CHANGELOG.
 */
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const ROOT = [
  // What a program constructs or calls.
  "Codex",
  "Thread",
  "approvalRules",
  "tool",
  "withJsonSchema",
  "recordEvents",
  // What it catches.
  "AbortError",
  "AttachmentError",
  "AuthError",
  "CodexError",
  "CodexExitError",
  "CodexNotFoundError",
  "CodexSpawnError",
  "ConnectionClosedError",
  "ContextWindowError",
  "InvalidOptionsError",
  "McpError",
  "OutputSchemaError",
  "ProtocolError",
  "RateLimitError",
  "RpcError",
  "ServerError",
  "ThreadStateError",
  "TimeoutError",
  "ToolError",
  "TurnFailedError",
  "UnsafeDirectoryError",
  "UnsupportedFeatureError",
  "UntrustedDirectoryError",
  "UsageLimitError",
  "isCodexError",
];

const TESTING = [
  "Cassette",
  "CassetteMismatchError",
  "DEFAULT_DELTA_CHUNKS",
  "DEFAULT_ESCALATION_JUSTIFICATION",
  "DEFAULT_FAILURE_CODE",
  "DEFAULT_MOCK_MODEL",
  "DEFAULT_USAGE",
  "DEFAULT_WAIT_TIMEOUT_MS",
  "ISOLATED_ENV_KEYS",
  "MOCK_PROVIDER_ID",
  "MockModelServer",
  "applyPatch",
  "applyPatchCommand",
  "assertMockResponse",
  "buildPatch",
  "callTool",
  "disconnect",
  "fail",
  "functionCallOutput",
  "httpError",
  "inputItems",
  "lastUserText",
  "rawEvent",
  "runCommand",
  "say",
  "stall",
  "stream",
  "think",
];

const TELEMETRY = ["CODEXKIT", "CODEXKIT_VERSION", "GENERAL", "GEN_AI", "LOG_EVENTS", "METRIC", "REDACTED", "SPAN"];

const QUEUE = ["CodexQueue", "CodexWorker", "DEFAULT_CONNECT_TIMEOUT_MS", "QueueConnectionError", "QueuedThread", "checkRedis"];

const sorted = (names: readonly string[]): string[] => [...names].sort();

describe("public surface", () => {
  it("codexkit exports as values only what a program constructs, calls or catches", async () => {
    expect(Object.keys(await import("../../src/index.js")).sort()).toEqual(sorted(ROOT));
  });

  it("codexkit/testing exports the offline kit", async () => {
    expect(Object.keys(await import("../../src/testing/index.js")).sort()).toEqual(sorted(TESTING));
  });

  it("codexkit/telemetry exports the names dashboards and alerts are built on", async () => {
    expect(Object.keys(await import("../../src/telemetry/public.js")).sort()).toEqual(sorted(TELEMETRY));
  });

  it("codexkit/queue exports the producer, the worker and the queue's error", async () => {
    expect(Object.keys(await import("../../src/queue/index.js")).sort()).toEqual(sorted(QUEUE));
  });

  it("imports bullmq and ioredis nowhere at load time: types only, and import() when a queue or worker opens", () => {
    const dir = new URL("../../src/", import.meta.url);
    const files = readdirSync(dir, { recursive: true }).map(String).filter((file) => file.endsWith(".ts"));
    const eager = files.flatMap((file) => {
      const text = readFileSync(new URL(file, dir), "utf8");
      return [...text.matchAll(/^import\s+(?!type\s)[^;]*?from\s+"(bullmq|ioredis)"/gm)].map((match) => `${file}: ${match[0]}`);
    });
    expect(eager).toEqual([]);
    // The lazy import is there (so this check looks at the right text).
    expect(readFileSync(new URL("queue/connection.ts", dir), "utf8")).toMatch(/import\("bullmq"\)/);
  });

  it("exports internals (made by Codex, constructors @internal) as types only, and telemetry constants only from codexkit/telemetry", async () => {
    const root = await import("../../src/index.js");
    for (const name of ["CodexFiles", "McpClients", "McpServerConnection", "ToolRegistry", "MCP_DEFAULTS", "LOG_EVENTS", "SPAN", "REDACTED", "CODEXKIT_VERSION"]) {
      expect(name in root, name).toBe(false);
    }
  });

  it("keeps every value of the official @openai/codex-sdk (its examples run unchanged)", async () => {
    const official = Object.keys(await import("@openai/codex-sdk"));
    expect(official.length).toBeGreaterThan(0);
    expect(Object.keys(await import("../../src/index.js"))).toEqual(expect.arrayContaining(official));
  });

  it("maps every entry point of package.json to a source entry file that exists", () => {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { exports: Record<string, string | { types: string; import: string }> };
    const entries = Object.entries(pkg.exports).filter((entry): entry is [string, { types: string; import: string }] => typeof entry[1] === "object");
    expect(entries.map(([subpath]) => subpath).sort()).toEqual([".", "./queue", "./telemetry", "./testing"]);
    for (const [, target] of entries) {
      const source = target.import.replace(/^\.\/dist\//, "src/").replace(/\.js$/, ".ts");
      expect(target.types).toBe(target.import.replace(/\.js$/, ".d.ts"));
      expect(() => readFileSync(new URL(`../../${source}`, import.meta.url))).not.toThrow();
    }
  });
});
