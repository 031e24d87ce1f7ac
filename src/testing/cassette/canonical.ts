/**
 * Canonical JSON for cassette files: object keys sorted at every depth, so the same value always
 * gives the same text (stable files, readable diffs, and equality by string comparison).
 */
import { createHash } from "node:crypto";

/** `value` as JSON text with every object's keys sorted; `undefined` members are left out, as JSON.stringify does. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

/** A copy of a JSON-like value with every object's keys in sorted order. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((entry) => sortKeys(entry));
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const entry = (value as Record<string, unknown>)[key];
    // defineProperty, so a "__proto__" key read from JSON stays a key instead of setting the prototype.
    if (entry !== undefined) Object.defineProperty(out, key, { value: sortKeys(entry), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** A short content hash of a JSON-like value (`sha256:` and 16 hex digits), the same for equal values whatever their key order. */
export function jsonHash(value: unknown): string {
  return `sha256:${createHash("sha256").update(canonicalJson(value)).digest("hex").slice(0, 16)}`;
}
