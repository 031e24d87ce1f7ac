/**
 * JSON Schemas are checked before codex is asked (ajv: draft 2020-12, or the older draft a schema names): a typo in a type or a
 * keyword, or a non-object root for structured output, is an error that names the path inside the
 * schema, whether the schema is written by hand or produced by a Standard Schema library. Answers
 * are validated against a plain JSON Schema by the same compiled validator.
 */
import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { InvalidOptionsError, OutputSchemaError, ToolError, withJsonSchema } from "../../../src/index.js";
import type { OutputSchema } from "../../../src/options/index.js";
import { outputJsonSchema, parseStructuredOutput, structuredOutputOf } from "../../../src/output-schema.js";
import { jsonSchemaProblems, validatorFor, type JsonSchema, type StandardSchemaV1 } from "../../../src/schema/index.js";
import { tool, toToolSpec } from "../../../src/tools/index.js";

function outputProblem(schema: unknown): InvalidOptionsError {
  try {
    outputJsonSchema(schema as OutputSchema);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOptionsError);
    return error as InvalidOptionsError;
  }
  throw new Error("expected an InvalidOptionsError");
}

/** A Standard Schema whose library gives `json` as its JSON Schema (as a converter would). */
function convertedTo(json: JsonSchema, onConvert: () => void = () => undefined): StandardSchemaV1 {
  return {
    "~standard": {
      version: 1,
      vendor: "handmade",
      validate: (value: unknown) => ({ value }),
      jsonSchema: {
        input: () => json,
        output: () => {
          onConvert();
          return { $schema: "https://json-schema.org/draft/2020-12/schema", ...json };
        },
      },
    },
  } as StandardSchemaV1;
}

const object = (properties: Record<string, unknown>): JsonSchema => ({ type: "object", properties });

