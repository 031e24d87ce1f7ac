/**
 * User schemas by shape (Standard Schema): each library's schema describes itself to the model with
 * the library's own JSON Schema, and validates tool arguments and structured output with its own
 * `~standard.validate`, sync or async.
 */
import { toStandardJsonSchema } from "@valibot/to-json-schema";
import { type } from "arktype";
import * as v from "valibot";
import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { InvalidOptionsError, OutputSchemaError, ToolError, withJsonSchema } from "../../../src/index.js";
import type { OutputSchema } from "../../../src/options/index.js";
import { outputJsonSchema, parseStructuredOutput, structuredOutputOf } from "../../../src/output-schema.js";
import { createToolSet, tool, toToolSpec, type ToolParameters } from "../../../src/tools/index.js";
import { callContext, services } from "../tools/helpers.js";

/** Each library's schema for `{ city: string, days: number (default 1) }`. */
const libraries: Array<{ name: string; schema: ToolParameters & OutputSchema; wrongPath: string }> = [
  { name: "zod 4", schema: z.object({ city: z.string(), days: z.number().default(1) }), wrongPath: "city" },
  {
    name: "valibot (toStandardJsonSchema)",
    schema: toStandardJsonSchema(v.object({ city: v.string(), days: v.optional(v.number(), 1) })),
    wrongPath: "city",
  },
  { name: "arktype", schema: type({ city: "string", days: "number = 1" }), wrongPath: "city" },
];

async function outputError(fn: () => Promise<unknown>): Promise<OutputSchemaError> {
  const error = await fn().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OutputSchemaError);
  return error as OutputSchemaError;
}

describe.each(libraries)("a $name schema", ({ schema, wrongPath }) => {
  it("as tool parameters: the library's JSON Schema of the input side, without $schema", () => {
    const spec = toToolSpec(tool({ name: "weather", description: "d", parameters: schema, execute: () => "" }));
    expect(spec.inputSchema).not.toHaveProperty("$schema");
    expect(spec.inputSchema).toMatchObject({ type: "object", properties: { city: { type: "string" }, days: { type: "number" } }, required: ["city"] });
    expect(Object.isFrozen(spec.inputSchema)).toBe(true);
  });

  it("as tool parameters: good arguments reach execute as the schema's output, bad ones go back to the model", async () => {
    const execute = vi.fn((args: object) => args);
    const t = tool({ name: "weather", description: "d", parameters: schema, execute });
    const set = createToolSet({ thread: [t] }, services());
    const good = await set.call("weather", '{"city":"Oslo"}', callContext());
    expect(good.success).toBe(true);
    expect(execute).toHaveBeenCalledTimes(1);
    expect(execute.mock.calls[0]![0]).toEqual({ city: "Oslo", days: 1 });
    const bad = await set.call("weather", { city: 7 }, callContext());
    expect(bad.success).toBe(false);
    expect(bad.error).toMatch(new RegExp(`^invalid arguments for weather: ${wrongPath}: `));
    expect(bad.content).toEqual([{ type: "text", text: bad.error }]);
    const notObject = await set.call("weather", "[1]", callContext());
    expect(notObject.error).toMatch(/^invalid arguments for weather: /);
    expect(execute).toHaveBeenCalledTimes(1);
  });

  it("as outputSchema: the library's JSON Schema of the output side, and a validated answer", async () => {
    const json = outputJsonSchema(schema);
    expect(json).not.toHaveProperty("$schema");
    expect(json).toMatchObject({ type: "object", properties: { city: { type: "string" } } });
    expect(await parseStructuredOutput('{"city":"Oslo"}', schema)).toEqual({ city: "Oslo", days: 1 });
    expect(await structuredOutputOf('{"city":"Oslo","days":3}', schema)).toEqual({ city: "Oslo", days: 3 });
  });

  it("as outputSchema: a mismatch is an OutputSchemaError that keeps the raw text and names the path", async () => {
    const text = '{"city":42}';
    const error = await outputError(() => structuredOutputOf(text, schema));
    expect(error.rawText).toBe(text);
    expect(error.issues[0]).toMatch(new RegExp(`^${wrongPath}: `));
    expect((await outputError(() => structuredOutputOf("no json", schema))).issues).toEqual(["not valid JSON"]);
  });
});

describe("asynchronous validation", () => {
  // valibot converts no async schema, so it is given its JSON Schema.
  const valibotAsync = withJsonSchema(v.objectAsync({ code: v.pipeAsync(v.string(), v.checkAsync((s) => Promise.resolve(s === "open"), "the code is wrong")) }), {
    type: "object",
    properties: { code: { type: "string" } },
    required: ["code"],
  });
  const zodAsync = z.object({ code: z.string().refine((s) => Promise.resolve(s === "open"), "the code is wrong") });

  it.each([
    ["valibot", valibotAsync],
    ["zod 4", zodAsync],
  ] as const)("waits for a %s schema's promise, for tools and output alike", async (_name, schema) => {
    expect(schema["~standard"].validate({ code: "x" })).toBeInstanceOf(Promise);
    const set = createToolSet({ thread: [tool({ name: "door", description: "", parameters: schema, execute: () => "opened" })] }, services());
    expect(await set.call("door", { code: "open" }, callContext())).toMatchObject({ success: true, content: [{ type: "text", text: "opened" }] });
    expect((await set.call("door", { code: "shut" }, callContext())).error).toBe("invalid arguments for door: code: the code is wrong");
    expect(await parseStructuredOutput('{"code":"open"}', schema)).toEqual({ code: "open" });
    const error = await outputError(() => parseStructuredOutput('{"code":"shut"}', schema));
    expect(error.issues).toEqual(["code: the code is wrong"]);
  });
});

