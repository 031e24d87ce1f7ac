/**
 * The loopback MCP server, driven by the MCP SDK's own client: listing, calling, auth, abort and
 * shutdown.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterEach, describe, expect, it } from "vitest";
import { Redactor } from "../../../../src/errors/index.js";
import { silentLogger } from "../../../../src/logger.js";
import type { ToolCallOutcome, ToolSpec } from "../../../../src/tools/index.js";
import {
  DEFAULT_TOOL_SERVER_NAME,
  TOOL_SERVER_TOKEN_ENV,
  parseDataUrl,
  startToolServer,
  toCallToolResult,
  type ToolEndpointTools,
  type ToolServer,
} from "../../../../src/transport/exec/tool-endpoint.js";
import type { ToolCallRequest } from "../../../../src/transport/index.js";
import { refused } from "../../../helpers/network.js";

const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC";

interface Call {
  name: string;
  args: unknown;
  ctx: ToolCallRequest;
}

/** A hand-made host: `add` sums, `fail` fails, `picture` returns an image, `wait` waits for abort. */
function toolSet(): ToolEndpointTools & { calls: Call[] } {
  const specs: ToolSpec[] = [
    {
      name: "add",
      description: "Adds two numbers.",
      inputSchema: { type: "object", properties: { a: { type: "number" }, b: { type: "number" } }, required: ["a", "b"], additionalProperties: false },
    },
    { name: "fail", description: "Always fails.", inputSchema: { type: "object", properties: {} } },
    { name: "picture", description: "Returns an image.", inputSchema: { type: "object", properties: {} } },
    { name: "wait", description: "Waits until aborted.", inputSchema: { type: "object", properties: {} } },
  ];
  const calls: Call[] = [];
  return {
    specs,
    calls,
    async call(ctx): Promise<ToolCallOutcome> {
      const { tool: name, arguments: args } = ctx;
      calls.push({ name, args, ctx });
      if (name === "add") {
        const { a, b } = args as { a: number; b: number };
        return { success: true, content: [{ type: "text", text: String(a + b) }], durationMs: 1 };
      }
      if (name === "picture") {
        return {
          success: true,
          content: [
            { type: "text", text: "here" },
            { type: "image", imageUrl: `data:image/png;base64,${PNG}` },
            { type: "image", imageUrl: "https://example.com/x.png" },
          ],
          durationMs: 1,
        };
      }
      if (name === "wait") {
        await new Promise<void>((resolve) => {
          if (ctx.signal.aborted) resolve();
          ctx.signal.addEventListener("abort", () => resolve(), { once: true });
        });
        return { success: false, content: [], error: "aborted", durationMs: 1 };
      }
      return { success: false, content: [], error: "it broke", durationMs: 1 };
    },
  };
}

let servers: ToolServer[] = [];
let clients: Client[] = [];

afterEach(async () => {
  await Promise.all(clients.map((client) => client.close().catch(() => {})));
  await Promise.all(servers.map((server) => server.close()));
  servers = [];
  clients = [];
});

async function start(tools: ToolEndpointTools = toolSet(), threadId: string | null = "thread-1"): Promise<ToolServer> {
  const server = await startToolServer(tools, { logger: silentLogger, redactor: new Redactor(), context: () => ({ threadId, turnId: null }) });
  servers.push(server);
  return server;
}

async function connect(server: ToolServer, token = server.token): Promise<Client> {
  const client = new Client({ name: "test", version: "1.0.0" });
  const transport = new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers: { Authorization: `Bearer ${token}` } } });
  clients.push(client);
  await client.connect(transport);
  return client;
}

function post(url: string, headers: Record<string, string>): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
    }),
  });
}

