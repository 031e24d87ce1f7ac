/**
 * codexkit's MCP client: the only door to `src/mcp/`. The connection classes (and with them the
 * MCP SDK) are loaded at the first `codex.mcp.connect`, so only their types are exported here.
 */
export { McpClients } from "./clients.js";
export type { McpServerConnection } from "./server-connection.js";
export type { McpConnection, McpServices, McpStatusListener, McpToolsListener } from "./connection.js";
export type { McpToolPattern, McpToolsOptions } from "./bridge.js";
export { decideElicitation, type DecideElicitationOptions } from "./elicitation.js";
export type * from "./types.js";
