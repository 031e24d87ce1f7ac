/**
 * A connected server as `codex.mcp` hands it out: the supervised connection, with its tools as
 * codexkit tools. Loaded (with the MCP SDK) at the first `codex.mcp.connect`.
 */
import { bridgeTools, type McpToolsOptions } from "./bridge.js";
import { McpConnection } from "./connection.js";

/** A connected server, with its tools as codexkit tools. */
export class McpServerConnection extends McpConnection {
  /** The server's tools (as last listed) as codexkit tools; see `McpToolsOptions`. */
  tools(options: McpToolsOptions = {}): ReturnType<typeof bridgeTools> {
    return bridgeTools(this, options);
  }
}