describe("a schema whose library gives no JSON Schema", () => {
  const custom = {
    "~standard": {
      version: 1 as const,
      vendor: "handmade",
      validate: (value: unknown) =>
        typeof value === "object" && value !== null && typeof (value as { n?: unknown }).n === "number"
          ? { value: value as { n: number } }
          : { issues: [{ message: "n must be a number", path: [{ key: "n" }] }] },
    },
  };

  it("a bare valibot schema is refused with the wrapper to use", () => {
    const bare = v.object({ a: v.number() });
    expect(() => tool({ name: "t", description: "", parameters: bare, execute: () => "" })).toThrow(ToolError);
    expect(() => tool({ name: "t", description: "", parameters: bare, execute: () => "" })).toThrow(
      /^tool t: parameters is a valibot schema without JSON Schema: wrap it with toStandardJsonSchema\(schema\) from @valibot\/to-json-schema$/,
    );
    expect(() => outputJsonSchema(bare)).toThrow(InvalidOptionsError);
    expect(() => outputJsonSchema(bare)).toThrow(/^outputSchema is a valibot schema without JSON Schema: wrap it with toStandardJsonSchema/);
  });

  it("any other library is refused with withJsonSchema as the way out, and works once given one", async () => {
    expect(() => outputJsonSchema(custom)).toThrow(/^outputSchema is a handmade schema that gives no JSON Schema .*withJsonSchema\(schema, jsonSchema\)/);
    const json = { type: "object", properties: { n: { type: "number" } }, required: ["n"] };
    const described = withJsonSchema(custom, json);
    json.properties.n.type = "string";
    expect(outputJsonSchema(described)).toEqual({ type: "object", properties: { n: { type: "number" } }, required: ["n"] });
    expect(await parseStructuredOutput('{"n":2}', described)).toEqual({ n: 2 });
    expect((await outputError(() => parseStructuredOutput('{"n":"2"}', described))).issues).toEqual(["n: n must be a number"]);
    const set = createToolSet({ thread: [tool({ name: "num", description: "", parameters: described, execute: ({ n }: { n: number }) => n + 1 })] }, services());
    expect(await set.call("num", { n: 1 }, callContext())).toMatchObject({ success: true, content: [{ type: "text", text: "2" }] });
    expect((await set.call("num", {}, callContext())).error).toBe("invalid arguments for num: n: n must be a number");
  });

  it("withJsonSchema refuses what is not a schema or not a JSON Schema object", () => {
    expect(() => withJsonSchema({} as never, {})).toThrow(InvalidOptionsError);
    expect(() => withJsonSchema(custom, [] as never)).toThrow(/jsonSchema must be a JSON Schema object/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => withJsonSchema(custom, cyclic)).toThrow(/jsonSchema must be JSON/);
  });

  it("falls back to the converter the library itself provides (zod 4 before 4.2, arktype's toJsonSchema)", () => {
    const zod = z.object({ a: z.string(), b: z.number().default(2) });
    // A zod 4 schema as 4.0 and 4.1 shipped it: no ~standard.jsonSchema.
    const olderZod = Object.create(zod, {
      "~standard": { value: { version: 1, vendor: "zod", validate: zod["~standard"].validate } },
    }) as typeof zod;
    expect(outputJsonSchema(olderZod)).toEqual(outputJsonSchema(zod));
    expect(toToolSpec(tool({ name: "z", description: "", parameters: olderZod, execute: () => "" })).inputSchema).toMatchObject({ required: ["a"] });
    const ark = type({ a: "string" });
    const olderArk = {
      "~standard": { version: 1, vendor: "arktype", validate: ark["~standard"].validate },
      toJsonSchema: () => ark.toJsonSchema(),
    };
    expect(outputJsonSchema(olderArk)).toEqual({ type: "object", properties: { a: { type: "string" } }, required: ["a"] });
  });

  it("a library conversion that fails names the schema and the library's reason", () => {
    const withDate = toStandardJsonSchema(v.object({ when: v.date() }));
    expect(() => tool({ name: "d", description: "", parameters: withDate, execute: () => "" })).toThrow(/^tool d: parameters cannot be expressed as JSON Schema: .*date/);
    expect(() => outputJsonSchema(z.object({ when: z.date() }))).toThrow(/^outputSchema cannot be expressed as JSON Schema: Date/);
    const odd = { "~standard": { ...custom["~standard"], jsonSchema: { input: () => [], output: () => "x" } } };
    expect(() => outputJsonSchema(odd)).toThrow(/^outputSchema was converted to something that is not a JSON Schema object/);
  });
});

describe("a schema that throws while validating", () => {
  const throwing = withJsonSchema(
    { "~standard": { version: 1, vendor: "handmade", validate: () => { throw new Error("validator broke"); } } },
    { type: "object" },
  );

  it("fails the tool call with the reason, and execute does not run", async () => {
    const execute = vi.fn(() => "ran");
    const set = createToolSet({ thread: [tool({ name: "boom", description: "", parameters: throwing, execute })] }, services());
    expect((await set.call("boom", {}, callContext())).error).toBe("invalid arguments for boom: validator broke");
    expect(execute).not.toHaveBeenCalled();
  });

  it("is an OutputSchemaError that keeps the raw text", async () => {
    const error = await outputError(() => structuredOutputOf('{"a":1}', throwing));
    expect(error.rawText).toBe('{"a":1}');
    expect(error.issues).toEqual(["validator broke"]);
  });
});
