import { toStandardJsonSchema } from "@valibot/to-json-schema";
import { type } from "arktype";
import * as v from "valibot";
import { describe, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { z as z3 } from "zod/v3";
import { withJsonSchema } from "../../../src/index.js";
import { ToolRegistry, createToolSet, tool, type Tool, type ToolContext, type ToolResult, type ToolResultValue } from "../../../src/tools/index.js";

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

  it("infers execute's arguments from any Standard Schema's output: zod 3, valibot, arktype", () => {
    tool({
      name: "z3",
      description: "",
      parameters: withJsonSchema(z3.object({ a: z3.number(), unit: z3.string().default("m") }), { type: "object" }),
      execute: ({ a, unit }) => {
        expectTypeOf(a).toEqualTypeOf<number>();
        expectTypeOf(unit).toEqualTypeOf<string>();
        return a;
      },
    });
    tool({
      name: "valibot",
      description: "",
      parameters: toStandardJsonSchema(v.object({ city: v.string(), days: v.optional(v.number(), 1) })),
      execute: ({ city, days }) => {
        expectTypeOf(city).toEqualTypeOf<string>();
        expectTypeOf(days).toEqualTypeOf<number>();
        return city;
      },
    });
    const ark = tool({
      name: "ark",
      description: "",
      parameters: type({ city: "string", "days?": "number" }),
      execute: ({ city, days }) => {
        expectTypeOf(city).toEqualTypeOf<string>();
        expectTypeOf(days).toEqualTypeOf<number | undefined>();
        return city;
      },
    });
    expectTypeOf(ark).toExtend<Tool>();
    // @ts-expect-error `city` is a string, so number methods are not available
    // eslint-disable-next-line @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return -- a deliberate type error (the @ts-expect-error above): the call it makes has no type
    tool({ name: "bad", description: "", parameters: type({ city: "string" }), execute: ({ city }) => city.toFixed(1) });
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
    // eslint-disable-next-line @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return -- a deliberate type error (the @ts-expect-error above): the call it makes has no type
    tool({ name: "bad", description: "", parameters: z.object({ a: z.number() }), execute: ({ a }) => a.toUpperCase() });
  });
});

describe("ToolResult", () => {
  it("is a real type: what execute may return, sync or async, and nothing else", () => {
    expectTypeOf<unknown>().not.toExtend<ToolResult>();
    interface Forecast {
      city: string;
      celsius: number;
    }
    const forecast = (): Forecast => ({ city: "Oslo", celsius: 3 });
    // An interface or a class instance is accepted (typed `object`, not an index signature).
    tool({ name: "iface", description: "", parameters: z.object({}), execute: forecast });
    tool({ name: "async", description: "", parameters: z.object({}), execute: () => Promise.resolve(forecast()) });
    tool({ name: "items", description: "", parameters: z.object({}), execute: () => [{ type: "text" as const, text: "hi" }] });
    tool({ name: "nothing", description: "", parameters: z.object({}), execute: () => undefined });
    // @ts-expect-error a bigint cannot be sent as JSON
    tool({ name: "big", description: "", parameters: z.object({}), execute: () => 10n });
    // @ts-expect-error nor can a symbol
    tool({ name: "sym", description: "", parameters: z.object({}), execute: () => Symbol("s") });
    expectTypeOf<ToolResultValue>().toExtend<ToolResult>();
  });
});
