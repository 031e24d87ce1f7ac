/**
 * What a stdio MCP server is started with: the MCP SDK's safe environment plus its own `env`
 * (the whole parent environment only with `inheritEnv`), and on Windows the command as cross-spawn
 * resolves it. The Windows path runs cross-spawn's real code, loaded as it loads on win32.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { getDefaultEnvironment } from "@modelcontextprotocol/sdk/client/stdio.js";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serverCommand, serverEnv, type CrossSpawnParse } from "../../../src/mcp/spawn-command.js";

/**
 * cross-spawn's `_parse` as it is on Windows: cross-spawn, which and isexe read the platform when
 * they load, so load fresh copies with the platform set to win32, then put everything back.
 */
function win32CrossSpawnParse(): CrossSpawnParse {
  const require = createRequire(import.meta.url);
  const ours = (key: string): boolean => /[\\/]node_modules[\\/](cross-spawn|which|isexe|path-key)[\\/]/.test(key);
  const saved = Object.entries(require.cache).filter(([key]) => ours(key));
  for (const [key] of saved) delete require.cache[key];
  const platform = Object.getOwnPropertyDescriptor(process, "platform")!;
  Object.defineProperty(process, "platform", { ...platform, value: "win32" });
  try {
    return (require("cross-spawn") as { _parse: CrossSpawnParse })._parse;
  } finally {
    Object.defineProperty(process, "platform", platform);
    for (const key of Object.keys(require.cache)) if (ours(key)) delete require.cache[key];
    for (const [key, module] of saved) require.cache[key] = module;
  }
}

describe("serverEnv", () => {
  const parent = { OPENAI_API_KEY: "sk-parent-secret-123456", AWS_SECRET_ACCESS_KEY: "aws-parent-secret", PATH: "/usr/bin", HOME: "/home/me" };

  it("is the MCP SDK's safe list plus the server's env, never another parent variable", () => {
    const env = serverEnv({ env: { API_TOKEN: "given" } }, parent);
    expect(env).toEqual({ ...getDefaultEnvironment(), API_TOKEN: "given" });
    expect(Object.keys(env).every((key) => key === "API_TOKEN" || key in getDefaultEnvironment())).toBe(true);
  });

  it("holds no parent secret, whatever the parent has", () => {
    const name = fc.stringMatching(/^[A-Z][A-Z0-9_]{0,20}$/).filter((key) => !(key in getDefaultEnvironment()) && !(key in process.env));
    fc.assert(
      fc.property(fc.dictionary(name, fc.string()), fc.dictionary(name, fc.string()), (secrets, given) => {
        const saved = { ...process.env };
        Object.assign(process.env, secrets);
        try {
          const env = serverEnv({ env: given });
          for (const key of Object.keys(secrets)) expect(env[key]).toBe(given[key]);
          expect(env).toEqual({ ...getDefaultEnvironment(), ...given });
        } finally {
          for (const key of Object.keys(secrets)) if (!(key in saved)) delete process.env[key];
        }
      }),
    );
  });

  it("lets the server's env replace a safe variable", () => {
    expect(serverEnv({ env: { PATH: "/opt/server/bin" } }).PATH).toBe("/opt/server/bin");
  });

  it("with inheritEnv is the whole parent environment plus the server's env", () => {
    expect(serverEnv({ inheritEnv: true, env: { HOME: "/srv", EXTRA: "x" } }, parent)).toEqual({ ...parent, HOME: "/srv", EXTRA: "x" });
    expect(serverEnv({ inheritEnv: false }, parent)).toEqual(getDefaultEnvironment());
  });
});

describe("serverCommand", () => {
  it("runs the command and arguments as given on Linux and macOS", () => {
    for (const platform of ["linux", "darwin"] as const) {
      const args = ["-y", "@scope/server", "a b"];
      const command = serverCommand({ command: "npx", args, env: { K: "v" } }, { platform });
      expect(command).toEqual({ executable: "npx", args, env: { ...getDefaultEnvironment(), K: "v" }, windowsVerbatimArguments: false });
      expect(command.args).not.toBe(args);
    }
  });

  describe("on Windows, as the MCP SDK's cross-spawn resolves it", () => {
    let dir: string;
    let parse: CrossSpawnParse;
    const pathExt = process.env.PATHEXT;
    beforeAll(() => {
      // Windows matches extensions whatever their case; this file system does not.
      process.env.PATHEXT = ".com;.exe;.bat;.cmd";
      dir = mkdtempSync(path.join(os.tmpdir(), "codexkit-win-"));
      writeFileSync(path.join(dir, "npx.cmd"), "@node npx-cli.js %*\r\n");
      writeFileSync(path.join(dir, "server.exe"), "");
      parse = win32CrossSpawnParse();
    });
    afterAll(() => {
      if (pathExt === undefined) delete process.env.PATHEXT;
      else process.env.PATHEXT = pathExt;
      rmSync(dir, { recursive: true, force: true });
    });

    it("a .cmd shim on the server's PATH runs through cmd.exe with its arguments escaped, verbatim", () => {
      const command = serverCommand({ command: "npx", args: ["-y", "@scope/server", "a b&c"], env: { PATH: dir } }, { platform: "win32", parse });
      expect(command.executable).toMatch(/cmd\.exe$/i);
      expect(command.args).toEqual(["/d", "/s", "/c", '"npx ^"-y^" ^"@scope/server^" ^"a^ b^&c^""']);
      expect(command.windowsVerbatimArguments).toBe(true);
      expect(command.env.PATH).toBe(dir);
    });

    it("an .exe runs directly, its arguments untouched", () => {
      const command = serverCommand({ command: "server", args: ["--port", "1 2"], env: { PATH: dir } }, { platform: "win32", parse });
      expect(command).toMatchObject({ executable: "server", args: ["--port", "1 2"], windowsVerbatimArguments: false });
    });

    it("a command found on no PATH goes to cmd.exe, which reports it (as with the MCP SDK)", () => {
      const command = serverCommand({ command: "server", args: [], env: { PATH: path.join(dir, "elsewhere") } }, { platform: "win32", parse });
      expect(command).toMatchObject({ args: ["/d", "/s", "/c", '"server"'], windowsVerbatimArguments: true });
    });

    it("uses cross-spawn's own parser when none is given", () => {
      // This host is not Windows, so cross-spawn resolves nothing: the command is spawned as is.
      expect(serverCommand({ command: "server", args: ["x"] }, { platform: "win32" })).toMatchObject({ executable: "server", args: ["x"], windowsVerbatimArguments: false });
    });
  });
});
