import { describe, expect, it } from "vitest";
import { appServerMcpServers, execMcpServers } from "../../../src/config/index.js";
import { InvalidOptionsError } from "../../../src/errors/index.js";
import { checkThreadOptions } from "../../../src/options/index.js";

describe("a thread's mcpServers, checked with its options", () => {
  it.each<[string, unknown]>([
    ["a name with a dot", { "a.b": { command: "x" } }],
    ["neither command nor url", { fx: {} }],
    ["both command and url", { fx: { command: "x", url: "http://h" } }],
    ["a url that is not http", { fx: { url: "ftp://h" } }],
    ["args that are not strings", { fx: { command: "x", args: [1] } }],
    ["env values that are not strings", { fx: { command: "x", env: { A: 1 } } }],
    ["an unknown toolApproval", { fx: { command: "x", toolApproval: "sometimes" } }],
    ["a zero timeout", { fx: { command: "x", toolTimeoutMs: 0 } }],
    ["a list", [{ command: "x" }]],
  ])("refuses %s", (_what, servers) => {
    expect(() => checkThreadOptions({ mcpServers: servers })).toThrow(InvalidOptionsError);
  });
});

describe("appServerMcpServers", () => {
  it("sends each server as one dotted key, everything inline (thread/start travels over stdin)", () => {
    expect(
      appServerMcpServers({
        fx: { command: "node", args: ["s.mjs"], env: { MODE: "x", API_TOKEN: "t0ken-123456" }, enabledTools: ["add"], toolTimeoutMs: 1_500 },
        web: { url: "http://127.0.0.1:1/mcp", headers: { Authorization: "Bearer abc" }, toolApproval: "ask" },
      }),
    ).toEqual({
      "mcp_servers.fx": {
        command: "node",
        args: ["s.mjs"],
        env: { MODE: "x", API_TOKEN: "t0ken-123456" },
        enabled_tools: ["add"],
        tool_timeout_sec: 2,
        default_tools_approval_mode: "approve",
      },
      "mcp_servers.web": { url: "http://127.0.0.1:1/mcp", http_headers: { Authorization: "Bearer abc" } },
      // A thread's own servers are waited for before its first model request.
      mcp_optional_startup_grace_ms: 0,
    });
    expect(appServerMcpServers({})).toEqual({});
  });
});

describe("execMcpServers", () => {
  it("keeps secret-looking values out of argv: env entries by name through codex's environment, headers by variable", () => {
    const { config, env } = execMcpServers(
      {
        fx: { command: "node", env: { MODE: "x", API_TOKEN: "t0ken-123456" } },
        web: { url: "http://h/mcp", headers: { "X-Trace": "1", Authorization: "Bearer abc" }, bearerTokenEnvVar: "WEB_TOKEN" },
      },
      { PATH: "/bin" },
    );
    expect(config).toEqual([
      ["mcp_servers.fx.command", "node"],
      ["mcp_servers.fx.env_vars", ["API_TOKEN"]],
      ["mcp_servers.fx.env", { MODE: "x" }],
      ["mcp_servers.fx.default_tools_approval_mode", "approve"],
      ["mcp_servers.web.url", "http://h/mcp"],
      ["mcp_servers.web.env_http_headers", { Authorization: "CODEXKIT_MCP_WEB_AUTHORIZATION" }],
      ["mcp_servers.web.http_headers", { "X-Trace": "1" }],
      ["mcp_servers.web.bearer_token_env_var", "WEB_TOKEN"],
      ["mcp_servers.web.default_tools_approval_mode", "approve"],
      ["mcp_optional_startup_grace_ms", 0],
    ]);
    expect(env).toEqual({ API_TOKEN: "t0ken-123456", CODEXKIT_MCP_WEB_AUTHORIZATION: "Bearer abc" });
    expect(JSON.stringify(config)).not.toContain("t0ken-123456");
    expect(JSON.stringify(config)).not.toContain("Bearer abc");
  });

  it("refuses a secret that would replace one of codex's own variables", () => {
    expect(() => execMcpServers({ fx: { command: "x", env: { CODEX_API_KEY: "other-key-123" } } }, { CODEX_API_KEY: "mine-123456" })).toThrow(/would replace codex's own CODEX_API_KEY/);
    expect(() => execMcpServers({ fx: { command: "x", env: { CODEX_API_KEY: "same-123456" } } }, { CODEX_API_KEY: "same-123456" })).not.toThrow();
  });
});
