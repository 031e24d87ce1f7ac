import { describe, expect, it } from "vitest";
import { z } from "zod";
import { CodexError, InvalidOptionsError, OutputSchemaError } from "../../src/errors/index.js";
import type { OutputSchema } from "../../src/options/index.js";
import { outputJsonSchema as toJsonSchema, parseStructuredOutput, structuredOutputOf } from "../../src/output-schema.js";
import { isStandardSchema } from "../../src/schema/index.js";

async function outputError(fn: () => Promise<unknown>): Promise<OutputSchemaError> {
  try {
    await fn();
  } catch (error) {
    expect(error).toBeInstanceOf(OutputSchemaError);
    expect(error).toBeInstanceOf(CodexError);
    expect((error as OutputSchemaError).code).toBe("output_schema_mismatch");
    return error as OutputSchemaError;
  }
  throw new Error("expected an OutputSchemaError");
}

const zodSchema = z.object({
  summary: z.string(),
  count: z.number().int(),
  tags: z.array(z.string()).optional(),
  items: z.array(z.object({ name: z.string() })).default([]),
});

const jsonSchema = {
  type: "object",
  properties: {
    summary: { type: "string" },
    count: { type: "integer" },
    items: { type: "array", items: { type: "object", properties: { name: { type: "string" } }, required: ["name"] } },
  },
  required: ["summary", "count"],
  additionalProperties: false,
};

describe("isStandardSchema", () => {
  it("recognizes schemas by their ~standard.validate, not by any library's internals", () => {
    expect(isStandardSchema(zodSchema)).toBe(true);
    expect(isStandardSchema(z.string())).toBe(true);
    expect(isStandardSchema({ "~standard": { version: 1, vendor: "mine", validate: () => ({ value: 1 }) } })).toBe(true);
    expect(isStandardSchema(jsonSchema)).toBe(false);
    expect(isStandardSchema({ safeParse: () => ({ success: true, data: 1 }) })).toBe(false);
    expect(isStandardSchema({ _zod: {}, safeParse: () => ({ success: true, data: 1 }) })).toBe(false);
    expect(isStandardSchema({ "~standard": { validate: "no" } })).toBe(false);
    expect(isStandardSchema({ "~standard": null })).toBe(false);
    expect(isStandardSchema(null)).toBe(false);
    expect(isStandardSchema("schema")).toBe(false);
  });
});

describe("toJsonSchema", () => {
  it("converts a zod object to a JSON Schema without $schema", () => {
    const json = toJsonSchema(z.object({ a: z.string(), b: z.number().optional() }));
    expect(json).not.toHaveProperty("$schema");
    expect(json).toMatchObject({
      type: "object",
      properties: { a: { type: "string" }, b: { type: "number" } },
      required: ["a"],
      additionalProperties: false,
    });
  });

  it("converts nested zod objects", () => {
    const json = toJsonSchema(zodSchema) as { properties: Record<string, { type?: string; items?: unknown }> };
    expect(json.properties.items?.type).toBe("array");
    expect(json.properties.items?.items).toMatchObject({ type: "object", required: ["name"], additionalProperties: false });
    expect(json.properties.count?.type).toBe("integer");
  });

  it("passes a plain JSON Schema object through unchanged", () => {
    expect(toJsonSchema(jsonSchema)).toBe(jsonSchema);
    // An empty schema has no object root: refused (see test/unit/schema/json-schema-check.test.ts).
    expect(() => toJsonSchema({})).toThrow(InvalidOptionsError);
  });

  it.each([null, undefined, "object", 42, true, [], [{ type: "object" }]])("rejects %j with InvalidOptionsError", (schema) => {
    expect(() => toJsonSchema(schema as unknown as OutputSchema)).toThrow(InvalidOptionsError);
  });

  it("rejects a zod schema that JSON Schema cannot represent with InvalidOptionsError", () => {
    expect(() => toJsonSchema(z.object({ when: z.date() }))).toThrow(InvalidOptionsError);
  });
});

