import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { InvalidOptionsError, UnsupportedFeatureError } from "../../../../src/errors/index.js";
import { normalizeInput } from "../../../../src/input.js";
import type { CodexOptions, Input, ThreadOptions } from "../../../../src/options/index.js";
import { buildExecArgs, buildExecPrompt } from "../../../../src/transport/exec/args.js";
import { ORIGINATOR, codexEnv as buildExecEnv } from "../../../../src/transport/env.js";
import type { TurnRequest } from "../../../../src/transport/types.js";

function request(thread: ThreadOptions = {}, extra: Partial<Omit<TurnRequest, "input">> & { input?: Input } = {}): TurnRequest {
  const { input, ...rest } = extra;
  return { threadId: null, thread, input: normalizeInput(input ?? "hi"), tools: [], ...rest };
}

const BASE = ["exec", "--experimental-json"];

describe("buildExecArgs", () => {
  it.each<[string, ThreadOptions, string[]]>([
    ["no options", {}, []],
    ["model", { model: "gpt-5.1-codex" }, ["--model", "gpt-5.1-codex"]],
    ["sandbox", { sandboxMode: "workspace-write" }, ["--sandbox", "workspace-write"]],
    ["working directory", { workingDirectory: "/repo" }, ["--cd", "/repo"]],
    ["additional directories", { additionalDirectories: ["/a", "/b"] }, ["--add-dir", "/a", "--add-dir", "/b"]],
    ["skip git repo check", { skipGitRepoCheck: true }, ["--skip-git-repo-check"]],
    ["skip git repo check off", { skipGitRepoCheck: false }, []],
    ["reasoning effort", { modelReasoningEffort: "high" }, ["--config", 'model_reasoning_effort="high"']],
    ["network access on", { networkAccessEnabled: true }, ["--config", "sandbox_workspace_write.network_access=true"]],
    ["network access off", { networkAccessEnabled: false }, ["--config", "sandbox_workspace_write.network_access=false"]],
    ["web search mode", { webSearchMode: "cached" }, ["--config", 'web_search="cached"']],
    ["web search enabled", { webSearchEnabled: true }, ["--config", 'web_search="live"']],
    ["web search disabled", { webSearchEnabled: false }, ["--config", 'web_search="disabled"']],
    ["web search mode wins over enabled", { webSearchMode: "disabled", webSearchEnabled: true }, ["--config", 'web_search="disabled"']],
    ["approval policy", { approvalPolicy: "on-request" }, ["--config", 'approval_policy="on-request"']],
    ["base instructions", { baseInstructions: 'Be "brief".\nAlways.' }, ["--config", 'base_instructions="Be \\"brief\\".\\nAlways."']],
    ["developer instructions", { developerInstructions: "Use tabs" }, ["--config", 'developer_instructions="Use tabs"']],
    ["empty base instructions", { baseInstructions: "" }, ["--config", 'base_instructions=""']],
    ["ephemeral", { ephemeral: true }, ["--ephemeral"]],
    ["thread source", { threadSource: "cli" }, ["--thread-source", "cli"]],
  ])("%s", (_name, thread, expected) => {
    expect(buildExecArgs({}, request(thread))).toEqual([...BASE, ...expected]);
  });

  it("emits everything in the official SDK's order, codexkit additions last", () => {
    const options: CodexOptions = {
      config: { model_provider: "mock", features: { x: true } },
      configOverrides: ["a=1", "b.c=true"],
      baseUrl: "http://127.0.0.1:9/v1",
    };
    const thread: ThreadOptions = {
      model: "m",
      threadSource: "ignored-on-resume",
      sandboxMode: "read-only",
      workingDirectory: "/work dir",
      additionalDirectories: ["/extra"],
      skipGitRepoCheck: true,
      modelReasoningEffort: "low",
      networkAccessEnabled: true,
      webSearchEnabled: false,
      approvalPolicy: "never",
      baseInstructions: "base",
      developerInstructions: "dev",
      ephemeral: true,
    };
    const req = request(thread, {
      threadId: "thread-123",
      cyberAccessProgram: "standard",
      input: [
        { type: "text", text: "look" },
        { type: "local_image", path: "/img/1.png" },
        { type: "local_image", path: "/img/2.png" },
      ],
    });
    expect(buildExecArgs(options, req, "/tmp/schema.json")).toEqual([
      ...BASE,
      "--config", 'model_provider="mock"',
      "--config", "features.x=true",
      "--config", "a=1",
      "--config", "b.c=true",
      "--config", 'openai_base_url="http://127.0.0.1:9/v1"',
      "--model", "m",
      "--sandbox", "read-only",
      "--cd", "/work dir",
      "--add-dir", "/extra",
      "--skip-git-repo-check",
      "--output-schema", "/tmp/schema.json",
      "--cyber-access-program", "standard",
      "--config", 'model_reasoning_effort="low"',
      "--config", "sandbox_workspace_write.network_access=true",
      "--config", 'web_search="disabled"',
      "--config", 'approval_policy="never"',
      "--config", 'base_instructions="base"',
      "--config", 'developer_instructions="dev"',
      "--ephemeral",
      "resume", "thread-123",
      "--image", "/img/1.png",
      "--image", "/img/2.png",
    ]);
  });

  it("puts images after `resume <id>`", () => {
    const args = buildExecArgs({}, request({}, { threadId: "t-9", input: [{ type: "local_image", path: "a.png" }, { type: "text", text: "x" }] }));
    expect(args.slice(-4)).toEqual(["resume", "t-9", "--image", "a.png"]);
    expect(args.indexOf("--image")).toBeGreaterThan(args.indexOf("resume"));
  });

  it("passes images on a new thread without resume", () => {
    const args = buildExecArgs({}, request({}, { input: [{ type: "local_image", path: "a.png" }] }));
    expect(args).toEqual([...BASE, "--image", "a.png"]);
    expect(args).not.toContain("resume");
  });

  it("sends --thread-source only when starting a thread", () => {
    expect(buildExecArgs({}, request({ threadSource: "exec" }, { threadId: "t" }))).not.toContain("--thread-source");
  });

  it("omits --output-schema without a schema path", () => {
    expect(buildExecArgs({}, request())).not.toContain("--output-schema");
    expect(buildExecArgs({}, request(), "/s.json")).toEqual([...BASE, "--output-schema", "/s.json"]);
  });

  it("rejects remote image URLs with UnsupportedFeatureError", () => {
    const req = request({}, { input: [{ type: "image", url: "https://example.com/cat.png" }] });
    expect(() => buildExecArgs({}, req)).toThrow(UnsupportedFeatureError);
    try {
      buildExecArgs({}, req);
    } catch (error) {
      expect((error as UnsupportedFeatureError).feature).toBe("image_url");
      expect((error as UnsupportedFeatureError).code).toBe("unsupported_feature");
    }
  });

  it("rejects an invalid config with InvalidOptionsError", () => {
    expect(() => buildExecArgs({ config: { a: null } as never }, request())).toThrow(InvalidOptionsError);
  });
});

