/**
 * `npx tsx examples/mcp.ts`: MCP servers, two ways. codexkit connects to a server itself (a
 * supervised connection: restarts after a crash) and hands its tools to a thread; and a thread
 * hands a server to codex, which runs it with its own MCP client. Offline against the mock model;
 * `--exec` runs the turns on the exec transport.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Codex } from "codexkit";
import { MockModelServer, callTool, say } from "codexkit/testing";

const transport = process.argv.includes("--exec") ? "exec" : "app-server";
const calc = { command: process.execPath, args: [fileURLToPath(new URL("./mcp-server.mjs", import.meta.url))] };
const cwd = mkdtempSync(path.join(os.tmpdir(), "codexkit-mcp-"));
const model = await MockModelServer.start();
const codex = new Codex({ transport, ...model.codexOptions() });
try {
  // 1. codexkit's own connection: call the server directly, then give its tools to a thread.
  const server = await codex.mcp.connect("calc", calc);
  console.log(`connected to ${server.serverInfo?.name} ${server.serverInfo?.version}: ${server.status}`);
  console.log(`tools: ${(await server.listTools()).map((t) => t.name).join(", ")}`);
  // MCP content items are open-ended (`text` is `unknown` to the compiler): say how to print it.
  console.log(`direct call: 2 + 3 = ${String((await server.callTool("add", { a: 2, b: 3 })).content[0]?.text)}`);

  model.reply(callTool("calc_add", { a: 20, b: 22 }, transport === "exec" ? { namespace: "mcp__codexkit" } : {})).reply(say("20 + 22 is 42."));
  const bridged = codex.startThread({ skipGitRepoCheck: true, workingDirectory: cwd, tools: server.tools({ prefix: "calc_" }) });
  for await (const event of (await bridged.runStreamed("What is 20 + 22?")).events) {
    if (event.type === "item.completed" && event.item.type === "tool_call") console.log(`bridged: ${event.item.tool}(${JSON.stringify(event.item.arguments)}) -> ${JSON.stringify(event.item.result)}`);
    if (event.type === "item.completed" && event.item.type === "agent_message") console.log(`agent: ${event.item.text}`);
  }

  // 2. The server handed to codex for one thread: the model sees it as mcp__calc.
  model.reply(callTool("add", { a: 1, b: 1 }, { namespace: "mcp__calc" })).reply(say("1 + 1 is 2."));
  const handed = codex.startThread({ skipGitRepoCheck: true, workingDirectory: cwd, mcpServers: { calc } });
  for await (const event of (await handed.runStreamed("What is 1 + 1?")).events) {
    if (event.type === "item.completed" && event.item.type === "mcp_tool_call") console.log(`codex ran: ${event.item.server}.${event.item.tool} -> ${event.item.status}`);
    if (event.type === "item.completed" && event.item.type === "agent_message") console.log(`agent: ${event.item.text}`);
  }
} finally {
  await codex.close();
  await model.close();
  rmSync(cwd, { recursive: true, force: true });
}
