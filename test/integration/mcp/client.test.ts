/**
 * codexkit's MCP client against a real MCP server built with the MCP SDK (test/fixtures/mcp), over
 * stdio and streamable HTTP: handshake, paged lists, calls, timeouts and aborts that reach the
 * server, the environment a stdio server gets (no parent secret unless `inheritEnv`), and
 * supervision (a crash fails the call in flight, the server is restarted, the restart budget of a
 * window ends in `failed`, a throwing listener harms nothing, `close()` leaves nothing running).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { getDefaultEnvironment } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AbortError, McpError, Redactor, TimeoutError } from "../../../src/errors/index.js";
import { silentLogger } from "../../../src/logger.js";
import { McpClients, type McpConnectionState } from "../../../src/mcp/index.js";
import { checkMcpConnect } from "../../../src/options/index.js";
import { listProcesses } from "../../../src/process/tree.js";
import { FIXTURE } from "../../helpers/mcp.js";
import { recordingLogger } from "../../helpers/logger.js";
import { processesWithEnv } from "../../helpers/processes.js";
import { PROCESS_TABLE_READABLE, unixOnly } from "../../helpers/platform.js";


let clients: McpClients;
let dir: string;
let log: string;
beforeEach(() => {
  clients = new McpClients({ redactor: new Redactor(), logger: silentLogger }, checkMcpConnect);
  dir = mkdtempSync(path.join(os.tmpdir(), "codexkit-mcp-"));
  log = path.join(dir, "log.txt");
});
afterEach(async () => {
  await clients.closeAll();
  rmSync(dir, { recursive: true, force: true });
});

function stdio(env: Record<string, string> = {}) {
  return { command: process.execPath, args: [FIXTURE], env: { FIXTURE_LOG: log, ...env } };
}

function logged(): string[] {
  return existsSync(log) ? readFileSync(log, "utf8").trim().split("\n") : [];
}

async function until(check: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  expect(check()).toBe(true);
}

const alive = (pid: number): boolean => listProcesses().some((p) => p.pid === pid && p.state !== "Z");

/** What the fixture server reads for `name` in its environment ("(unset)" when it has none). */
async function serverSees(fx: Awaited<ReturnType<McpClients["connect"]>>, name: string): Promise<string> {
  return String((await fx.callTool("env", { name })).content[0]!.text);
}

/** Made-up secrets of the host program, in this process's environment for one test. */
const HOST_SECRETS = { OPENAI_API_KEY: "sk-host-secret-0123456789", AWS_SECRET_ACCESS_KEY: "host-aws-secret-0123456789", CODEXKIT_TEST_HOST_ONLY: "host-only" };

function withHostSecrets(): () => void {
  const saved = Object.fromEntries(Object.keys(HOST_SECRETS).map((key) => [key, process.env[key]]));
  Object.assign(process.env, HOST_SECRETS);
  return () => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
}

