/**
 * MCP servers in turns, with the real codex binary: a server codexkit supervises, its tools bridged
 * into any thread on both transports; servers handed to codex itself (`mcpServers`) on both
 * transports; and on app-server, MCP tool approvals and elicitations decided in code.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ToolError, UnsupportedFeatureError, type ApprovalRequest, type ElicitationRequest, type ThreadEvent } from "../../../src/index.js";
import { callTool, functionCallOutput, say, type RecordedRequest } from "../../../src/testing/index.js";
import { collect, harness, type Harness } from "../../helpers/harness.js";
import { expectNoProcesses } from "../../helpers/processes.js";
import { TRANSPORTS } from "../../helpers/transports.js";
import { FIXTURE } from "../../helpers/mcp.js";
import { linuxOnly } from "../../helpers/platform.js";

let h: Harness;
afterEach(async () => {
  await h.close();
});

function fixture(extra: Record<string, string> = {}) {
  const log = path.join(h.cwd, "fixture.log");
  return { config: { command: process.execPath, args: [FIXTURE], env: { FIXTURE_LOG: log, ...extra } }, logged: () => (existsSync(log) ? readFileSync(log, "utf8") : "") };
}

function toolItems(events: ThreadEvent[], type: "tool_call" | "mcp_tool_call"): unknown[] {
  return events.flatMap((e) => (e.type === "item.completed" && e.item.type === type ? [e.item] : []));
}

function output(request: RecordedRequest | undefined, callId: string): string {
  return request ? (functionCallOutput(request, callId) ?? "") : "";
}

describe.each(TRANSPORTS)("%s transport", (transport) => {
  it("serves a supervised MCP server's tools to a thread, as tool_call items, with approve gating", async () => {
    h = await harness(transport);
    const server = fixture();
    const fx = await h.codex.mcp.connect("fx", server.config);
    const approvals: ApprovalRequest[] = [];
    const tools = fx.tools({
      allow: ["add", "echo"],
      prefix: "fx_",
      approve: (request) => {
        approvals.push(request);
        return request.kind === "mcp_tool" && request.tool === "add" ? "accept" : "decline";
      },
    });
    expect(tools.map((t) => t.name)).toEqual(["fx_add", "fx_echo"]);
    const ns = transport === "exec" ? { namespace: "mcp__codexkit" } : {};
    h.model.reply(callTool("fx_add", { a: 2, b: 3 }, { ...ns, callId: "c1" })).reply(callTool("fx_echo", { text: "no" }, { ...ns, callId: "c2" })).reply(say("done"));
    const { events } = await h.thread({ tools }).runStreamed("add");
    const items = toolItems(await collect(events), "tool_call");
    expect(items).toEqual([
      expect.objectContaining({ tool: "fx_add", status: "completed", result: "5" }),
      expect.objectContaining({ tool: "fx_echo", status: "failed", error: { message: expect.stringContaining("was not approved (decline, handler)") } }),
    ]);
    expect(approvals).toEqual([expect.objectContaining({ kind: "mcp_tool", server: "fx", tool: "add", arguments: { a: 2, b: 3 } }), expect.objectContaining({ tool: "echo" })]);
    expect(server.logged()).toContain('call add {"a":2,"b":3}');
    expect(server.logged()).not.toContain("call echo");
    expect(output(h.model.responseRequests()[1], "c1")).toContain("5");
  });

  it("validates a bridged tool's arguments before the server sees them, and refuses a clashing name", async () => {
    h = await harness(transport);
    const server = fixture();
    const fx = await h.codex.mcp.connect("fx", server.config);
    const tools = fx.tools({ allow: ["add"] });
    expect(() => h.thread({ tools: [...tools, ...fx.tools({ allow: ["add"] })] })).toThrow(ToolError);
    const ns = transport === "exec" ? { namespace: "mcp__codexkit" } : {};
    h.model.reply(callTool("add", { a: "two", b: 3 }, { ...ns, callId: "c1" })).reply(say("done"));
    const { events } = await h.thread({ tools }).runStreamed("add");
    expect(toolItems(await collect(events), "tool_call")).toEqual([
      expect.objectContaining({ tool: "add", status: "failed", error: { message: expect.stringContaining("invalid arguments for add: a:") } }),
    ]);
    expect(server.logged()).not.toContain("call add");
  });

  it("hands an MCP server to codex: the model sees mcp__fx, the call runs, and its secret env stays secret", async () => {
    h = await harness(transport);
    const server = fixture({ FIXTURE_API_KEY: "sk-fixture-key-123456" });
    h.model.reply(callTool("add", { a: 2, b: 3 }, { namespace: "mcp__fx", callId: "c1" })).reply(callTool("env", { name: "FIXTURE_API_KEY" }, { namespace: "mcp__fx", callId: "c2" })).reply(say("done"));
    const { events } = await h.thread({ mcpServers: { fx: server.config } }).runStreamed("use fx");
    const items = toolItems(await collect(events), "mcp_tool_call");
    expect(items).toEqual([
      expect.objectContaining({ server: "fx", tool: "add", status: "completed" }),
      expect.objectContaining({ server: "fx", tool: "env", status: "completed" }),
    ]);
    const requests = h.model.responseRequests();
    expect(JSON.stringify(requests[0]!.body)).toContain("mcp__fx");
    expect(output(requests[1], "c1")).toContain('"sum":5');
    // The secret reached the server (on exec through codex's environment, not its argv).
    expect(output(requests[2], "c2")).toContain("sk-fixture-key-123456");
    expect(server.logged()).toContain('call add {"a":2,"b":3}');
  });

  it("a server slow to start is ready before the first model request: its tools are offered at once", async () => {
    h = await harness(transport);
    // codex 0.169 gives an optional server about a second, then sends the request without its tools.
    const server = fixture({ FIXTURE_START_DELAY_MS: "2500" });
    h.model.reply(callTool("add", { a: 1, b: 2 }, { namespace: "mcp__fx", callId: "c1" })).reply(say("done"));
    await h.thread({ mcpServers: { fx: server.config } }).run("use fx");
    const requests = h.model.responseRequests();
    expect(JSON.stringify(requests[0]!.body)).toContain("mcp__fx");
    expect(output(requests[1], "c1")).toContain('"sum":3');
  });

  it("a server handed to codex gets codex's own safe environment: none of the host's secrets, what it was given", async () => {
    // In this process's environment when the harness copies it for codex, as a host's secrets would be.
    const host = { AWS_SECRET_ACCESS_KEY: "host-aws-secret-0123456789", CODEXKIT_TEST_HOST_ONLY: "host-only" };
    const saved = Object.fromEntries(Object.keys(host).map((key) => [key, process.env[key]]));
    Object.assign(process.env, host);
    try {
      h = await harness(transport);
    } finally {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
    const server = fixture({ SERVER_TOKEN: "given-token-0123456789" });
    // codex may send the first requests before the server's tools are in ("unsupported call"): ask each name a few times.
    const names = ["AWS_SECRET_ACCESS_KEY", "CODEXKIT_TEST_HOST_ONLY", "SERVER_TOKEN", "*"];
    const asked = [0, 1, 2, 3].flatMap(() => names);
    for (const [i, name] of asked.entries()) h.model.reply(callTool("env", { name }, { namespace: "mcp__fx", callId: `c${i}` }));
    h.model.reply(say("done"));
    await h.thread({ mcpServers: { fx: server.config } }).run("use fx");
    const requests = h.model.responseRequests();
    const answers = new Map<string, Set<string>>(names.map((name) => [name, new Set()]));
    for (const [i, name] of asked.entries()) {
      const answer = /Output:([\s\S]*)$/.exec(output(requests[i + 1], `c${i}`))?.[1];
      if (answer !== undefined) answers.get(name)!.add(answer.trim());
    }
    expect(answers.get("AWS_SECRET_ACCESS_KEY")).toEqual(new Set(["(unset)"]));
    expect(answers.get("CODEXKIT_TEST_HOST_ONLY")).toEqual(new Set(["(unset)"]));
    expect(answers.get("SERVER_TOKEN")).toEqual(new Set(["given-token-0123456789"]));
    const [listed] = [...answers.get("*")!];
    expect(JSON.parse(listed!)).toEqual(expect.arrayContaining(["PATH", "HOME", "SERVER_TOKEN"]));
    expect(JSON.parse(listed!)).not.toEqual(expect.arrayContaining(["AWS_SECRET_ACCESS_KEY"]));
  });

  linuxOnly("finds the servers left behind through /proc")("close() stops every MCP server the client started", async () => {
    h = await harness(transport);
    const server = fixture({ FIXTURE_MARK: h.cwd });
    await h.codex.mcp.connect("fx", server.config);
    await h.codex.close();
    await expectNoProcesses(`FIXTURE_MARK=${h.cwd}`, 3_000);
  });
});

describe("app-server transport: MCP approvals and elicitations in code", () => {
  it("a server with toolApproval ask sends each call to onApproval as kind mcp_tool", async () => {
    h = await harness("app-server");
    const server = fixture();
    const asked: ApprovalRequest[] = [];
    h.model.reply(callTool("add", { a: 1, b: 2 }, { namespace: "mcp__fx", callId: "c1" })).reply(callTool("pid", {}, { namespace: "mcp__fx", callId: "c2" })).reply(say("done"));
    const thread = h.thread({
      approvalPolicy: "on-request",
      mcpServers: { fx: { ...server.config, toolApproval: "ask" } },
      onApproval: (request) => {
        asked.push(request);
        return request.kind === "mcp_tool" && request.tool === "add" ? "accept" : "decline";
      },
    });
    const { events } = await thread.runStreamed("go");
    const seen = await collect(events);
    expect(asked).toEqual([
      expect.objectContaining({ kind: "mcp_tool", server: "fx", tool: "add", arguments: { a: 1, b: 2 } }),
      expect.objectContaining({ kind: "mcp_tool", tool: "pid" }),
    ]);
    expect(seen.filter((e) => e.type === "approval.resolved").map((e) => e.type === "approval.resolved" && e.decision)).toEqual(["accept", "decline"]);
    expect(server.logged()).toContain("call add");
    expect(server.logged()).not.toContain("call pid");
  });

  it("an elicitation from a codex-run server goes to onElicitation, and its answer reaches the server", async () => {
    h = await harness("app-server");
    const server = fixture();
    const asked: ElicitationRequest[] = [];
    h.model.reply(callTool("confirm", { question: "Ship it?" }, { namespace: "mcp__fx", callId: "c1" })).reply(say("done"));
    await h
      .thread({
        approvalPolicy: "on-request",
        mcpServers: { fx: server.config },
        onElicitation: (request) => {
          asked.push(request);
          return { action: "accept", content: { ok: true } };
        },
      })
      .run("confirm");
    expect(asked).toEqual([expect.objectContaining({ server: "fx", mode: "form", message: "Ship it?", requestedSchema: expect.objectContaining({ required: ["ok"] }) })]);
    expect(output(h.model.responseRequests()[1], "c1")).toContain('accept:{"ok":true}');
  });

  it("codex.mcpStatus lists a thread's servers with their tools", async () => {
    h = await harness("app-server");
    h.model.reply(say("hi"));
    const thread = h.thread({ mcpServers: { fx: fixture().config } });
    await thread.run("hi");
    const status = await h.codex.mcpStatus({ threadId: thread.id! });
    expect(status).toEqual([expect.objectContaining({ name: "fx", status: "connected", serverInfo: { name: "fixture", version: "1.2.3" } })]);
    expect(status[0]!.tools).toContain("add");
  });
});

describe("exec transport: codex cannot ask", () => {
  it('refuses toolApproval "ask" at startThread', async () => {
    h = await harness("exec");
    expect(() => h.thread({ mcpServers: { fx: { command: "node", toolApproval: "ask" } } })).toThrow(UnsupportedFeatureError);
  });
});
