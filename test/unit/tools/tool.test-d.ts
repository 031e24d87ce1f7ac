import { describe, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { ToolRegistry, createToolSet, tool, type Tool, type ToolContext } from "../../../src/tools/index.js";

describe("tool() types", () => {
  it("infers execute's arguments from a zod schema", () => {
    const add = tool({
      name: "add",
      description: "adds",
      parameters: z.object({ a: z.number(), b: z.number().optional(), tags: z.array(z.string()).default([]) }),
      execute: ({ a, b, tags }, ctx) => {
        expectTypeOf(a).toEqualTypeOf<number>();
        expectTypeOf(b).toEqualTypeOf<number | undefined>();
        expectTypeOf(tags).toEqualTypeOf<string[]>();
        expectTypeOf(ctx).toEqualTypeOf<ToolContext>();
        return a + 1;
      },
    });
    expectTypeOf(add.name).toEqualTypeOf<string>();
    expectTypeOf(add).toExtend<Tool>();
    new ToolRegistry([add]).register(
      tool({ name: "neg", description: "", parameters: z.object({ n: z.number() }), execute: ({ n }) => -n }),
    );
  });

  it("types JSON Schema arguments as a record", () => {
    const echo = tool({
      name: "echo",
      description: "echoes",
      parameters: { type: "object", properties: { text: { type: "string" } } },
      execute: (args) => {
        expectTypeOf(args).toEqualTypeOf<Record<string, unknown>>();
        return String(args.text);
      },
    });
    expectTypeOf(echo.parameters).toExtend<Record<string, unknown>>();
  });

  it("rejects a mistyped execute at compile time", () => {
    expectTypeOf(createToolSet).parameter(0).toExtend<object>();
    // @ts-expect-error `a` is a number, so string methods are not available
    tool({ name: "bad", description: "", parameters: z.object({ a: z.number() }), execute: ({ a }) => a.toUpperCase() });
  });
});
