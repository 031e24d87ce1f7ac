/** `codexkit view`'s arguments. */
import { describe, expect, it, vi } from "vitest";
import { parseViewArgs, runView, VIEW_USAGE } from "../../../src/cli/view.js";

describe("codexkit view arguments", () => {
  it("takes one source, a port, --open and --codex-home in any order", () => {
    expect(parseViewArgs([])).toEqual({ source: undefined, port: 0, open: false, codexHome: undefined });
    expect(parseViewArgs(["--port", "8080", "run.jsonl", "--open", "--codex-home", "/h"])).toEqual({ source: "run.jsonl", port: 8080, open: true, codexHome: "/h" });
  });

  it("refuses what it does not know, naming it, with a URL's password left out", () => {
    expect(() => parseViewArgs(["--port"])).toThrow("--port needs a value");
    expect(() => parseViewArgs(["--port", "http"])).toThrow("--port must be a port number (0 to 65535), got http");
    expect(() => parseViewArgs(["--port", "70000"])).toThrow(/port must be/);
    expect(() => parseViewArgs(["--verbose"])).toThrow("unknown option --verbose");
    expect(() => parseViewArgs(["a", "redis://u:secret@host"])).toThrow("one source only: got a and redis://host");
  });

  it("exits 2 on a bad argument with the usage on stderr, and 0 on --help with it on stdout", async () => {
    const printed = { stdout: "", stderr: "" };
    const spies = (["stdout", "stderr"] as const).map((stream) =>
      vi.spyOn(process[stream], "write").mockImplementation((chunk: string | Uint8Array) => {
        printed[stream] += String(chunk);
        return true;
      }),
    );
    try {
      expect(await runView(["--port", "x"])).toBe(2);
      expect(await runView(["--help"])).toBe(0);
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    expect(printed.stderr).toBe(`codexkit view: --port must be a port number (0 to 65535), got x\n${VIEW_USAGE}\n`);
    expect(printed.stdout).toBe(`${VIEW_USAGE}\n`);
  });
});
