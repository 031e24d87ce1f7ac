/**
 * zod 3 (3.24+, here `zod/v3`) is a Standard Schema: codexkit validates with it and infers types
 * from it. It cannot give its JSON Schema, so alone it is refused with what to do; given one with
 * `withJsonSchema` it works as tool parameters and as outputSchema. zod before 3.24 (no
 * `~standard`) is refused by name, not mistaken for a JSON Schema object.
 */
import { describe, expect, it, vi } from "vitest";
import { z as z3 } from "zod/v3";
import { z } from "zod";
import { InvalidOptionsError, OutputSchemaError, ToolError, tool, withJsonSchema } from "../../src/index.js";
import { outputJsonSchema, structuredOutputOf } from "../../src/output-schema.js";
import { createToolSet, toToolSpec } from "../../src/tools/index.js";
import { callContext, services } from "./tools/helpers.js";

const params = z3.object({ a: z3.number(), unit: z3.string().default("m") });
// What zod-to-json-schema would give for `params`, written out: the test does not depend on it.
const paramsJson = { type: "object", properties: { a: { type: "number" }, unit: { type: "string", default: "m" } }, required: ["a"] };

describe("a zod 3 schema", () => {
  it("alone as tool parameters is a ToolError that says what to do", () => {
    const define = () => tool({ name: "old", description: "zod 3", parameters: params, execute: () => "x" });
    expect(define).toThrow(ToolError);
    expect(define).toThrow(/^tool old: parameters is a zod 3 schema, which cannot give its JSON Schema: use a zod 4 schema .*withJsonSchema\(schema, zodToJsonSchema\(schema\)\)/);
  });

  it("alone as outputSchema is an InvalidOptionsError that says what to do", () => {
    expect(() => outputJsonSchema(params)).toThrow(InvalidOptionsError);
    expect(() => outputJsonSchema(params)).toThrow(/^outputSchema is a zod 3 schema, which cannot give its JSON Schema/);
  });

  it("with its JSON Schema is a tool whose arguments zod 3 validates", async () => {
    const execute = vi.fn(({ a, unit }: { a: number; unit: string }) => `${a * 2}${unit}`);
    const doubled = tool({ name: "double", description: "", parameters: withJsonSchema(params, paramsJson), execute });
    expect(toToolSpec(doubled).inputSchema).toEqual(paramsJson);
    const set = createToolSet({ thread: [doubled] }, services());
    expect(await set.call("double", { a: 2 }, callContext())).toMatchObject({ success: true, content: [{ type: "text", text: "4m" }] });
    const bad = await set.call("double", { a: "2" }, callContext());
    expect(bad.error).toBe("invalid arguments for double: a: Expected number, received string");
    expect(execute).toHaveBeenCalledTimes(1);
  });

  it("with its JSON Schema is an outputSchema whose answer zod 3 validates, strictly", async () => {
    const schema = withJsonSchema(params, paramsJson);
    expect(outputJsonSchema(schema)).toEqual(paramsJson);
    expect(await structuredOutputOf('{"a":1}', schema)).toEqual({ a: 1, unit: "m" });
    const error = await structuredOutputOf('{"a":true}', schema).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutputSchemaError);
    expect((error as OutputSchemaError).rawText).toBe('{"a":true}');
    expect((error as OutputSchemaError).issues).toEqual(["a: Expected number, received boolean"]);
  });

  it("from before 3.24 (no Standard Schema) is refused by name, not taken for a JSON Schema", () => {
    const legacy = { _def: { typeName: "ZodObject" }, safeParse: () => ({ success: true, data: {} }) };
    expect(() => outputJsonSchema(legacy)).toThrow(/^outputSchema is a zod schema older than 3\.24.*upgrade zod/);
    expect(() => tool({ name: "legacy", description: "", parameters: legacy, execute: () => "" })).toThrow(
      /^tool legacy: parameters is a zod schema older than 3\.24/,
    );
  });

  it("while zod 4 schemas and plain JSON Schemas still work", () => {
    expect(outputJsonSchema(z.object({ ok: z.boolean() }))).toMatchObject({ type: "object" });
    expect(outputJsonSchema({ type: "object", properties: {} })).toEqual({ type: "object", properties: {} });
  });
});
