import { describe, expect, it } from "vitest";
import { threadConfigEntries } from "../../../src/config/index.js";
import { InvalidOptionsError } from "../../../src/errors/index.js";
import { checkThreadOptions, type ThreadOptions } from "../../../src/options/index.js";
import { Codex } from "../../../src/index.js";

describe("checkThreadOptions", () => {
  it.each<[string, unknown]>([
    ["an unknown sandbox mode", { sandboxMode: "yolo" }],
    ["an approval policy with TOML in it", { approvalPolicy: 'never"\nmodel_provider="evil' }],
    ["an unknown reasoning effort", { modelReasoningEffort: "extreme" }],
    ["an unknown web search mode", { webSearchMode: "sometimes" }],
    ["a non-boolean skipGitRepoCheck", { skipGitRepoCheck: "yes" }],
    ["a non-string model", { model: 5 }],
    ["a working directory that is not a string", { workingDirectory: 5 }],
    ["additional directories that are not paths", { additionalDirectories: ["/a", 3] }],
    ["something that is not an object", "read-only"],
  ])("refuses %s with InvalidOptionsError, before any codex runs", (_what, options) => {
    expect(() => checkThreadOptions(options as ThreadOptions)).toThrow(InvalidOptionsError);
    expect(() => new Codex().startThread(options as ThreadOptions)).toThrow(InvalidOptionsError);
  });

  it("accepts every documented value", () => {
    expect(() =>
      checkThreadOptions({
        model: "m",
        sandboxMode: "workspace-write",
        approvalPolicy: "on-request",
        modelReasoningEffort: "xhigh",
        webSearchMode: "cached",
        networkAccessEnabled: true,
        skipGitRepoCheck: false,
        additionalDirectories: ["rel", "/abs"],
        workingDirectory: ".",
      }),
    ).not.toThrow();
  });
});

describe("threadConfigEntries", () => {
  it("lists the settings in the order @openai/codex-sdk passes them", () => {
    expect(threadConfigEntries({ webSearchEnabled: true, networkAccessEnabled: false, modelReasoningEffort: "low" })).toEqual([
      ["model_reasoning_effort", "low"],
      ["sandbox_workspace_write.network_access", false],
      ["web_search", "live"],
    ]);
    expect(threadConfigEntries({ webSearchMode: "disabled", webSearchEnabled: true })).toEqual([["web_search", "disabled"]]);
    expect(threadConfigEntries({})).toEqual([]);
  });
});
