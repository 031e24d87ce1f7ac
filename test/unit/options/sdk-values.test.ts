/**
 * Every option value the official `@openai/codex-sdk` takes at run time passes the schemas, and
 * codexkit reads it as the SDK does: `undefined` for any optional key; `env` as `process.env`
 * itself, an object without a prototype, or with `undefined` values (spawn leaves them out); a
 * `config` that is not a plain object; "" where the SDK tests the value with `if` (unset). Values
 * the SDK would hand codex broken are still refused.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { Codex, InvalidOptionsError, type CodexOptions, type ThreadOptions } from "../../../src/index.js";
import { threadPermissions } from "../../../src/config/index.js";
import { normalizeInput } from "../../../src/input.js";
import { checkCodexOptions, checkMcpServerConfig, checkThreadOptions, checkTurnOptions } from "../../../src/options/index.js";
import { buildExecArgs } from "../../../src/transport/exec/args.js";
import { codexHomeFor } from "../../../src/transport/exec/usage-baseline.js";
import { threadSettings } from "../../../src/transport/app-server/params.js";
import { codexEnv } from "../../../src/transport/env.js";
import { resolveCodexBinary } from "../../../src/transport/index.js";

const NO_CODEX = "/nonexistent/codexkit-test/codex";

function withoutPrototype<T extends object>(values: T): T {
  return Object.assign(Object.create(null) as T, values);
}

describe("values the official SDK takes", () => {
  it("undefined for every optional key of the SDK's CodexOptions, ThreadOptions and TurnOptions", () => {
    expect(() => checkCodexOptions({ codexPathOverride: undefined, baseUrl: undefined, apiKey: undefined, config: undefined, configOverrides: undefined, env: undefined })).not.toThrow();
    expect(() =>
      checkThreadOptions({
        model: undefined,
        threadSource: undefined,
        sandboxMode: undefined,
        workingDirectory: undefined,
        skipGitRepoCheck: undefined,
        modelReasoningEffort: undefined,
        networkAccessEnabled: undefined,
        webSearchMode: undefined,
        webSearchEnabled: undefined,
        approvalPolicy: undefined,
        additionalDirectories: undefined,
      }),
    ).not.toThrow();
    expect(() => checkTurnOptions({ outputSchema: undefined, signal: undefined, cyberAccessProgram: undefined })).not.toThrow();
  });

  it("env as process.env, without a prototype, or with an undefined value (left out of codex's environment)", () => {
    expect(() => checkCodexOptions({ env: process.env })).not.toThrow();
    expect(() => checkCodexOptions({ env: withoutPrototype({ A: "1" }) })).not.toThrow();
    expect(() => checkCodexOptions({ env: { ...process.env, UNSET: undefined } })).not.toThrow();
    expect(() => new Codex({ codexPathOverride: NO_CODEX, env: process.env })).not.toThrow();
    const env = codexEnv({ env: { KEPT: "1", UNSET: undefined } }, []);
    expect(env.KEPT).toBe("1");
    expect(env.UNSET).toBeUndefined();
  });

  it("an MCP server's env as process.env or without a prototype", () => {
    expect(() => checkMcpServerConfig("fx", { command: "node", env: process.env })).not.toThrow();
    expect(() => checkMcpServerConfig("fx", { command: "node", env: withoutPrototype({ A: "1" }) })).not.toThrow();
    expect(() => checkThreadOptions({ mcpServers: { fx: { url: "http://h", headers: withoutPrototype({ Authorization: "x" }) } } })).not.toThrow();
  });

  it("config that is not a plain object: a class instance, no prototype, an undefined setting", () => {
    class Settings {
      model = "m";
    }
    expect(() => checkCodexOptions({ config: new Settings() as unknown as CodexOptions["config"] })).not.toThrow();
    expect(() => checkCodexOptions({ config: withoutPrototype({ model: "m" }) })).not.toThrow();
    expect(() => checkCodexOptions({ config: { model: undefined } as unknown as CodexOptions["config"] })).not.toThrow();
  });

  it('"" as codexPathOverride, codexHome, baseUrl and apiKey, read as unset', () => {
    expect(() => checkCodexOptions({ codexPathOverride: process.env.CODEXKIT_TEST_UNSET_PATH ?? "", codexHome: "", baseUrl: "", apiKey: "" })).not.toThrow();
    expect(resolveCodexBinary("").source).not.toBe("codexPathOverride");
    expect(codexHomeFor("", { CODEX_HOME: "/from/env" })).toBe("/from/env");
    expect(codexEnv({ env: {}, codexHome: "", apiKey: "" }, [])).not.toHaveProperty("CODEX_HOME");
  });

  it('"" as a thread\'s model, workingDirectory and enum settings, read as unset on both transports', () => {
    const empty = { model: "", workingDirectory: "", sandboxMode: "", modelReasoningEffort: "", webSearchMode: "", approvalPolicy: "" } as unknown as ThreadOptions;
    expect(() => checkThreadOptions(empty)).not.toThrow();
    expect(buildExecArgs({}, { threadId: null, thread: empty, input: normalizeInput("hi"), tools: [] })).toEqual(["exec", "--experimental-json"]);
    expect(threadPermissions(empty, { config: { sandbox_mode: "workspace-write" } })).toEqual({ sandbox: "workspace-write", approvalPolicy: "never" });
    expect(threadSettings(empty)).toEqual({ cwd: path.resolve(process.cwd()), sandbox: "read-only", approvalPolicy: "never" });
  });

  it('an onApproval handler on exec with approvalPolicy "" is the default ("never"), not refused', () => {
    const codex = new Codex({ codexPathOverride: NO_CODEX, transport: "exec", onApproval: () => "accept" as const });
    expect(() => codex.startThread({ approvalPolicy: "" } as unknown as ThreadOptions)).not.toThrow();
  });

  it("still refuses what the SDK would hand codex broken", () => {
    expect(() => checkCodexOptions({ env: { A: 1 } })).toThrow(/codexOptions\.env\.A must be a string/);
    expect(() => checkCodexOptions({ env: "A=1" })).toThrow(/codexOptions\.env must map names to strings/);
    expect(() => checkCodexOptions({ env: ["A=1"] })).toThrow(/codexOptions\.env must map names to strings/);
    expect(() => checkMcpServerConfig("fx", { command: "node", env: { A: undefined } })).toThrow(/env\.A must be a string/);
    expect(() => checkCodexOptions({ config: ["model=m"] })).toThrow(/codexOptions\.config must be an object of codex settings/);
    expect(() => checkThreadOptions({ sandboxMode: "none" })).toThrow(/threadOptions\.sandboxMode must be one of "read-only", "workspace-write", "danger-full-access"; got "none"/);
    expect(() => checkCodexOptions({ codexPathOverride: 5 })).toThrow(InvalidOptionsError);
  });
});
