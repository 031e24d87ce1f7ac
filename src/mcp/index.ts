/** codexkit's MCP client: the only door to `src/mcp/`. */
export { McpClients, McpServerConnection } from "./clients.js";
export { McpConnection, MCP_DEFAULTS, type McpServices, type McpStatusListener, type McpToolsListener } from "./connection.js";
export { bridgeTools, type McpToolPattern, type McpToolsOptions } from "./bridge.js";
export { decideElicitation, type DecideElicitationOptions } from "./elicitation.js";
export type * from "./types.js";
