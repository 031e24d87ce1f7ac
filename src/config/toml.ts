/**
 * Turns a nested config object into codex `--config key=value` overrides, each value a TOML
 * literal, exactly as `@openai/codex-sdk` does (so the same `config` yields the same argv).
 */
import { InvalidOptionsError } from "../errors/index.js";
import { isJsonObject } from "../json.js";
import type { CodexConfigObject, CodexConfigValue } from "../options/index.js";

export type { CodexConfigObject, CodexConfigValue };

const BARE_KEY = /^[A-Za-z0-9_-]+$/;

/** Flattens `config` into `path=value` strings, in insertion order. */
export function flattenConfig(config: unknown): string[] {
  if (!isPlainObject(config)) throw new InvalidOptionsError("config must be a plain object");
  const out: string[] = [];
  flatten(config, "", out);
  return out;
}

function flatten(value: Record<string, unknown>, prefix: string, out: string[]): void {
  const entries = Object.entries(value);
  if (prefix && entries.length === 0) {
    out.push(`${prefix}={}`);
    return;
  }
  for (const [key, child] of entries) {
    if (!key) throw new InvalidOptionsError("config keys must be non-empty strings");
    if (child === undefined) continue;
    const dotted = prefix ? `${prefix}.${key}` : key;
    if (isPlainObject(child)) flatten(child, dotted, out);
    else out.push(`${dotted}=${toTomlValue(child, dotted)}`);
  }
}

/** Renders one value as a TOML literal; `at` names it in errors. */
export function toTomlValue(value: unknown, at: string): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new InvalidOptionsError(`config value at ${at} must be a finite number`);
    return `${value}`;
  }
  if (typeof value === "boolean") return value ? "true" : "false";
  if (Array.isArray(value)) return `[${value.map((item, i) => toTomlValue(item, `${at}[${i}]`)).join(", ")}]`;
  if (isPlainObject(value)) {
    const parts: string[] = [];
    for (const [key, child] of Object.entries(value)) {
      if (!key) throw new InvalidOptionsError("config keys must be non-empty strings");
      if (child === undefined) continue;
      parts.push(`${BARE_KEY.test(key) ? key : JSON.stringify(key)} = ${toTomlValue(child, `${at}.${key}`)}`);
    }
    return `{${parts.join(", ")}}`;
  }
  if (value === null) throw new InvalidOptionsError(`config value at ${at} cannot be null`);
  throw new InvalidOptionsError(`config value at ${at} has unsupported type ${typeof value}`);
}

/** True for `{...}` objects (not arrays, not null). */
export const isPlainObject = isJsonObject;
