// A tiny MCP server for examples/mcp.ts: one `add` tool, over stdio. Built with the MCP SDK.
/* global process */
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { CallToolRequestSchema, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";

const server = new Server({ name: "calc", version: "1.0.0" }, { capabilities: { tools: {} } });
server.setRequestHandler(ListToolsRequestSchema, () => ({
  tools: [{ name: "add", description: "Adds two numbers.", inputSchema: { type: "object", properties: { a: { type: "number" }, b: { type: "number" } }, required: ["a", "b"] } }],
}));
server.setRequestHandler(CallToolRequestSchema, (request) => {
  const { a, b } = request.params.arguments ?? {};
  return { content: [{ type: "text", text: String(Number(a) + Number(b)) }], structuredContent: { sum: Number(a) + Number(b) } };
});
await server.connect(new StdioServerTransport());
process.stderr.write("calc MCP server ready\n");
