/**
 * The JSON Schema codex sends to the model for a user's schema. A library's own conversion is
 * used: the Standard JSON Schema interface (`~standard.jsonSchema`: zod 4.2+, arktype,
 * valibot through `toStandardJsonSchema`), else a converter the library itself provides (zod 4's
 * `z.toJSONSchema`, arktype's `.toJsonSchema()`). A schema with neither gets a message that says
 * what to pass instead; codexkit never guesses a schema from a library's internals.
 */
import type { z } from "zod";
import { lazyModule } from "../lazy-require.js";
import { isPreStandardZod, isStandardSchema } from "./standard.js";
import type { JsonSchema, StandardJSONSchemaV1, StandardSchemaV1 } from "./types.js";

/** Which side of a schema to describe: `input` is what may be written (the model calling a tool: defaulted fields optional), `output` what validation yields. */
export type SchemaSide = "input" | "output";

/** A JSON Schema, or why there is none (a sentence that follows the schema's name, e.g. "outputSchema ..."). */
export type JsonSchemaConversion = { ok: true; schema: JsonSchema } | { ok: false; message: string };

/** zod's converter, for zod 4 before 4.2 only: loaded when such a schema is first converted. */
const zod = lazyModule<{ z: typeof z }>("zod");

// The draft zod's own converter defaults to, and one the Standard JSON Schema spec asks every library to support.
const TARGET = "draft-2020-12";

/**
 * The JSON Schema for `schema`, without `$schema`. A plain JSON Schema object is returned as it
 * is; a Standard Schema is converted by its library, for the given side.
 */
export function jsonSchemaOf(schema: StandardSchemaV1 | JsonSchema, side: SchemaSide): JsonSchemaConversion {
  if (!isStandardSchema(schema)) {
    if (isPreStandardZod(schema)) {
      return { ok: false, message: "is a zod schema older than 3.24, which has no Standard Schema support: upgrade zod, or pass a JSON Schema object" };
    }
    return { ok: true, schema };
  }
  const convert = converterOf(schema, side);
  if (!convert) return { ok: false, message: noConverterMessage(schema) };
  let json: unknown;
  try {
    json = convert();
  } catch (error) {
    return { ok: false, message: `cannot be expressed as JSON Schema: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    return { ok: false, message: "was converted to something that is not a JSON Schema object" };
  }
  const { $schema: _draft, ...rest } = json as JsonSchema;
  return { ok: true, schema: rest };
}

function converterOf(schema: StandardSchemaV1, side: SchemaSide): (() => unknown) | undefined {
  const standardJson = (schema["~standard"] as Partial<StandardJSONSchemaV1.Props>).jsonSchema;
  if (typeof standardJson?.[side] === "function") return () => standardJson[side]({ target: TARGET });
  // zod 4 before 4.2: its own converter reads any zod 4 schema.
  if (schema["~standard"].vendor === "zod" && "_zod" in schema) {
    return () => zod().z.toJSONSchema(schema as unknown as z.ZodType, { io: side, target: TARGET });
  }
  // arktype before the Standard JSON Schema interface.
  const arkConvert = (schema as { toJsonSchema?: unknown }).toJsonSchema;
  if (schema["~standard"].vendor === "arktype" && typeof arkConvert === "function") return () => arkConvert.call(schema) as unknown;
  return undefined;
}

function noConverterMessage(schema: StandardSchemaV1): string {
  const vendor = schema["~standard"].vendor;
  if (vendor === "zod") {
    return (
      "is a zod 3 schema, which cannot give its JSON Schema: use a zod 4 schema (zod@^4, or import { z } from \"zod/v4\" with zod 3.25+), " +
      "or keep it and add its JSON Schema with withJsonSchema(schema, zodToJsonSchema(schema)) (zod-to-json-schema), or pass a JSON Schema object"
    );
  }
  if (vendor === "valibot") {
    return "is a valibot schema without JSON Schema: wrap it with toStandardJsonSchema(schema) from @valibot/to-json-schema";
  }
  return (
    `is a ${vendor} schema that gives no JSON Schema (no ~standard.jsonSchema): add one with withJsonSchema(schema, jsonSchema), ` +
    "or pass a JSON Schema object"
  );
}
