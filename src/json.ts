/** Values read from the wire or from callers, checked before use: the one plain-object test. */

/** A JSON object as read: fields are unknown until checked. */
export type JsonObject = Record<string, unknown>;

/** True for a plain object: not null, not an array. */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `value` when it is a plain object, else null. */
export function asJsonObject(value: unknown): JsonObject | null {
  return isJsonObject(value) ? value : null;
}