describe("an invalid JSON Schema as outputSchema", () => {
  it("a misspelt root type names the path and the types there are", () => {
    const error = outputProblem({ type: "objekt" });
    expect(error.message).toBe(
      'outputSchema is not a valid JSON Schema: outputSchema.type: "objekt" is not a JSON Schema type; ' +
        'use one of "string", "number", "integer", "boolean", "object", "array", "null"',
    );
  });

  it("a misspelt nested type names its path inside the schema", () => {
    const error = outputProblem(object({ name: { type: "strin" } }));
    expect(error.message).toContain('outputSchema.properties.name.type: "strin" is not a JSON Schema type');
  });

  it("a keyword with a value of the wrong kind says what it must be and what it is", () => {
    expect(outputProblem(object({ a: { type: "string", minLength: "3" } })).message).toContain(
      'outputSchema.properties.a.minLength: must be an integer (it is "3")',
    );
    expect(outputProblem({ type: "object", required: "a" }).message).toContain('outputSchema.required: must be an array (it is "a")');
    expect(outputProblem({ type: "object", items: "string" }).message).toContain("outputSchema.items: must be an object or a boolean");
  });

  it("an unknown keyword is named with its path and the keyword it likely meant", () => {
    const error = outputProblem({ type: "object", properties: { a: { type: "string", maxLenght: 3 } }, requird: ["a"] });
    expect(error.message).toContain('outputSchema.requird: "requird" is not a JSON Schema keyword (did you mean "required"?)');
    expect(error.message).toContain('outputSchema.properties.a.maxLenght: "maxLenght" is not a JSON Schema keyword (did you mean "maxLength"?)');
  });

  it("a $ref that leads nowhere is refused", () => {
    expect(outputProblem(object({ a: { $ref: "#/$defs/missing" } })).message).toMatch(/^outputSchema is not a valid JSON Schema: .*#\/\$defs\/missing/);
  });

  it("an invalid JSON Schema from a Standard Schema library's converter is refused the same way", () => {
    expect(outputProblem(convertedTo(object({ when: { type: "date" } }))).message).toContain('outputSchema.properties.when.type: "date" is not a JSON Schema type');
    const zodWithBadJson = withJsonSchema(z.object({ a: z.string() }), object({ a: { type: "strin" } }));
    expect(outputProblem(zodWithBadJson).message).toContain("outputSchema.properties.a.type");
  });
});

describe("the root of an output schema", () => {
  it("a zod schema that is not an object is refused, with the wrapping to use", () => {
    const error = outputProblem(z.string());
    expect(error.message).toBe(
      'outputSchema must describe an object: its root has type "string", and the Responses API needs type "object" at the root. ' +
        "Wrap it in an object, e.g. z.object({ value: z.string() }), and read structuredOutput.value",
    );
  });

  it("a plain JSON Schema that is not an object, or has no type, is refused", () => {
    expect(outputProblem({ type: "string" }).message).toMatch(/^outputSchema must describe an object: its root has type "string".*type: "object", properties: \{ value:/);
    expect(outputProblem({}).message).toMatch(/^outputSchema must describe an object: its root has no type/);
    expect(outputProblem({ type: ["object", "null"] }).message).toMatch(/its root has type \["object","null"\]/);
  });
});

describe("valid JSON Schemas pass unchanged", () => {
  it.each<[string, JsonSchema]>([
    ["formats, patterns and annotations", object({ email: { type: "string", format: "email", pattern: "@", description: "d", examples: ["a@b"] } })],
    ["an annotation of one's own under x-", { ...object({ a: { type: "string", "x-ui": "wide" } }), "x-owner": "me" }],
    ["another draft's $schema", { $schema: "http://json-schema.org/draft-07/schema#", ...object({ a: { type: "string" } }) }],
    ["$defs with a $ref, and definitions", { ...object({ a: { $ref: "#/$defs/name" } }), $defs: { name: { type: "string" } }, definitions: {} }],
    ["defaults inside alternatives", object({ pick: { anyOf: [object({ n: { type: "number", default: 1 } }), { type: "null" }] } })],
    ["a property named like a keyword", object({ type: { type: "string" }, requird: { type: "string" } })],
  ])("%s", (_name, schema) => {
    expect(outputJsonSchema(schema)).toBe(schema);
    expect(jsonSchemaProblems(schema, "outputSchema")).toEqual([]);
  });

  it("the same $id in two schemas is fine (nothing is shared between them)", () => {
    expect(() => outputJsonSchema({ $id: "https://example.test/s", ...object({ a: { type: "string" } }) })).not.toThrow();
    expect(() => outputJsonSchema({ $id: "https://example.test/s", ...object({ b: { type: "number" } }) })).not.toThrow();
  });

  it("is checked once per schema object: the library converts once however many turns ask", () => {
    const convert = vi.fn();
    const schema = convertedTo(object({ a: { type: "string" } }), convert);
    expect(outputJsonSchema(schema)).toEqual(object({ a: { type: "string" } }));
    outputJsonSchema(schema);
    outputJsonSchema(schema);
    expect(convert).toHaveBeenCalledTimes(1);
    const bad = convertedTo({ type: "objekt" }, convert);
    expect(() => outputJsonSchema(bad)).toThrow(InvalidOptionsError);
    expect(() => outputJsonSchema(bad)).toThrow(InvalidOptionsError);
    expect(convert).toHaveBeenCalledTimes(2);
  });
});

describe("an invalid JSON Schema as tool parameters", () => {
  const define = (parameters: unknown) => () => tool({ name: "t", description: "", parameters: parameters as JsonSchema, execute: () => "" });

  it("a plain JSON Schema with a misspelt nested type is a ToolError naming the path", () => {
    expect(define(object({ q: { type: "strin" } }))).toThrow(ToolError);
    expect(define(object({ q: { type: "strin" } }))).toThrow(/^tool t: parameters is not a valid JSON Schema: parameters\.properties\.q\.type: "strin" is not a JSON Schema type/);
    expect(define({ type: "object", properties: {}, requird: [] })).toThrow(/parameters\.requird: "requird" is not a JSON Schema keyword/);
  });

  it("a Standard Schema whose converter gives an invalid JSON Schema is refused too", () => {
    expect(define(convertedTo(object({ q: { type: "strin" } })))).toThrow(/parameters\.properties\.q\.type/);
  });

  it("a valid one is announced as it was written", () => {
    const parameters = object({ q: { type: "string", "x-hint": "query" } });
    expect(toToolSpec(define(parameters)()).inputSchema).toEqual(parameters);
  });
});

describe("answers validated against a plain JSON Schema (ajv)", () => {
  const schema: JsonSchema = {
    type: "object",
    properties: { kind: { enum: ["a", "b"] }, n: { type: "integer", default: 7 }, tags: { type: "array", items: { type: "string" } } },
    required: ["kind"],
    additionalProperties: false,
    if: { properties: { kind: { const: "b" } } },
    then: { required: ["tags"] },
  };

  it("names each problem by its path, in plain words", async () => {
    const error: unknown = await parseStructuredOutput('{"n":1.5,"tags":[1],"extra":true}', schema).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutputSchemaError);
    expect((error as OutputSchemaError).issues).toEqual(
      expect.arrayContaining(["kind: is required but missing", "extra: is not allowed by the schema", "n: must be integer", "tags.0: must be string"]),
    );
  });

  it("checks what zod could not express (if/then), and fills in defaults", async () => {
    await expect(parseStructuredOutput('{"kind":"b"}', schema)).rejects.toMatchObject({ issues: ["tags: is required but missing"] });
    expect(await parseStructuredOutput('{"kind":"a"}', schema)).toEqual({ kind: "a", n: 7 });
    expect(await structuredOutputOf('{"kind":"b"}', schema)).toBeUndefined();
  });

  it("validates a copy: the value handed in is left as it was", async () => {
    const value = { kind: "a" };
    expect(await validatorFor(schema)!(value)).toEqual({ success: true, data: { kind: "a", n: 7 } });
    expect(value).toEqual({ kind: "a" });
  });
});
