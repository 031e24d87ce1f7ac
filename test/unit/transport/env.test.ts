/** PATH handling per platform, with the platform given (the suite runs on Linux). */
import { describe, expect, it } from "vitest";
import { prependPath } from "../../../src/transport/env.js";

describe("prependPath", () => {
  it("Unix: PATH, ':'-separated, helpers first and not repeated", () => {
    const env = { PATH: "/usr/bin:/helpers:/bin" };
    prependPath(env, ["/helpers"], "linux");
    expect(env).toEqual({ PATH: "/helpers:/usr/bin:/bin" });
    const darwin: Record<string, string> = {};
    prependPath(darwin, ["/a", "/b"], "darwin");
    expect(darwin).toEqual({ PATH: "/a:/b" });
  });

  it("Windows: keeps the variable's own spelling (Path) and ';' separators", () => {
    const env: Record<string, string> = { Path: "C:\\\\Windows;C:\\\\tools" };
    prependPath(env, ["C:\\\\codex\\\\path"], "win32");
    expect(env).toEqual({ Path: "C:\\\\codex\\\\path;C:\\\\Windows;C:\\\\tools" });
    const empty: Record<string, string> = {};
    prependPath(empty, ["C:\\\\codex"], "win32");
    expect(empty).toEqual({ PATH: "C:\\\\codex" });
  });
});