describe("MCP client over stdio", () => {
  it("connects, says who the server is, pages every list to its end, calls tools, reads resources and prompts", async () => {
    const fx = await clients.connect("fx", stdio());
    expect(fx.status).toBe("ready");
    expect(fx.serverInfo).toEqual({ name: "fixture", version: "1.2.3" });
    expect(fx.capabilities).toMatchObject({ tools: { listChanged: true }, resources: {}, prompts: {} });
    expect(fx.instructions).toBe("Fixture server.");
    // The fixture pages by two: ten tools take five pages.
    const tools = await fx.listTools();
    expect(tools.map((t) => t.name)).toEqual(["add", "echo", "env", "pid", "crash", "hang", "spawn_child", "fail", "confirm", "grow"]);
    expect(await fx.callTool("add", { a: 2, b: 3 })).toEqual({ content: [{ type: "text", text: "5" }], structuredContent: { sum: 5 }, isError: false });
    expect(await fx.callTool("fail")).toMatchObject({ isError: true, content: [{ type: "text", text: "the fixture failed on purpose" }] });
    expect((await fx.listResources()).map((r) => r.uri)).toEqual(["fixture://greeting", "fixture://numbers", "fixture://third"]);
    expect(await fx.readResource("fixture://numbers")).toEqual({ contents: [{ uri: "fixture://numbers", mimeType: "application/json", text: "[1,2,3]" }] });
    expect((await fx.listPrompts()).map((p) => p.name)).toEqual(["review", "hello", "bye"]);
    expect(await fx.getPrompt("review", { code: "x = 1" })).toEqual({ description: "review", messages: [{ role: "user", content: { type: "text", text: "review: x = 1" } }] });
    expect(clients.get("fx")).toBe(fx);
    expect(clients.list()).toEqual([fx]);
  });

  it("a server error is an McpError with the server's code", async () => {
    const fx = await clients.connect("fx", stdio());
    const error = await fx.readResource("fixture://nope").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpError);
    expect(error).toMatchObject({ server: "fx", mcpCode: expect.any(Number) });
    expect((error as Error).message).toContain("no resource fixture://nope");
  });

  it("a timeout and an abort reject the call and cancel it on the server", async () => {
    const fx = await clients.connect("fx", stdio());
    await expect(fx.callTool("hang", {}, { timeoutMs: 100 })).rejects.toBeInstanceOf(TimeoutError);
    const controller = new AbortController();
    const pending = fx.callTool("hang", {}, { signal: controller.signal });
    await until(() => logged().filter((l) => l.startsWith("call hang")).length === 2);
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(AbortError);
    await until(() => logged().filter((l) => l === "cancelled hang").length === 2);
    // The connection is still fine.
    expect((await fx.callTool("echo", { text: "still here" })).content).toEqual([{ type: "text", text: "still here" }]);
  });

  it("a crash fails the call in flight at once, the server restarts, and the next call works", async () => {
    const statuses: McpConnectionState[] = [];
    const fx = await clients.connect("fx", stdio({ FIXTURE_SECRET: "sk-fixturesecret123456" }), { restart: { baseDelayMs: 10 } });
    fx.on("status", (status) => statuses.push(status));
    const before = Number((await fx.callTool("pid")).content[0]!.text);
    // The call fails with the crash itself (its message below), not a timeout's.
    const error = await fx.callTool("crash").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpError);
    expect((error as McpError).retryable).toBe(true);
    expect((error as Error).message).toMatch(/stopped during tools\/call crash/);
    // The server's stderr says why, with its secret redacted.
    expect((error as Error).message).toContain("crashing on purpose");
    expect((error as Error).message).not.toContain("sk-fixturesecret123456");
    const after = Number((await fx.callTool("pid")).content[0]!.text);
    expect(after).not.toBe(before);
    expect(fx.restarts).toBe(1);
    expect(statuses).toEqual(["restarting", "ready"]);
  });

  it("gives up as failed after maxRestarts, and says so to every later call", async () => {
    const statuses: McpConnectionState[] = [];
    const fx = await clients.connect("fx", stdio(), { restart: { maxRestarts: 2, baseDelayMs: 5 } });
    fx.on("status", (status) => statuses.push(status));
    for (let i = 0; i < 3; i++) await fx.callTool("crash").catch(() => {});
    await until(() => fx.status === "failed");
    expect(fx.restarts).toBe(2);
    expect(statuses).toEqual(["restarting", "ready", "restarting", "ready", "failed"]);
    await expect(fx.callTool("echo", { text: "x" })).rejects.toThrow(/failed and is not restarted any more/);
  });

  it("a server sees none of the host's secrets, only the MCP SDK's safe variables and its own env", async () => {
    const restore = withHostSecrets();
    try {
      const fx = await clients.connect("fx", stdio({ SERVER_TOKEN: "given-token-0123456789" }));
      expect(await serverSees(fx, "OPENAI_API_KEY")).toBe("(unset)");
      expect(await serverSees(fx, "AWS_SECRET_ACCESS_KEY")).toBe("(unset)");
      expect(await serverSees(fx, "CODEXKIT_TEST_HOST_ONLY")).toBe("(unset)");
      expect(await serverSees(fx, "SERVER_TOKEN")).toBe("given-token-0123456789");
      expect(await serverSees(fx, "PATH")).toBe(process.env.PATH);
      // Its whole environment: the safe list and what it was given (the platform may add a few of its own, never one of ours).
      const names = JSON.parse(await serverSees(fx, "*")) as string[];
      expect(names).toEqual(expect.arrayContaining([...Object.keys(getDefaultEnvironment()), "FIXTURE_LOG", "SERVER_TOKEN"]));
      const extra = names.filter((name) => !(name in getDefaultEnvironment()) && name !== "FIXTURE_LOG" && name !== "SERVER_TOKEN");
      expect(extra.filter((name) => name in process.env)).toEqual([]);
    } finally {
      restore();
    }
  });

  it("with inheritEnv a server sees the host's whole environment, its own env on top", async () => {
    const restore = withHostSecrets();
    try {
      const fx = await clients.connect("fx", { ...stdio({ CODEXKIT_TEST_HOST_ONLY: "overridden" }), inheritEnv: true });
      expect(await serverSees(fx, "OPENAI_API_KEY")).toBe(HOST_SECRETS.OPENAI_API_KEY);
      expect(await serverSees(fx, "AWS_SECRET_ACCESS_KEY")).toBe(HOST_SECRETS.AWS_SECRET_ACCESS_KEY);
      expect(await serverSees(fx, "CODEXKIT_TEST_HOST_ONLY")).toBe("overridden");
    } finally {
      restore();
    }
  });

  it("takes process.env itself as a server's env (not a plain object), as the official SDK's callers pass it", async () => {
    // Its type allows undefined values; at run time it holds only strings.
    const fx = await clients.connect("fx", { command: process.execPath, args: [FIXTURE], env: process.env as Record<string, string> });
    expect(await serverSees(fx, "PATH")).toBe(process.env.PATH);
  });

  it("counts restarts in a window: a crash after the window is restarted again, a burst inside it fails", async () => {
    const statuses: McpConnectionState[] = [];
    // The window is long enough for a restart on a busy machine (a few seconds), short enough to wait out.
    const windowMs = 5_000;
    const fx = await clients.connect("fx", stdio(), { restart: { maxRestarts: 1, windowMs, baseDelayMs: 5 } });
    fx.on("status", (status) => statuses.push(status));
    await fx.callTool("crash").catch(() => {});
    await fx.callTool("echo", { text: "back" });
    expect(fx.restarts).toBe(1);
    // The first restart leaves the window: the budget is whole again.
    await new Promise((resolve) => setTimeout(resolve, windowMs + 100));
    await fx.callTool("crash").catch(() => {});
    expect((await fx.callTool("echo", { text: "back again" })).content).toEqual([{ type: "text", text: "back again" }]);
    expect(fx.restarts).toBe(2);
    // A second crash within the window of that restart is one too many.
    await fx.callTool("crash").catch(() => {});
    await until(() => fx.status === "failed");
    expect(fx.restarts).toBe(2);
    expect(statuses).toEqual(["restarting", "ready", "restarting", "ready", "failed"]);
  });

  it("a throwing or rejecting status or toolsChanged listener is logged, never unhandled, and the connection works on", async () => {
    const logger = recordingLogger();
    const own = new McpClients({ redactor: new Redactor(), logger }, checkMcpConnect);
    const escaped: unknown[] = [];
    const onEscape = (error: unknown): void => void escaped.push(error);
    process.on("unhandledRejection", onEscape);
    process.on("uncaughtException", onEscape);
    try {
      const fx = await own.connect("fx", stdio(), { restart: { baseDelayMs: 5 } });
      const seen: string[] = [];
      const changed = new Promise<string[]>((resolve) => fx.on("toolsChanged", (tools) => resolve(tools.map((t) => t.name))));
      fx.on("status", (status) => {
        seen.push(status);
        throw new Error("status listener broke");
      });
      // eslint-disable-next-line @typescript-eslint/no-misused-promises -- the case under test: a listener that returns a rejecting promise
      fx.on("status", () => Promise.reject(new Error("async status listener broke")));
      fx.on("toolsChanged", () => {
        throw new Error("tools listener broke");
      });
      // eslint-disable-next-line @typescript-eslint/require-await, @typescript-eslint/no-misused-promises -- the case under test: an async listener that throws, as users write them
      fx.on("toolsChanged", async () => {
        throw new Error("async tools listener broke");
      });
      await fx.callTool("grow", { name: "later" });
      expect(await changed).toContain("later");
      await fx.callTool("crash").catch(() => {});
      expect((await fx.callTool("echo", { text: "still here" })).content).toEqual([{ type: "text", text: "still here" }]);
      expect(seen).toEqual(["restarting", "ready"]);
      // Node reports an unhandled rejection once the microtasks have run: one turn of the event loop.
      await new Promise((resolve) => setImmediate(resolve));
      expect(escaped).toEqual([]);
      const errors = logger.entries.filter((e) => e.obj.event === "hook.error").map((e) => [e.obj.hook, e.obj.error]);
      expect(errors).toEqual(
        expect.arrayContaining([
          ["mcp.toolsChanged", "Error: tools listener broke"],
          ["mcp.toolsChanged", "Error: async tools listener broke"],
          ["mcp.status", "Error: status listener broke"],
          ["mcp.status", "Error: async status listener broke"],
        ]),
      );
    } finally {
      process.off("unhandledRejection", onEscape);
      process.off("uncaughtException", onEscape);
      await own.closeAll();
    }
  });

  unixOnly("sees whether a pid lives in the process table (/proc or ps)")("close() stops the server and what it started", async () => {
    const fx = await clients.connect("fx", stdio());
    const server = Number((await fx.callTool("pid")).content[0]!.text);
    const child = Number((await fx.callTool("spawn_child")).content[0]!.text);
    expect(alive(server) && alive(child)).toBe(true);
    await clients.closeAll();
    expect(fx.status).toBe("closed");
    await until(() => !alive(server) && !alive(child));
    await expect(fx.callTool("pid")).rejects.toThrow(/is closed/);
    expect(clients.list()).toEqual([]);
  });

  it.each([
    ["a binary that does not exist", { command: "/nonexistent/mcp-server" }, 10_000, /could not be started: could not start MCP server bad at \/nonexistent\/mcp-server: the file does not exist/],
    ["a server that exits at once", { command: process.execPath, args: [FIXTURE], env: { FIXTURE_EXIT_AT_START: "1" } }, 10_000, /exit code 3.*exiting at start as asked/],
    ["a server that never answers initialize", { command: process.execPath, args: [FIXTURE], env: { FIXTURE_NO_INIT: "1" } }, 300, /did not answer initialize within 300 ms/],
  ])("refuses %s with McpError, leaving nothing running", async (_what, config, initializeTimeoutMs, message) => {
    const marked = { ...config, env: { ...("env" in config ? config.env : {}), FIXTURE_LOG: log } };
    const error = await clients.connect("bad", marked, { initializeTimeoutMs }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpError);
    expect((error as Error).message).toMatch(message);
    expect(clients.get("bad")).toBeUndefined();
    // Where /proc lets it look, nothing the failed start began is left running.
    if (PROCESS_TABLE_READABLE) expect(processesWithEnv(`FIXTURE_LOG=${log}`)).toEqual([]);
  });

  it("refuses a taken name and a bad config before starting anything", async () => {
    await clients.connect("fx", stdio());
    await expect(clients.connect("fx", stdio())).rejects.toBeInstanceOf(McpError);
    await expect(clients.connect("bad name", stdio())).rejects.toThrow(/must be 1 to 64 letters/);
    await expect(clients.connect("x", { url: "ftp://nowhere" })).rejects.toThrow(/must be an http\(s\) URL/);
    await expect(clients.connect("y", { command: "node", args: [3 as unknown as string] })).rejects.toThrow(/args\[0\] must be a string/);
    await expect(clients.connect("z", { ...stdio(), inheritEnv: "yes" as unknown as boolean })).rejects.toThrow(/inheritEnv must be true or false/);
    await expect(clients.connect("w", stdio(), { restart: { maxRestarts: 1.5 } })).rejects.toThrow(/maxRestarts must be a whole number/);
    await expect(clients.connect("w", stdio(), { restart: { windowMs: 0 } })).rejects.toThrow(/windowMs must be a number of milliseconds >= 1/);
    await expect(clients.connect("w", stdio(), { restart: { baseDelayMs: -1 } })).rejects.toThrow(/baseDelayMs must be a number of milliseconds >= 0/);
    expect(clients.list().map((c) => c.name)).toEqual(["fx"]);
  });

  it("refreshes its tools when the server says the list changed", async () => {
    const fx = await clients.connect("fx", stdio());
    const changed = new Promise<string[]>((resolve) => fx.on("toolsChanged", (tools) => resolve(tools.map((t) => t.name))));
    await fx.callTool("grow", { name: "later" });
    expect(await changed).toContain("later");
    expect(fx.tools().map((t) => t.name)).toContain("later");
  });
});

