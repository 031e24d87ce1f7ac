/**
 * A misspelt option is refused where it is given, before codex is asked: the client is built on a
 * codex binary that does not exist, so any attempt to run codex would fail with another error.
 */
import { describe, expect, it } from "vitest";
import { Codex, InvalidOptionsError, type CodexOptions, type ThreadOptions, type TurnOptions } from "../../../src/index.js";

const NO_CODEX = "/nonexistent/codexkit-test/codex";

describe("options checked up front", () => {
  it("new Codex({ workingDir }) names the option and where workingDirectory goes", () => {
    const make = (): Codex => new Codex({ codexPathOverride: NO_CODEX, workingDir: "/tmp" } as CodexOptions);
    expect(make).toThrow(InvalidOptionsError);
    expect(make).toThrow(/codexOptions\.workingDir .*did you mean workingDirectory\? It is a thread option: give it to startThread\(\)/);
  });

  it("startThread, resumeThread and fork refuse { workingDir } with a hint, on both transports", async () => {
    for (const transport of ["exec", "app-server"] as const) {
      await using codex = new Codex({ codexPathOverride: NO_CODEX, transport });
      const bad = { workingDir: "/tmp" } as ThreadOptions;
      expect(() => codex.startThread(bad)).toThrow(InvalidOptionsError);
      expect(() => codex.startThread(bad)).toThrow("threadOptions.workingDir is not an option; did you mean workingDirectory?");
      expect(() => codex.resumeThread("0199a213-81c0-7800-8aa1-bbab2a035a53", bad)).toThrow(/did you mean workingDirectory\?/);
      await expect(codex.startThread().fork(bad)).rejects.toThrow(/threadOptions\.workingDir is not an option/);
    }
  });

  it("a turn's misspelt option rejects run() and runStreamed() before codex runs", async () => {
    await using codex = new Codex({ codexPathOverride: NO_CODEX });
    const thread = codex.startThread({ skipGitRepoCheck: true });
    const bad = { outputschema: { type: "object" } } as TurnOptions;
    await expect(thread.run("hi", bad)).rejects.toThrow(InvalidOptionsError);
    await expect(thread.run("hi", bad)).rejects.toThrow("turnOptions.outputschema is not an option; did you mean outputSchema?");
    const streamed = await thread.runStreamed("hi", { model: "m" } as TurnOptions);
    await expect(streamed.events.next()).rejects.toThrow("turnOptions.model is not an option of a turn; model is a thread option: give it to startThread()");
    // The thread is still usable: the refused turn never started.
    expect(thread.id).toBeNull();
  });

  it("mcp.connect refuses a misspelt server or connect option before starting anything", async () => {
    await using codex = new Codex({ codexPathOverride: NO_CODEX });
    await expect(codex.mcp.connect("fx", { command: NO_CODEX, arg: ["x"] } as never)).rejects.toThrow("MCP server fx: arg is not an option; did you mean args?");
    await expect(codex.mcp.connect("fx", { command: NO_CODEX }, { requestTimeout: 5 } as never)).rejects.toThrow(
      "MCP server fx: requestTimeout is not an option; did you mean requestTimeoutMs?",
    );
    expect(codex.mcp.list()).toEqual([]);
  });
});