describe("parseStructuredOutput", () => {
  it("returns the parsed value when it matches a zod schema (with zod's output applied)", async () => {
    expect(await parseStructuredOutput('{"summary":"ok","count":2}', zodSchema)).toEqual({ summary: "ok", count: 2, items: [] });
    const transformed = z.object({ n: z.string().transform((s) => s.length) });
    expect(await parseStructuredOutput('{"n":"abcd"}', transformed)).toEqual({ n: 4 });
  });

  it("returns the parsed value when it matches a plain JSON Schema", async () => {
    const text = '{"summary":"ok","count":3,"items":[{"name":"a"}]}';
    expect(await parseStructuredOutput(text, jsonSchema)).toEqual({ summary: "ok", count: 3, items: [{ name: "a" }] });
    // Twice: the converted validator is cached per schema object.
    expect(await parseStructuredOutput(text, jsonSchema)).toEqual({ summary: "ok", count: 3, items: [{ name: "a" }] });
  });

  it.each(["", "not json", '{"summary":', "```json\n{}\n```", "{'a': 1}"])("rejects non-JSON %j keeping the raw text", async (text) => {
    for (const schema of [zodSchema, jsonSchema] as OutputSchema[]) {
      const error = await outputError(() => parseStructuredOutput(text, schema));
      expect(error.rawText).toBe(text);
      expect(error.issues).toEqual(["not valid JSON"]);
      expect(error.message).toContain("not JSON");
    }
  });

  it("reports the path of a zod mismatch", async () => {
    const text = '{"summary":"ok","count":1,"items":[{"name":"a"},{"name":7}]}';
    const error = await outputError(() => parseStructuredOutput(text, zodSchema));
    expect(error.rawText).toBe(text);
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]).toMatch(/^items\.1\.name: /);
    expect(error.message).toContain("items.1.name");
  });

  it("reports every issue, including missing fields", async () => {
    const error = await outputError(() => parseStructuredOutput('{"count":1.5}', zodSchema));
    expect(error.issues.some((issue) => issue.startsWith("summary: "))).toBe(true);
    expect(error.issues.some((issue) => issue.startsWith("count: "))).toBe(true);
  });

  it("reports the path of a JSON Schema mismatch", async () => {
    const text = '{"summary":5,"count":1}';
    const error = await outputError(() => parseStructuredOutput(text, jsonSchema));
    expect(error.rawText).toBe(text);
    expect(error.issues.some((issue) => issue.startsWith("summary: "))).toBe(true);
  });

  it("rejects extra properties when the JSON Schema forbids them", async () => {
    const error = await outputError(() => parseStructuredOutput('{"summary":"s","count":1,"extra":true}', jsonSchema));
    expect(error.issues.join(" ")).toContain("extra");
  });

  it("names the root when the whole value is wrong", async () => {
    const error = await outputError(() => parseStructuredOutput("[1,2]", zodSchema));
    expect(error.issues[0]).toMatch(/^\(root\): /);
  });

  it("checks every draft 2020-12 keyword of a plain JSON Schema, if/then included", async () => {
    const conditional = { type: "object", if: { required: ["a"] }, then: { required: ["b"] } };
    expect(await parseStructuredOutput('{"anything":1}', conditional)).toEqual({ anything: 1 });
    expect(await parseStructuredOutput('{"a":1,"b":2}', conditional)).toEqual({ a: 1, b: 2 });
    const missing = await outputError(() => parseStructuredOutput('{"a":1}', conditional));
    expect(missing.issues).toEqual(["b: is required but missing"]);
    const error = await outputError(() => parseStructuredOutput("nope", conditional));
    expect(error.rawText).toBe("nope");
  });
});

describe("structuredOutputOf", () => {
  it("never throws because of the answer with a plain JSON Schema (as the official SDK)", async () => {
    expect(await structuredOutputOf("not json", jsonSchema)).toBeUndefined();
    expect(await structuredOutputOf('{"summary":5,"count":1}', jsonSchema)).toBeUndefined();
    expect(await structuredOutputOf('{"summary":"s","count":1}', jsonSchema)).toEqual({ summary: "s", count: 1 });
  });

  it("throws OutputSchemaError with a zod schema, the opt-in to strictness", async () => {
    const error = await outputError(() => structuredOutputOf("not json", zodSchema));
    expect(error.rawText).toBe("not json");
    expect(await structuredOutputOf('{"summary":"s","count":1}', zodSchema)).toEqual({ summary: "s", count: 1, items: [] });
  });
});
