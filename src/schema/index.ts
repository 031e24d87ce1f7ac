/**
 * Schemas, in one place for tools and structured output alike: telling a zod schema from a JSON
 * Schema, turning either into the JSON Schema codex sends to the model, and validating values
 * against either (zod directly; a JSON Schema through zod's converter), with converters cached.
 */
import { z } from "zod";

/** The part of a zod schema codexkit relies on. */
export interface ZodLike<T> {
  /** Checks `value` against the schema without throwing. */
  safeParse(value: unknown):
    | {
        /** The value matched. */
        success: true;
        /** The parsed value. */
        data: T;
      }
    | {
        /** The value did not match. */
        success: false;
        /** Why it did not match. */
        error: {
          /** The problems found. */
          issues: ReadonlyArray<SchemaIssue>;
        };
      };
  /** zod's internals; their presence marks a zod schema. */
  readonly _zod: unknown;
}

/** One problem a validator found: where, and what. */
export type SchemaIssue = {
  /** The path to the value at fault (empty for the value itself). */
  path: ReadonlyArray<PropertyKey>;
  /** What is wrong with it. */
  message: string;
};

/** A JSON Schema object. */
export type JsonSchema = Record<string, unknown>;

/** The outcome of a validation. */
export type SchemaResult = { success: true; data: unknown } | { success: false; error: { issues: ReadonlyArray<SchemaIssue> } };

/** Validates a value, asynchronously so async refinements work. */
export type Validator = (value: unknown) => Promise<SchemaResult>;

/**
 * True for a zod 3 schema (`_def` and `safeParse`, no zod 4 internals). codexkit converts schemas
 * with zod 4's JSON Schema support, which cannot read zod 3 schemas, so they are refused by name
 * instead of being mistaken for a plain JSON Schema object.
 */
export function isZod3Schema(schema: unknown): boolean {
  return typeof schema === "object" && schema !== null && !("_zod" in schema) && "_def" in schema && typeof (schema as { safeParse?: unknown }).safeParse === "function";
}

/** Why a zod 3 schema cannot be used, for the error `where` names. */
export function zod3Message(where: string): string {
  return `${where} is a zod 3 schema; codexkit needs zod 4 schemas (install zod@^4, or with zod 3.25+ import { z } from "zod/v4")`;
}

/** True when `schema` is a zod schema (v4). */
export function isZodSchema(schema: unknown): schema is ZodLike<unknown> {
  return typeof schema === "object" && schema !== null && "_zod" in schema && typeof (schema as { safeParse?: unknown }).safeParse === "function";
}

/**
 * The JSON Schema for `schema` (a zod schema is converted; `io: "input"` describes what may be
 * written, e.g. by the model calling a tool, so defaulted fields are optional). Throws what zod
 * throws for a schema JSON Schema cannot express; `$schema` is left out.
 */
export function toJsonSchema(schema: ZodLike<unknown> | JsonSchema, options: { io?: "input" | "output" } = {}): JsonSchema {
  if (!isZodSchema(schema)) return schema;
  const json = z.toJSONSchema(schema as unknown as z.ZodType, options.io ? { io: options.io } : {}) as JsonSchema;
  delete json.$schema;
  return json;
}

const validators = new WeakMap<object, Validator | null>();

/**
 * A validator for `schema`, cached per schema object: a zod schema validates itself; a JSON Schema
 * goes through `z.fromJSONSchema`. Null when zod cannot express the JSON Schema (codex still gets
 * the schema; the caller decides what checking is left).
 */
export function validatorFor(schema: ZodLike<unknown> | JsonSchema): Validator | null {
  if (validators.has(schema)) return validators.get(schema) ?? null;
  const validator = buildValidator(schema);
  validators.set(schema, validator);
  return validator;
}

function buildValidator(schema: ZodLike<unknown> | JsonSchema): Validator | null {
  let parser: ZodLike<unknown>;
  if (isZodSchema(schema)) {
    parser = schema;
  } else {
    try {
      parser = z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]) as unknown as ZodLike<unknown>;
    } catch {
      return null;
    }
  }
  const parseAsync = (parser as ZodLike<unknown> & { safeParseAsync?: Validator }).safeParseAsync;
  if (typeof parseAsync === "function") return (value) => parseAsync.call(parser, value);
  return async (value) => parser.safeParse(value);
}

/** Issues as one line: `path: message; ...` (`(root)` for the top). */
export function formatIssues(issues: ReadonlyArray<SchemaIssue>): string[] {
  return issues.map((issue) => `${issue.path.map(String).join(".") || "(root)"}: ${issue.message}`);
}
