/**
 * Checks of the JSON shapes codexkit relies on in what codex (or a file codexkit wrote) sends:
 * an exec event, an app-server answer, a staging marker. They run on every message, so they are
 * plain functions, not a schema library: no module to load at import, nothing allocated when the
 * value fits, and the value is kept as it came (unknown keys stay).
 *
 * A shape returns `undefined` when the value fits, else one issue, `path: message`, naming the
 * first place that does not.
 */
import { isJsonObject } from "./json.js";

/** A check of one JSON value; `T` is the type the value has when it passes. */
export interface Shape<T> {
  (value: unknown, path: string): string | undefined;
  /** Type only: what a value that passes is. */
  readonly __type?: T;
}

/** What a value that passes `S` is. */
export type Infer<S> = S extends Shape<infer T> ? T : never;

type Optional<S> = S extends Shape<infer T> ? (undefined extends T ? true : false) : false;
/** The object type of a shape's fields: fields whose shape allows `undefined` are optional. */
type ObjectOf<F extends Record<string, Shape<unknown>>> = { [K in keyof F as Optional<F[K]> extends true ? K : never]?: Infer<F[K]> } & {
  [K in keyof F as Optional<F[K]> extends true ? never : K]: Infer<F[K]>;
};

function at(path: string, key: string | number): string {
  return path === "" ? String(key) : `${path}.${key}`;
}

function issue(path: string, message: string): string {
  return `${path === "" ? "(root)" : path}: ${message}`;
}

/** `typeof`-style name of a value, for messages. */
function kind(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

function primitive<T>(type: "string" | "number" | "boolean"): Shape<T> {
  return (value, path) => (typeof value === type && (type !== "number" || Number.isFinite(value)) ? undefined : issue(path, `expected ${type}, got ${kind(value)}`));
}

/** A string. */
export const string: Shape<string> = primitive("string");
/** A string of at least one character. */
export const nonEmptyString: Shape<string> = (value, path) => string(value, path) ?? (value === "" ? issue(path, "expected a non-empty string") : undefined);
/** A finite number. */
export const number: Shape<number> = primitive("number");
/** `true` or `false`. */
export const boolean: Shape<boolean> = primitive("boolean");
/** Anything, `undefined` included. */
export const unknown: Shape<unknown> = () => undefined;

/** Exactly `expected` (a string or number). */
export function literal<const T extends string | number>(expected: T): Shape<T> {
  return (value, path) => (value === expected ? undefined : issue(path, `expected ${JSON.stringify(expected)}`));
}

/** One of `values`. */
export function oneOf<const T extends readonly string[]>(values: T): Shape<T[number]> {
  return (value, path) => (typeof value === "string" && values.includes(value) ? undefined : issue(path, `expected one of ${values.join(", ")}`));
}

/** `shape`, or absent (`undefined`). */
export function optional<T>(shape: Shape<T>): Shape<T | undefined> {
  return (value, path) => (value === undefined ? undefined : shape(value, path));
}

/** `shape`, `null` or absent. */
export function nullish<T>(shape: Shape<T>): Shape<T | null | undefined> {
  return (value, path) => (value === undefined || value === null ? undefined : shape(value, path));
}

/** An object (not an array) with at least `fields`; other keys are allowed and kept. */
export function object<F extends Record<string, Shape<unknown>>>(fields: F): Shape<ObjectOf<F>> {
  const entries = Object.entries(fields);
  return (value, path) => {
    if (!isJsonObject(value)) return issue(path, `expected object, got ${kind(value)}`);
    for (const [key, field] of entries) {
      const found = field(value[key], at(path, key));
      if (found !== undefined) return found;
    }
    return undefined;
  };
}

/** An array whose every item fits `item`. */
export function array<T>(item: Shape<T>): Shape<T[]> {
  return (value, path) => {
    if (!Array.isArray(value)) return issue(path, `expected array, got ${kind(value)}`);
    for (let index = 0; index < value.length; index++) {
      const found = item(value[index], at(path, index));
      if (found !== undefined) return found;
    }
    return undefined;
  };
}

/** An object used as a map: every value fits `item`. */
export function record<T>(item: Shape<T>): Shape<Record<string, T>> {
  return (value, path) => {
    if (!isJsonObject(value)) return issue(path, `expected object, got ${kind(value)}`);
    for (const key of Object.keys(value)) {
      const found = item(value[key], at(path, key));
      if (found !== undefined) return found;
    }
    return undefined;
  };
}

/** Whether `value` fits `shape` (a type guard). */
export function fits<T>(shape: Shape<T>, value: unknown): value is T {
  return shape(value, "") === undefined;
}

/** The issue of `value` against `shape`, or `undefined` when it fits. */
export function issueOf(shape: Shape<unknown>, value: unknown): string | undefined {
  return shape(value, "");
}
