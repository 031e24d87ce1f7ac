/**
 * The schema vocabulary shared by tools and structured output: what a user may pass (any Standard
 * Schema, or a JSON Schema object) and what validating it yields.
 */
import type { StandardJSONSchemaV1, StandardSchemaV1 } from "@standard-schema/spec";

export type { StandardJSONSchemaV1, StandardSchemaV1 };

/** A JSON Schema object. */
export type JsonSchema = Record<string, unknown>;

/**
 * A schema whose validated output is `T`.
 * @deprecated Any Standard Schema is accepted (zod 3.24+, zod 4, valibot, arktype, ...); use `StandardSchemaV1`.
 */
export type ZodLike<T> = StandardSchemaV1<unknown, T>;

/** One problem a validator found: where, and what. */
export type SchemaIssue = {
  /** The path to the value at fault (empty for the value itself). */
  path: ReadonlyArray<PropertyKey>;
  /** What is wrong with it. */
  message: string;
};

/** The outcome of a validation. */
export type SchemaResult = { success: true; data: unknown } | { success: false; error: { issues: ReadonlyArray<SchemaIssue> } };

/** Validates a value, asynchronously so async refinements work. */
export type Validator = (value: unknown) => Promise<SchemaResult>;
