import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createToolSet, tool, type ToolResult } from "../../../src/tools/index.js";
import { callContext, services } from "./helpers.js";

// What execute may do: return or throw anything, synchronously or not.
const behaviour = fc.record({
  value: fc.oneof(fc.anything(), fc.bigInt(), fc.constant(Object.create(null) as object), fc.constant(Symbol("s"))),
  mode: fc.constantFrom("return", "throw", "resolve", "reject"),
});

describe("ToolSet.call properties", () => {
  // `{}` and JSON text are mixed in so that execute runs often enough, not only validation.
  it("never rejects, whatever the arguments and execute do", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.anything(), fc.constant({}), fc.json()), behaviour, fc.boolean(), async (args, { value, mode }, zod) => {
        // A JavaScript caller can return what the types refuse (a bigint, a symbol): the cast says so.
        const execute = (): ToolResult => {
          if (mode === "throw") throw value;
          // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the case under test: rejecting with anything at all
          if (mode === "reject") return Promise.reject(value);
          return (mode === "resolve" ? Promise.resolve(value) : value) as ToolResult;
        };
        const parameters = zod ? z.looseObject({}) : { type: "object" };
        const set = createToolSet({ thread: [tool({ name: "any", description: "", parameters, execute })] }, services());
        const outcome = await set.call("any", args, callContext());
        expect(typeof outcome.success).toBe("boolean");
        expect(Array.isArray(outcome.content)).toBe(true);
        expect(outcome.durationMs).toBeGreaterThanOrEqual(0);
        if (!outcome.success) {
          expect(typeof outcome.error).toBe("string");
          expect(outcome.content).toEqual([{ type: "text", text: outcome.error }]);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("never leaks a registered secret in a failure", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string(), fc.string(), async (before, after) => {
        const message = `${before}sk-secret123${after}`;
        const t = tool({ name: "t", description: "", parameters: { type: "object" }, execute: () => { throw new Error(message); } });
        const outcome = await createToolSet({ thread: [t] }, services()).call("t", {}, callContext());
        expect(outcome.error).not.toContain("sk-secret123");
      }),
    );
  });
});
