/**
 * What a stdio MCP server is started with, decided as the MCP SDK's own stdio transport decides
 * it: the SDK's short list of safe variables (not the host program's secrets) plus the server's
 * `env`, and on Windows the command resolved by cross-spawn, so a `.cmd` shim such as `npx` runs.
 */
import { getDefaultEnvironment } from "@modelcontextprotocol/sdk/client/stdio.js";
import crossSpawn from "cross-spawn";
import type { SpawnOptions } from "node:child_process";
import type { McpStdioServer } from "./types.js";

/** cross-spawn's own command resolution (untyped in @types/cross-spawn): what `spawn` would run. */
export type CrossSpawnParse = (
  command: string,
  args: string[],
  options: SpawnOptions,
) => {
  /** The program to run (on Windows `cmd.exe` for a script or shim). */
  command: string;
  /** Its arguments, escaped for that program. */
  args: string[];
  /** The options, with `windowsVerbatimArguments` set when the arguments are escaped already. */
  options: SpawnOptions;
};

/** What to start for a stdio server. */
export interface ServerCommand {
  /** The program to run. */
  executable: string;
  /** Its arguments. */
  args: string[];
  /** The server's whole environment. */
  env: Record<string, string>;
  /** True when `args` are escaped for `cmd.exe` already and must reach it verbatim (Windows only). */
  windowsVerbatimArguments: boolean;
}

/** How `serverCommand` sees its host; tests give another platform or parser. */
export interface HostFacts {
  /** The platform whose rules apply (default `process.platform`). */
  platform?: NodeJS.Platform;
  /** The parent's environment, for `inheritEnv` (default `process.env`). */
  parentEnv?: NodeJS.ProcessEnv;
  /** cross-spawn's resolution (default: cross-spawn's `_parse`, which the MCP SDK's spawn uses). */
  parse?: CrossSpawnParse;
}

const crossSpawnParse = (crossSpawn as unknown as { _parse: CrossSpawnParse })._parse;

/** The environment of a stdio server: the MCP SDK's safe default (or, with `inheritEnv`, the whole parent environment) plus `env`. */
export function serverEnv(server: Pick<McpStdioServer, "env" | "inheritEnv">, parentEnv: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const base: Record<string, string> = {};
  if (server.inheritEnv === true) {
    for (const [key, value] of Object.entries(parentEnv)) if (value !== undefined) base[key] = value;
  } else Object.assign(base, getDefaultEnvironment());
  return Object.assign(base, server.env);
}

/**
 * The program, arguments and environment to start `server` with. On Windows the command goes
 * through cross-spawn's resolution (PATH and PATHEXT lookup, shebangs, `cmd.exe` with escaped
 * arguments for a `.cmd`/`.bat`), exactly what the MCP SDK's stdio transport spawns; elsewhere
 * the command and arguments are used as given.
 */
export function serverCommand(server: McpStdioServer, host: HostFacts = {}): ServerCommand {
  const env = serverEnv(server, host.parentEnv);
  const args = server.args ?? [];
  if ((host.platform ?? process.platform) !== "win32") return { executable: server.command, args: [...args], env, windowsVerbatimArguments: false };
  const parsed = (host.parse ?? crossSpawnParse)(server.command, [...args], { env, ...(server.cwd ? { cwd: server.cwd } : {}) });
  return { executable: parsed.command, args: parsed.args, env, windowsVerbatimArguments: parsed.options.windowsVerbatimArguments === true };
}
