/**
 * Errors across the queue: a worker sends the error a turn ended with as plain JSON, and the
 * producer rebuilds the same codexkit class (`instanceof RateLimitError` works on the producer),
 * with its code, message, retryable flag and the class's own fields. Messages were redacted by
 * the worker's client before they got here.
 */
import * as errors from "../errors/index.js";
import { CodexError, type CodexErrorCode } from "../errors/index.js";
import { QueueConnectionError } from "./errors.js";

/** An error as it travels in an event stream. */
export interface WireError {
  name: string;
  code: string;
  message: string;
  retryable: boolean;
  /** The class's own fields (JSON values only). */
  fields?: Record<string, unknown>;
}

type ErrorClass = abstract new (...args: never[]) => CodexError;

/** Every codexkit error class by name. */
const CLASSES: ReadonlyMap<string, ErrorClass> = new Map(
  ([...Object.values(errors), QueueConnectionError] as unknown[])
    .filter((value): value is ErrorClass => typeof value === "function" && (value === CodexError || (value as { prototype: unknown }).prototype instanceof CodexError))
    .map((value) => [value.name, value] as const),
);

const BASE_FIELDS = new Set(["name", "message", "code", "retryable", "stack", "cause"]);

/** `error` as JSON: a codexkit error keeps its class and fields; anything else becomes a CodexError. */
export function toWireError(error: unknown): WireError {
  if (error instanceof CodexError) {
    const fields: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(error)) {
      if (BASE_FIELDS.has(key)) continue;
      try {
        fields[key] = JSON.parse(JSON.stringify(value)) as unknown;
      } catch {
        // A field that is not JSON stays behind.
      }
    }
    return { name: error.name, code: error.code, message: error.message, retryable: error.retryable, fields };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { name: "CodexError", code: "turn_failed", message, retryable: false };
}

/** The error `wire` describes, of its codexkit class when it is one (the base class otherwise). */
export function fromWireError(wire: WireError): CodexError {
  const error = new CodexError(wire.code as CodexErrorCode, wire.message, { retryable: wire.retryable });
  const cls: ErrorClass | undefined = CLASSES.get(wire.name);
  if (cls) Object.setPrototypeOf(error, cls.prototype as object);
  // Fields come from Redis: the base fields and prototype keys are never taken from them.
  for (const [key, value] of Object.entries(wire.fields ?? {})) {
    if (!BASE_FIELDS.has(key) && key !== "__proto__" && key !== "constructor" && key !== "prototype") (error as unknown as Record<string, unknown>)[key] = value;
  }
  error.name = wire.name;
  return error;
}
