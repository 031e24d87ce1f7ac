/**
 * Standard Schema (`~standard`, standardschema.dev): user schemas are recognized by that shape and
 * validated through it, never through one library's internals, so zod 3.24+, zod 4, valibot,
 * arktype and any other implementation work alike.
 */
import type { SchemaIssue, StandardSchemaV1, Validator } from "./types.js";

/** True when `value` implements Standard Schema (an object or, as arktype's types are, a function). */
export function isStandardSchema(value: unknown): value is StandardSchemaV1 {
  if ((typeof value !== "object" && typeof value !== "function") || value === null) return false;
  const props = (value as { "~standard"?: unknown })["~standard"];
  return typeof props === "object" && props !== null && typeof (props as { validate?: unknown }).validate === "function";
}

/**
 * True for a zod schema too old for Standard Schema (before 3.24): `_def` and `safeParse`, no
 * `~standard`. It must be refused by name, not mistaken for a JSON Schema object.
 */
export function isPreStandardZod(value: unknown): boolean {
  return (
    typeof value === "object" &&
    value !== null &&
    !("~standard" in value) &&
    "_def" in value &&
    typeof (value as { safeParse?: unknown }).safeParse === "function"
  );
}

/** Validates with the schema's own `~standard.validate`, whether it answers at once or with a promise. */
export function standardValidator(schema: StandardSchemaV1): Validator {
  return async (value) => {
    const result = await schema["~standard"].validate(value);
    // The spec: a falsy `issues` means success.
    if (!result.issues) return { success: true, data: result.value };
    return { success: false, error: { issues: result.issues.map(toIssue) } };
  };
}

// Paths hold keys or `{ key }` segments (valibot uses the latter).
function toIssue(issue: StandardSchemaV1.Issue): SchemaIssue {
  const path = (issue.path ?? []).map((segment) => (typeof segment === "object" && segment !== null ? segment.key : segment));
  return { path, message: issue.message };
}
