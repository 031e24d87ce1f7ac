/** The options folder's door opens only onto what other folders use: its helpers stay inside. */
import { describe, expect, it } from "vitest";
import * as door from "../../../src/options/index.js";

describe("src/options/index.ts", () => {
  it("does not export the checking helpers or schemas that only options/ itself uses", () => {
    for (const name of ["optionsMessage", "checkOptions", "mcpRestartOptionsSchema"]) expect(Object.keys(door)).not.toContain(name);
    expect(Object.keys(door)).toEqual(expect.arrayContaining(["checkCodexOptions", "checkMcpConnect", "checkThreadOptions", "checkTurnOptions"]));
  });
});
