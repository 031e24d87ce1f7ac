/**
 * `codex.mcp`: the MCP servers a client is connected to, by name. `close()` of the client closes
 * them all.
 */
import { InvalidOptionsError, McpError } from "../errors/index.js";
import { bridgeTools, type McpToolsOptions } from "./bridge.js";
import { McpConnection, isStdioServer, type McpServices } from "./connection.js";
import type { McpConnectOptions, McpServerConfig } from "./types.js";

const NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/** A connected server, with its tools as codexkit tools. */
export class McpServerConnection extends McpConnection {
  /** The server's tools (as last listed) as codexkit tools; see `McpToolsOptions`. */
  tools(options: McpToolsOptions = {}): ReturnType<typeof bridgeTools> {
    return bridgeTools(this, options);
  }
}

/**
 * Checks `connect`'s arguments before anything starts; throws `InvalidOptionsError`. Given by
 * `Codex` (the option schemas live in `options/`, above this folder).
 */
export interface McpConnectCheck {
  (name: string, config: unknown, options: unknown): void;
}

/** The MCP servers of one client. */
export class McpClients {
  private readonly connections = new Map<string, McpServerConnection>();

  /** @internal Made by `Codex`, which gives the check: without one, a bad config would reach the server unchecked. */
  constructor(
    private readonly services: McpServices,
    private readonly check: McpConnectCheck,
  ) {}

  /**
   * Starts (stdio) or reaches (HTTP) the server and completes the handshake; resolves once it is
   * ready, with its tools listed. Rejects with `McpError` (nothing left running) when it cannot.
   */
  async connect(name: string, config: McpServerConfig, options: McpConnectOptions = {}): Promise<McpServerConnection> {
    if (typeof name !== "string" || !NAME.test(name)) throw new InvalidOptionsError(`MCP server name ${JSON.stringify(name)} must be 1 to 64 letters, digits, "_" or "-"`);
    if (this.connections.has(name)) throw new McpError(`an MCP server named ${name} is already connected; close it first`, name);
    this.check(name, config, options);
    for (const values of [isStdioServer(config) ? config.env : config.headers]) this.services.redactor.addEnv(values);
    const connection = new McpServerConnection(name, config, options, this.services);
    this.connections.set(name, connection);
    try {
      await connection.open();
    } catch (error) {
      this.connections.delete(name);
      await connection.close();
      throw error;
    }
    connection.on("status", (status) => {
      if (status === "closed" && this.connections.get(name) === connection) this.connections.delete(name);
    });
    return connection;
  }

  /** The connection called `name`, if any. */
  get(name: string): McpServerConnection | undefined {
    return this.connections.get(name);
  }

  /** Every connection, in the order they were made. */
  list(): McpServerConnection[] {
    return [...this.connections.values()];
  }

  /** Closes every connection (and stops every stdio server). */
  async closeAll(): Promise<void> {
    const all = [...this.connections.values()];
    this.connections.clear();
    await Promise.all(all.map((connection) => connection.close()));
  }
}
