/** Token usage arithmetic: per-turn usage from cumulative totals, and running totals. */
import type { Usage } from "./events.js";

const FIELDS = [
  "input_tokens",
  "cached_input_tokens",
  "cache_write_input_tokens",
  "output_tokens",
  "reasoning_output_tokens",
] as const;

/** Usage with every count at zero. */
export function emptyUsage(): Usage {
  return { input_tokens: 0, cached_input_tokens: 0, cache_write_input_tokens: 0, output_tokens: 0, reasoning_output_tokens: 0 };
}

/** Reads a usage object leniently: missing or non-numeric counts become 0. */
export function toUsage(value: unknown): Usage {
  const out = emptyUsage();
  if (value && typeof value === "object") {
    for (const field of FIELDS) {
      const n = (value as Record<string, unknown>)[field];
      if (typeof n === "number" && Number.isFinite(n)) out[field] = n;
    }
  }
  return out;
}

/** `a + b`, field by field. */
export function addUsage(a: Usage, b: Usage): Usage {
  const out = emptyUsage();
  for (const field of FIELDS) out[field] = a[field] + b[field];
  return out;
}

/**
 * `total - previous`, field by field, never below zero. When a count went down (codex reset its
 * total, e.g. after compaction), the new total is this turn's usage for that count.
 */
export function usageSince(total: Usage, previous: Usage): Usage {
  const out = emptyUsage();
  for (const field of FIELDS) {
    const diff = total[field] - previous[field];
    out[field] = diff >= 0 ? diff : total[field];
  }
  return out;
}
