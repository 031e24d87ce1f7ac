/**
 * A thread's `mcpServers` → codex's `mcp_servers.<name>` settings, for both transports. codex runs
 * these servers itself (its own MCP client); codexkit only describes them. Secret-looking values
 * (env entries and headers with names like *_TOKEN, *_KEY, Authorization) never go into codex's
 * argv: on exec they travel in codex's environment, named by `env_vars` / `env_http_headers`.
 */
import { InvalidOptionsError, isSecretName } from "../errors/index.js";
import type { CodexMcpServer } from "../options/index.js";

/** `mcp_servers.<name>` keys with their values (`toolApproval` and friends already mapped). */
export type McpServerSettings = Record<string, unknown>;

/** What exec needs: `--config` values and environment additions for codex. */
export interface ExecMcpServers {
  config: Array<[string, unknown]>;
  env: Record<string, string>;
}

/** The settings of one server as codex names them; `secrets` says how secret values travel. */
function settings(name: string, server: CodexMcpServer, secrets: "inline" | "env", env: Record<string, string>): McpServerSettings {
  const out: McpServerSettings = {};
  if ("command" in server) {
    out.command = server.command;
    if (server.args) out.args = server.args;
    if (server.cwd) out.cwd = server.cwd;
    const { plain, secret } = split(server.env);
    if (secrets === "inline") Object.assign(plain, secret);
    else if (Object.keys(secret).length > 0) {
      out.env_vars = Object.keys(secret);
      Object.assign(env, secret);
    }
    if (Object.keys(plain).length > 0) out.env = plain;
  } else {
    out.url = server.url;
    const { plain, secret } = split(server.headers);
    if (secrets === "inline") Object.assign(plain, secret);
    else if (Object.keys(secret).length > 0) {
      const byHeader: Record<string, string> = {};
      for (const [header, value] of Object.entries(secret)) {
        const variable = `CODEXKIT_MCP_${name}_${header}`.toUpperCase().replace(/[^A-Z0-9_]/g, "_");
        byHeader[header] = variable;
        env[variable] = value;
      }
      out.env_http_headers = byHeader;
    }
    if (Object.keys(plain).length > 0) out.http_headers = plain;
    if (server.bearerTokenEnvVar) out.bearer_token_env_var = server.bearerTokenEnvVar;
  }
  if (server.enabledTools) out.enabled_tools = server.enabledTools;
  if (server.disabledTools) out.disabled_tools = server.disabledTools;
  if (server.startupTimeoutMs) out.startup_timeout_sec = Math.ceil(server.startupTimeoutMs / 1000);
  if (server.toolTimeoutMs) out.tool_timeout_sec = Math.ceil(server.toolTimeoutMs / 1000);
  // "approve" runs the calls (the only way exec can: it cannot ask); "ask" leaves codex asking.
  if ((server.toolApproval ?? "approve") === "approve") out.default_tools_approval_mode = "approve";
  return out;
}

function split(values: Record<string, string> | undefined): { plain: Record<string, string>; secret: Record<string, string> } {
  const plain: Record<string, string> = {};
  const secret: Record<string, string> = {};
  for (const [key, value] of Object.entries(values ?? {})) (isSecretName(key) ? secret : plain)[key] = value;
  return { plain, secret };
}

/**
 * codex (0.147 and later) gives an MCP server about a second to start, then sends the turn's
 * first model request without the tools of a server still starting. A thread's own servers are
 * why it was given them: codex waits for each up to its startup timeout (`startupTimeoutMs`).
 */
const STARTUP_WAIT: readonly [string, number] = ["mcp_optional_startup_grace_ms", 0];

/** For app-server's `thread/start` `config` (sent over stdin, so values go inline): `mcp_servers.<name>` → settings, and the startup wait. */
export function appServerMcpServers(servers: Record<string, CodexMcpServer> | undefined): Record<string, McpServerSettings | number> {
  const out: Record<string, McpServerSettings | number> = {};
  for (const [name, server] of Object.entries(servers ?? {})) out[`mcp_servers.${name}`] = settings(name, server, "inline", {});
  if (Object.keys(out).length > 0) out[STARTUP_WAIT[0]] = STARTUP_WAIT[1];
  return out;
}

/**
 * For exec's argv: `mcp_servers.<name>.<key>` values, and the environment that carries the secret
 * ones. Throws `InvalidOptionsError` when a secret's variable would change one codex itself has.
 */
export function execMcpServers(servers: Record<string, CodexMcpServer> | undefined, codexEnv: Record<string, string>): ExecMcpServers {
  const config: Array<[string, unknown]> = [];
  const env: Record<string, string> = {};
  for (const [name, server] of Object.entries(servers ?? {})) {
    for (const [key, value] of Object.entries(settings(name, server, "env", env))) config.push([`mcp_servers.${name}.${key}`, value]);
  }
  if (config.length > 0) config.push([...STARTUP_WAIT]);
  for (const [key, value] of Object.entries(env)) {
    if (codexEnv[key] !== undefined && codexEnv[key] !== value) {
      throw new InvalidOptionsError(`an MCP server's secret ${key} would replace codex's own ${key}; give it another name, or run the server on app-server`);
    }
  }
  return { config, env };
}
