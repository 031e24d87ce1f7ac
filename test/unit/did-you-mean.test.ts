/** The "did you mean" hint: given only when one known key is clearly what was meant. */
import { describe, expect, it } from "vitest";
import { closestKey, editDistance } from "../../src/did-you-mean.js";

const THREAD_KEYS = ["model", "sandboxMode", "workingDirectory", "skipGitRepoCheck", "approvalPolicy", "additionalDirectories", "tools", "mcpServers"];

describe("editDistance", () => {
  it("counts a swap of neighbours as one edit (Damerau), as well as insertions, deletions and substitutions", () => {
    expect(editDistance("model", "model")).toBe(0);
    expect(editDistance("modle", "model")).toBe(1);
    expect(editDistance("mode", "model")).toBe(1);
    expect(editDistance("modell", "model")).toBe(1);
    expect(editDistance("mxdel", "model")).toBe(1);
    expect(editDistance("", "abc")).toBe(3);
    expect(editDistance("kitten", "sitting")).toBe(3);
  });
});

describe("closestKey", () => {
  it.each([
    ["workingDir", "workingDirectory"],
    ["working_directory", "workingDirectory"],
    ["WorkingDirectory", "workingDirectory"],
    ["cwd", "workingDirectory"],
    ["modle", "model"],
    ["sandbox", "sandboxMode"],
    ["skipGitCheck", "skipGitRepoCheck"],
    ["tool", "tools"],
    ["mcpServer", "mcpServers"],
  ])("suggests %s → %s", (given, meant) => {
    expect(closestKey(given, THREAD_KEYS)).toBe(meant);
  });

  it.each(["foo", "x", "temperature", "dir", "approve", "", "on"])("gives no hint for %j, which is close to nothing", (given) => {
    expect(closestKey(given, THREAD_KEYS)).toBeUndefined();
  });

  it("prefers the nearest of several close keys", () => {
    expect(closestKey("maxAttempt", ["maxAttempts", "maxDelayMs", "maxElapsedMs"])).toBe("maxAttempts");
    expect(closestKey("maxDelay", ["maxAttempts", "maxDelayMs", "maxElapsedMs"])).toBe("maxDelayMs");
  });
});