describe("MCP client over streamable HTTP", () => {
  let server: ChildProcess | null = null;
  afterEach(() => {
    server?.kill("SIGKILL");
    server = null;
  });

  async function httpFixture(env: Record<string, string> = {}): Promise<string> {
    server = spawn(process.execPath, [FIXTURE, "--http"], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] });
    return new Promise((resolve) => server!.stdout!.once("data", (data: Buffer) => resolve(String(data).trim())));
  }

  it("connects with headers, lists and calls", async () => {
    const url = await httpFixture({ FIXTURE_TOKEN: "tok-abcdef123456" });
    const fx = await clients.connect("web", { url, headers: { Authorization: "Bearer tok-abcdef123456" } });
    expect(fx.serverInfo?.name).toBe("fixture");
    expect((await fx.listTools()).length).toBe(10);
    expect((await fx.callTool("add", { a: 1, b: 1 })).content).toEqual([{ type: "text", text: "2" }]);
  });

  it("a wrong token is an McpError that does not show the token", async () => {
    const url = await httpFixture({ FIXTURE_TOKEN: "tok-abcdef123456" });
    const error = await clients.connect("web", { url, headers: { Authorization: "Bearer wrong-token-999999" } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpError);
    expect((error as Error).message).not.toContain("wrong-token-999999");
  });
});
