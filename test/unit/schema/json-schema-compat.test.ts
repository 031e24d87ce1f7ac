/**
 * JSON Schemas that other tools write are accepted as `@openai/codex-sdk` accepts them: recursive
 * schemas (`$ref: "#"`, as zod 4 and zod-to-json-schema write them), draft-07 and 2019-09 schemas
 * (tuple `items: [...]`, as zod-to-json-schema writes for a tuple), and annotations from OpenAPI or
 * of one's own. Only a near-typo of a real keyword is still refused, with what it likely meant.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { withJsonSchema } from "../../../src/index.js";
import { outputJsonSchema, parseStructuredOutput } from "../../../src/output-schema.js";
import { jsonSchemaProblems, validatorFor, type JsonSchema } from "../../../src/schema/index.js";
import { tool, toToolSpec } from "../../../src/tools/index.js";

async function issuesOf(schema: JsonSchema, value: unknown): Promise<string[]> {
  const result = await validatorFor(schema)!(value);
  if (result.success) return [];
  return result.error.issues.map((issue) => `${issue.path.map(String).join(".")}: ${issue.message}`);
}

describe("recursive schemas", () => {
  // A tree: each node has a name and children that are nodes again.
  const tree: JsonSchema = {
    type: "object",
    properties: { name: { type: "string" }, children: { type: "array", items: { $ref: "#" } } },
    required: ["name"],
  };

  it("a hand-written $ref to the root is accepted, and answers are validated through it", async () => {
    expect(jsonSchemaProblems(tree, "outputSchema")).toEqual([]);
    expect(outputJsonSchema(tree)).toBe(tree);
    expect(await issuesOf(tree, { name: "a", children: [{ name: "b", children: [{ name: "c" }] }] })).toEqual([]);
    expect(await issuesOf(tree, { name: "a", children: [{ name: "b", children: [{ name: 3 }] }] })).toEqual(["children.0.children.0.name: must be string"]);
  });

  it("a zod 4 recursive object (a getter) is accepted as outputSchema", async () => {
    const Category = z.object({
      name: z.string(),
      get subcategories() {
        return z.array(Category);
      },
    });
    const json = outputJsonSchema(Category);
    expect(json).toMatchObject({ properties: { subcategories: { items: { $ref: "#" } } } });
    expect(await parseStructuredOutput('{"name":"a","subcategories":[{"name":"b","subcategories":[]}]}', json)).toEqual({
      name: "a",
      subcategories: [{ name: "b", subcategories: [] }],
    });
    await expect(parseStructuredOutput('{"name":"a","subcategories":[{"subcategories":[]}]}', json)).rejects.toMatchObject({
      issues: ["subcategories.0.name: is required but missing"],
    });
  });

  it("a zod 4 z.lazy schema is accepted as tool parameters", () => {
    type List = { value: number; next?: List };
    const list: z.ZodType<List> = z.lazy(() => z.object({ value: z.number(), next: list.optional() }));
    const spec = toToolSpec(tool({ name: "walk", description: "", parameters: list, execute: () => "" }));
    expect(spec.inputSchema).toMatchObject({ properties: { next: { $ref: "#" } } });
  });

  it("$ids inside schemas do not leak from one schema into the next", () => {
    const inner = { $id: "https://example.test/inner", type: "string" };
    expect(jsonSchemaProblems({ type: "object", properties: { a: inner } }, "outputSchema")).toEqual([]);
    // The same inner $id again, in another schema, is no collision.
    expect(jsonSchemaProblems({ type: "object", properties: { b: { ...inner } } }, "outputSchema")).toEqual([]);
    // And a schema that only refers to it, without holding it, cannot reach the earlier one.
    expect(jsonSchemaProblems({ type: "object", properties: { c: { $ref: "https://example.test/inner" } } }, "outputSchema")).toEqual([
      expect.stringMatching(/^outputSchema: .*https:\/\/example\.test\/inner/),
    ]);
  });
});

describe("draft-07 and 2019-09 schemas", () => {
  // What zod-to-json-schema gives for z.object({ t: z.tuple([z.string(), z.number()]) }), by default
  // (draft-07) and with { target: "openAi" } (2019-09, nullable as a type list).
  const tuple = { type: "array", minItems: 2, maxItems: 2, items: [{ type: "string" }, { type: "number" }] };
  const draft07: JsonSchema = {
    type: "object",
    properties: { t: tuple },
    required: ["t"],
    additionalProperties: false,
    $schema: "http://json-schema.org/draft-07/schema#",
  };
  const openAi: JsonSchema = {
    type: "object",
    properties: { t: tuple, n: { type: ["string", "null"] } },
    required: ["t", "n"],
    additionalProperties: false,
    $schema: "https://json-schema.org/draft/2019-09/schema#",
  };

  it.each<[string, JsonSchema, Record<string, unknown>]>([
    ["draft-07", draft07, {}],
    ["2019-09 (zod-to-json-schema's openAi target)", openAi, { n: null }],
  ])("a %s schema with tuple items is accepted, and its tuple checked as such", async (_name, schema, rest) => {
    expect(jsonSchemaProblems(schema, "outputSchema")).toEqual([]);
    expect(outputJsonSchema(schema)).toBe(schema);
    expect(await issuesOf(schema, { t: ["a", 1], ...rest })).toEqual([]);
    expect(await issuesOf(schema, { t: [1, "a"], ...rest })).toEqual(["t.0: must be string", "t.1: must be number"]);
  });

  it("draft-04 and draft-06 schemas are read as draft-07", () => {
    for (const $schema of ["http://json-schema.org/draft-04/schema#", "http://json-schema.org/draft-06/schema#"]) {
      expect(jsonSchemaProblems({ $schema, type: "array", items: [{ type: "string" }] }, "outputSchema")).toEqual([]);
    }
  });

  it("tuple items without $schema (a converter's output, whose $schema is dropped) are read as the older drafts wrote them", () => {
    const { $schema: _draft, ...rest } = openAi;
    expect(jsonSchemaProblems(rest, "outputSchema")).toEqual([]);
    const zodWithItsOldJson = withJsonSchema(z.object({ t: z.tuple([z.string(), z.number()]), n: z.string().nullable() }), openAi);
    expect(outputJsonSchema(zodWithItsOldJson)).toEqual(rest);
    expect(toToolSpec(tool({ name: "t", description: "", parameters: zodWithItsOldJson, execute: () => "" })).inputSchema).toEqual(rest);
  });

  it("an older draft's schema is still checked, with paths", () => {
    expect(jsonSchemaProblems({ ...draft07, properties: { t: { type: "strin" } } }, "outputSchema")).toEqual([
      'outputSchema.properties.t.type: "strin" is not a JSON Schema type; use one of "string", "number", "integer", "boolean", "object", "array", "null"',
    ]);
    expect(jsonSchemaProblems({ ...draft07, properties: { t: { items: "string" } } }, "outputSchema")).toEqual([
      expect.stringContaining("outputSchema.properties.t.items: must be"),
    ]);
    expect(jsonSchemaProblems({ ...draft07, requird: ["t"] }, "outputSchema")).toEqual([
      expect.stringContaining('outputSchema.requird: "requird" is not a JSON Schema keyword (did you mean "required"?)'),
    ]);
  });
});

describe("keywords JSON Schema does not define", () => {
  it.each<[string, JsonSchema]>([
    ["OpenAPI's example", { type: "string", example: "x" }],
    ["OpenAPI's nullable", { type: "string", nullable: true }],
    ["OpenAPI's xml and externalDocs", { type: "string", xml: { name: "n" }, externalDocs: { url: "https://example.test" } }],
    ["OpenAPI's discriminator", { oneOf: [{ type: "string" }, { type: "number" }], discriminator: { propertyName: "kind" } }],
    ["one of a tool's own, not close to any keyword", { type: "string", tsType: "Brand", widget: "textarea" }],
    ["an editor's, that adds a word to a keyword", { enum: ["a", "x"], enumDescriptions: ["A", "X"], defaultSnippets: [], propertyOrder: 1 }],
  ])("%s is an annotation: accepted, and ignored when validating", async (_name, property) => {
    const schema: JsonSchema = { type: "object", properties: { a: property }, required: ["a"], example: { a: "x" } };
    expect(jsonSchemaProblems(schema, "outputSchema")).toEqual([]);
    expect(outputJsonSchema(schema)).toBe(schema);
    expect(await issuesOf(schema, { a: "x" })).toEqual([]);
    expect(await issuesOf(schema, {})).toEqual(["a: is required but missing"]);
  });

  it("a near-typo of a real keyword is still refused, naming the path and what it likely meant", () => {
    const problems = jsonSchemaProblems({ type: "object", propertys: { a: { type: "string", example: "x", maxLenght: 3 } }, requird: ["a"] }, "outputSchema");
    expect(problems).toEqual(
      expect.arrayContaining([
        'outputSchema.propertys: "propertys" is not a JSON Schema keyword (did you mean "properties"?); a note of your own may be named "x-propertys"',
        'outputSchema.requird: "requird" is not a JSON Schema keyword (did you mean "required"?); a note of your own may be named "x-requird"',
      ]),
    );
    expect(problems).toHaveLength(2);
    expect(jsonSchemaProblems({ type: "object", properties: { a: { type: "string", maxLenght: 3 } } }, "outputSchema")).toEqual([
      'outputSchema.properties.a.maxLenght: "maxLenght" is not a JSON Schema keyword (did you mean "maxLength"?); a note of your own may be named "x-maxLenght"',
    ]);
  });
});