describe("buildExecPrompt", () => {
  it("is the text prompt when nothing is attached", () => {
    expect(buildExecPrompt(request({}, { input: "just text" }))).toBe("just text");
    expect(buildExecPrompt(request({}, { input: [{ type: "text", text: "a" }, { type: "text", text: "b" }] }))).toBe("a\n\nb");
  });

  it("adds a mention line for attached files", () => {
    const input: Input = [
      { type: "text", text: "review" },
      { type: "file", path: "src/a.ts" },
      { type: "file", path: "README.md" },
    ];
    expect(buildExecPrompt(request({}, { input }))).toBe("review\n\n@src/a.ts @README.md");
  });

  it("is only the mentions when there is no text", () => {
    expect(buildExecPrompt(request({}, { input: [{ type: "file", path: "x.md" }] }))).toBe("@x.md");
  });
});

describe("codexEnv", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("replaces process.env with the given env", () => {
    vi.stubEnv("CODEXKIT_UNIT_MARKER", "inherited");
    const env = buildExecEnv({ env: { FOO: "bar", PATH: "/usr/bin" } }, []);
    expect(env).toEqual({ FOO: "bar", PATH: "/usr/bin", CODEX_INTERNAL_ORIGINATOR_OVERRIDE: ORIGINATOR });
    expect(env).not.toHaveProperty("CODEXKIT_UNIT_MARKER");
  });

  it("inherits process.env when no env is given", () => {
    vi.stubEnv("CODEXKIT_UNIT_MARKER", "inherited");
    const env = buildExecEnv({}, []);
    expect(env.CODEXKIT_UNIT_MARKER).toBe("inherited");
    expect(env.CODEX_INTERNAL_ORIGINATOR_OVERRIDE).toBe("codexkit");
  });

  it("keeps an originator that is already set", () => {
    expect(buildExecEnv({ env: { CODEX_INTERNAL_ORIGINATOR_OVERRIDE: "mine" } }, []).CODEX_INTERNAL_ORIGINATOR_OVERRIDE).toBe("mine");
    vi.stubEnv("CODEX_INTERNAL_ORIGINATOR_OVERRIDE", "from-process");
    expect(buildExecEnv({}, []).CODEX_INTERNAL_ORIGINATOR_OVERRIDE).toBe("from-process");
  });

  it("passes apiKey as CODEX_API_KEY, overriding the env", () => {
    expect(buildExecEnv({ env: { CODEX_API_KEY: "old" }, apiKey: "sk-new-key-123456" }, []).CODEX_API_KEY).toBe("sk-new-key-123456");
    expect(buildExecEnv({ env: {} }, [])).not.toHaveProperty("CODEX_API_KEY");
  });

  it("passes codexHome as an absolute CODEX_HOME", () => {
    expect(buildExecEnv({ env: {}, codexHome: "relative/home" }, []).CODEX_HOME).toBe(path.resolve("relative/home"));
    expect(buildExecEnv({ env: { CODEX_HOME: "/old" }, codexHome: "/abs/home" }, []).CODEX_HOME).toBe(path.resolve("/abs/home"));
    expect(buildExecEnv({ env: { CODEX_HOME: "/kept" } }, []).CODEX_HOME).toBe("/kept");
  });

  it.skipIf(process.platform === "win32")("prepends pathDirs to PATH without duplicates", () => {
    const d = path.delimiter;
    const env = buildExecEnv({ env: { PATH: ["/usr/bin", "/helpers", "", "/bin"].join(d) } }, ["/helpers", "/more"]);
    expect(env.PATH).toBe(["/helpers", "/more", "/usr/bin", "/bin"].join(d));
    expect(buildExecEnv({ env: {} }, ["/helpers"]).PATH).toBe("/helpers");
    expect(buildExecEnv({ env: { PATH: "/usr/bin" } }, []).PATH).toBe("/usr/bin");
  });

  it("does not modify the caller's env object", () => {
    const given = { PATH: "/usr/bin" };
    buildExecEnv({ env: given, apiKey: "k-123456", codexHome: "/h" }, ["/x"]);
    expect(given).toEqual({ PATH: "/usr/bin" });
  });
});
