/**
 * `codex.mcp`: the MCP servers a client is connected to, by name. `close()` of the client closes
 * them all.
 */
import { ConnectionClosedError, InvalidOptionsError, McpError } from "../errors/index.js";
import type { McpServices } from "./connection.js";
import type { McpServerConnection } from "./server-connection.js";
import type { McpConnectOptions, McpServerConfig } from "./types.js";

const NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/**
 * The connection's module, with the MCP SDK: loaded at the first `connect`, so a program that
 * never uses MCP never loads the SDK (about 250 ms).
 */
let serverConnection: Promise<typeof import("./server-connection.js")> | undefined;

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
  /** Names whose connection is being made (the SDK loading). */
  private readonly connecting = new Set<string>();
  /** How many times `closeAll` ran. */
  private closes = 0;

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
    if (this.connections.has(name) || this.connecting.has(name)) throw new McpError(`an MCP server named ${name} is already connected; close it first`, name);
    this.check(name, config, options);
    for (const values of ["command" in config ? config.env : config.headers]) this.services.redactor.addEnv(values);
    // The name is taken while the SDK loads, and a `closeAll` meanwhile means this connect is too late.
    const closes = this.closes;
    this.connecting.add(name);
    let loaded: typeof import("./server-connection.js");
    try {
      loaded = await (serverConnection ??= import("./server-connection.js"));
    } finally {
      this.connecting.delete(name);
    }
    if (closes !== this.closes) throw new ConnectionClosedError(`the client closed while MCP server ${name} was connecting`);
    const connection = new loaded.McpServerConnection(name, config, options, this.services);
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
    this.closes++;
    const all = [...this.connections.values()];
    this.connections.clear();
    await Promise.all(all.map((connection) => connection.close()));
  }
}