describe("startToolServer", () => {
  it("listens on 127.0.0.1 with a random port and token, and hands codex url and token variable only", async () => {
    const a = await start();
    const b = await start();
    expect(a.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    expect(a.url).not.toBe(b.url);
    expect(a.token).not.toBe(b.token);
    expect(a.token.length).toBeGreaterThanOrEqual(40);
    expect(a.serverName).toBe(DEFAULT_TOOL_SERVER_NAME);
    expect(a.configArgs()).toEqual([
      `mcp_servers.codexkit.url="${a.url}"`,
      `mcp_servers.codexkit.bearer_token_env_var="${TOOL_SERVER_TOKEN_ENV}"`,
      'mcp_servers.codexkit.default_tools_approval_mode="approve"',
      "mcp_servers.codexkit.tool_timeout_sec=86400",
      "mcp_servers.codexkit.required=true",
      `shell_environment_policy.set.${TOOL_SERVER_TOKEN_ENV}=""`,
    ]);
    expect(a.configArgs().join(" ")).not.toContain(a.token);
    expect(a.env()).toEqual({ [TOOL_SERVER_TOKEN_ENV]: a.token });
  });

  it("uses the server name in config keys and the token variable", async () => {
    const server = await startToolServer(toolSet(), {
      logger: silentLogger,
      redactor: new Redactor(),
      serverName: "my-tools",
      context: () => ({ threadId: null, turnId: null }),
    });
    servers.push(server);
    expect(server.configArgs()[0]).toBe(`mcp_servers.my-tools.url="${server.url}"`);
    expect(server.env()).toEqual({ [`${TOOL_SERVER_TOKEN_ENV}_MY_TOOLS`]: server.token });
  });

  it("rejects a server name codex would not accept", async () => {
    const options = { logger: silentLogger, redactor: new Redactor(), context: () => ({ threadId: null, turnId: null }) };
    await expect(startToolServer(toolSet(), { ...options, serverName: "a.b" })).rejects.toThrow(/invalid MCP server name/);
    await expect(startToolServer(toolSet(), { ...options, serverName: "" })).rejects.toThrow(/invalid MCP server name/);
  });

  it("lists the tools with their schemas as given", async () => {
    const tools = toolSet();
    const client = await connect(await start(tools));
    const { tools: listed } = await client.listTools();
    expect(listed.map((tool) => tool.name)).toEqual(["add", "fail", "picture", "wait"]);
    expect(listed[0]).toMatchObject({ name: "add", description: "Adds two numbers.", inputSchema: tools.specs[0]!.inputSchema });
  });

  it("runs a call through the tool set and returns its text", async () => {
    const tools = toolSet();
    const client = await connect(await start(tools));
    const result = await client.callTool({ name: "add", arguments: { a: 2, b: 3 } });
    expect(result).toEqual({ content: [{ type: "text", text: "5" }], isError: false });
    expect(tools.calls).toHaveLength(1);
    const call = tools.calls[0]!;
    expect(call).toMatchObject({ name: "add", args: { a: 2, b: 3 }, ctx: { threadId: "thread-1", turnId: null } });
    expect(call.ctx.callId).toMatch(/^mcp_\d+_\d+$/);
    expect(call.ctx.signal.aborted).toBe(false);
  });

  it("takes call id, thread and turn from codex's _meta when present", async () => {
    const tools = toolSet();
    const client = await connect(await start(tools, null));
    await client.callTool({
      name: "add",
      arguments: { a: 1, b: 1 },
      _meta: { callId: "call_42", threadId: "t-meta", "x-codex-turn-metadata": { turn_id: "turn-meta" } },
    });
    expect(tools.calls[0]!.ctx).toMatchObject({ callId: "call_42", threadId: "t-meta", turnId: "turn-meta" });
  });

  it("reports a failed call as isError with the error text", async () => {
    const client = await connect(await start());
    const result = await client.callTool({ name: "fail", arguments: {} });
    expect(result).toEqual({ content: [{ type: "text", text: "it broke" }], isError: true });
  });

  it("answers an unknown tool with an error result", async () => {
    const tools = toolSet();
    const client = await connect(await start(tools));
    const result = await client.callTool({ name: "nope", arguments: {} });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toContain("unknown tool");
    expect(tools.calls).toHaveLength(0);
  });

  it("sends data: URL images as MCP images and other URLs as text", async () => {
    const client = await connect(await start());
    const result = await client.callTool({ name: "picture", arguments: {} });
    expect(result.content).toEqual([
      { type: "text", text: "here" },
      { type: "image", data: PNG, mimeType: "image/png" },
      { type: "text", text: "https://example.com/x.png" },
    ]);
  });

  it("aborts the call's signal when the client cancels the request", async () => {
    const tools = toolSet();
    const client = await connect(await start(tools));
    const controller = new AbortController();
    const pending = client.callTool({ name: "wait", arguments: {} }, undefined, { signal: controller.signal });
    await waitFor(() => tools.calls.length === 1);
    controller.abort();
    await expect(pending).rejects.toThrow();
    await waitFor(() => tools.calls[0]!.ctx.signal.aborted);
  });

  it("refuses requests without the token or with a wrong one (401)", async () => {
    const server = await start();
    const none = await post(server.url, {});
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect((await post(server.url, { authorization: "Bearer wrong" })).status).toBe(401);
    expect((await post(server.url, { authorization: `Bearer ${server.token}x` })).status).toBe(401);
    expect((await post(server.url, { authorization: server.token })).status).toBe(401);
    expect((await post(server.url, { authorization: `Bearer ${server.token}` })).status).toBe(200);
    await expect(connect(server, "wrong")).rejects.toThrow();
  });

  it("answers 404 for other paths and unknown sessions", async () => {
    const server = await start();
    const auth = { authorization: `Bearer ${server.token}` };
    expect((await post(server.url.replace(/\/mcp$/, "/other"), auth)).status).toBe(404);
    expect((await post(server.url, { ...auth, "mcp-session-id": "nope" })).status).toBe(404);
  });

  it("close aborts running calls, ends sessions and frees the port", async () => {
    const tools = toolSet();
    const server = await start(tools);
    const client = await connect(server);
    const pending = client.callTool({ name: "wait", arguments: {} }).catch((error: unknown) => error);
    await waitFor(() => tools.calls.length === 1);
    await server.close();
    expect(tools.calls[0]!.ctx.signal.aborted).toBe(true);
    expect(await refused(server.url)).toBe(true);
    // The SDK client does not notice the dropped stream by itself (it would time out); closing it
    // settles the call.
    await client.close();
    expect(await pending).toBeInstanceOf(Error);
    await server.close(); // idempotent
  });

  it("closes itself when its signal aborts", async () => {
    const controller = new AbortController();
    const server = await startToolServer(toolSet(), {
      logger: silentLogger,
      redactor: new Redactor(),
      context: () => ({ threadId: null, turnId: null }),
      signal: controller.signal,
    });
    servers.push(server);
    controller.abort();
    await waitFor(async () => await refused(server.url));
  });
});

describe("toCallToolResult", () => {
  it("adds the error as text when a failed outcome has no content", () => {
    expect(toCallToolResult({ success: false, content: [], error: "bad", durationMs: 0 })).toEqual({ content: [{ type: "text", text: "bad" }], isError: true });
    expect(toCallToolResult({ success: true, content: [], durationMs: 0 })).toEqual({ content: [], isError: false });
  });
});

describe("parseDataUrl", () => {
  it("reads base64 and percent-encoded data URLs", () => {
    expect(parseDataUrl("data:image/png;base64,AAAA")).toEqual({ mimeType: "image/png", base64: "AAAA" });
    expect(parseDataUrl("data:image/svg+xml,%3Csvg%2F%3E")).toEqual({ mimeType: "image/svg+xml", base64: Buffer.from("<svg/>").toString("base64") });
    expect(parseDataUrl("data:;base64,AAAA")).toEqual({ mimeType: "application/octet-stream", base64: "AAAA" });
    expect(parseDataUrl("https://example.com/a.png")).toBeNull();
    expect(parseDataUrl("data:image/png,%E0%A4%A")).toBeNull();
  });
});

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
