/**
 * `codex.mcp`: the MCP servers a client is connected to, by name. `close()` of the client closes
 * them all.
 */
import { InvalidOptionsError, McpError } from "../errors/index.js";
import { isJsonObject } from "../json.js";
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

/** The MCP servers of one client. */
export class McpClients {
  private readonly connections = new Map<string, McpServerConnection>();

  /** @internal Made by `Codex`. */
  constructor(private readonly services: McpServices) {}

  /**
   * Starts (stdio) or reaches (HTTP) the server and completes the handshake; resolves once it is
   * ready, with its tools listed. Rejects with `McpError` (nothing left running) when it cannot.
   */
  async connect(name: string, config: McpServerConfig, options: McpConnectOptions = {}): Promise<McpServerConnection> {
    if (typeof name !== "string" || !NAME.test(name)) throw new InvalidOptionsError(`MCP server name ${JSON.stringify(name)} must be 1 to 64 letters, digits, "_" or "-"`);
    if (this.connections.has(name)) throw new McpError(`an MCP server named ${name} is already connected; close it first`, name);
    checkServerConfig(name, config);
    checkRestartOptions(name, options.restart);
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

/** Throws `InvalidOptionsError` unless `config` is a stdio or HTTP server description. */
export function checkServerConfig(name: string, config: unknown): asserts config is McpServerConfig {
  const where = `MCP server ${name}`;
  if (!isJsonObject(config)) throw new InvalidOptionsError(`${where}: expected { command, args?, env?, inheritEnv?, cwd? } or { url, headers? }`);
  const strings = (value: unknown): boolean => Array.isArray(value) && value.every((v) => typeof v === "string");
  const record = (value: unknown): boolean => isJsonObject(value) && Object.values(value).every((v) => typeof v === "string");
  if ("command" in config) {
    if (typeof config.command !== "string" || config.command === "") throw new InvalidOptionsError(`${where}: command must be a non-empty string`);
    if (config.args !== undefined && !strings(config.args)) throw new InvalidOptionsError(`${where}: args must be an array of strings`);
    if (config.env !== undefined && !record(config.env)) throw new InvalidOptionsError(`${where}: env must map names to strings`);
    if (config.cwd !== undefined && typeof config.cwd !== "string") throw new InvalidOptionsError(`${where}: cwd must be a string`);
    if (config.inheritEnv !== undefined && typeof config.inheritEnv !== "boolean") throw new InvalidOptionsError(`${where}: inheritEnv must be true or false`);
    return;
  }
  if (typeof config.url !== "string" || !/^https?:\/\//.test(config.url)) throw new InvalidOptionsError(`${where}: url must be an http(s) URL (or give a command)`);
  try {
    new URL(config.url);
  } catch {
    throw new InvalidOptionsError(`${where}: url ${JSON.stringify(config.url)} is not a URL`);
  }
  if (config.headers !== undefined && !record(config.headers)) throw new InvalidOptionsError(`${where}: headers must map names to strings`);
}

/** Throws `InvalidOptionsError` unless `restart` is a usable restart policy (a wrong one would restart for ever, or never). */
function checkRestartOptions(name: string, restart: unknown): void {
  if (restart === undefined) return;
  const where = `MCP server ${name}: restart`;
  if (!isJsonObject(restart)) throw new InvalidOptionsError(`${where} must be { maxRestarts?, windowMs?, baseDelayMs?, maxDelayMs? }`);
  const atLeast = (value: unknown, min: number): boolean => value === undefined || (typeof value === "number" && Number.isFinite(value) && value >= min);
  if (!atLeast(restart.maxRestarts, 0) || !Number.isInteger(restart.maxRestarts ?? 0)) throw new InvalidOptionsError(`${where}.maxRestarts must be a whole number >= 0`);
  if (!atLeast(restart.windowMs, 1)) throw new InvalidOptionsError(`${where}.windowMs must be a number of milliseconds >= 1`);
  for (const key of ["baseDelayMs", "maxDelayMs"]) if (!atLeast(restart[key], 0)) throw new InvalidOptionsError(`${where}.${key} must be a number of milliseconds >= 0`);
}
