/** zod 3 schemas are refused by name (codexkit converts with zod 4), not mistaken for JSON Schema. */
import { describe, expect, it } from "vitest";
import { z as z3 } from "zod/v3";
import { z } from "zod";
import { InvalidOptionsError, ToolError, tool } from "../../src/index.js";
import { outputJsonSchema } from "../../src/output-schema.js";

describe("a zod 3 schema", () => {
  it("as tool parameters is a ToolError that says what to do", () => {
    const error = (() => {
      try {
        tool({ name: "old", description: "zod 3", parameters: z3.object({ a: z3.number() }) as never, execute: () => "x" });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ToolError);
    expect((error as Error).message).toMatch(/tool old: parameters is a zod 3 schema; codexkit needs zod 4 schemas/);
  });

  it("as outputSchema is an InvalidOptionsError that says what to do", () => {
    expect(() => outputJsonSchema(z3.object({ ok: z3.boolean() }) as never)).toThrow(InvalidOptionsError);
    expect(() => outputJsonSchema(z3.object({ ok: z3.boolean() }) as never)).toThrow(/outputSchema is a zod 3 schema/);
  });

  it("while zod 4 schemas and plain JSON Schemas still work", () => {
    expect(outputJsonSchema(z.object({ ok: z.boolean() }))).toMatchObject({ type: "object" });
    expect(outputJsonSchema({ type: "object", properties: {} })).toEqual({ type: "object", properties: {} });
  });
});
