import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stderrSummary } from "../../../src/process/index.js";

describe("stderrSummary", () => {
  it("prefers the last Error: line over a backtrace that follows it", () => {
    const tail = ["WARNING: proceeding", 'Error: CODEX_HOME points to "/x", but that path does not exist', "   6: <unknown>", "   7: <unknown>", "   8: <unknown>"].join("\n");
    expect(stderrSummary(tail)).toBe('Error: CODEX_HOME points to "/x", but that path does not exist');
  });

  it("keeps the last three lines when there is no error line", () => {
    expect(stderrSummary("a\nb\nc\nd\n")).toBe("b | c | d");
    expect(stderrSummary("")).toBe("");
  });

  it("is always made of the tail's own lines", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 20 }).filter((line) => !line.includes("\n") && !line.includes("|")), { maxLength: 10 }), (lines) => {
        const tail = lines.join("\n");
        const summary = stderrSummary(tail);
        for (const part of summary === "" ? [] : summary.split(" | ")) expect(tail).toContain(part.trim());
      }),
    );
  });
});
