/** Formatting for the benchmark report: markdown tables, durations, sizes, ratios, statistics. */

/** A markdown table; columns after the first are right-aligned (they hold numbers). */
export function markdownTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? "").length)));
  const line = (cells: readonly string[]): string =>
    `| ${widths.map((width, column) => (column === 0 ? (cells[column] ?? "").padEnd(width) : (cells[column] ?? "").padStart(width))).join(" | ")} |`;
  const rule = `|${widths.map((width, column) => (column === 0 ? `:${"-".repeat(width + 1)}` : `${"-".repeat(width + 1)}:`)).join("|")}|`;
  return [line(headers), rule, ...rows.map(line)].join("\n");
}

/** Milliseconds, e.g. `1234 ms` or `12.3 ms`. */
export function ms(value: number): string {
  if (!Number.isFinite(value)) return "–";
  return value >= 100 ? `${Math.round(value)} ms` : `${value.toFixed(1)} ms`;
}

/** Bytes as mebibytes, e.g. `83.4 MiB`. */
export function mib(bytes: number): string {
  return Number.isFinite(bytes) ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : "–";
}

/** `value / base` as e.g. `0.42×`; `–` when either is missing. */
export function ratio(value: number | undefined, base: number | undefined): string {
  if (value === undefined || base === undefined || !(base > 0) || !Number.isFinite(value)) return "–";
  return `${(value / base).toFixed(2)}×`;
}

/** Median of `values` (NaN when empty). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** `min–max` of durations, for a feel of the spread. */
export function range(values: readonly number[]): string {
  if (values.length === 0) return "–";
  return `${ms(Math.min(...values))}–${ms(Math.max(...values))}`;
}

/** The cell for a contender that could not run: `n/a (reason)`, one line, short. */
export function notAvailable(reason: string): string {
  const oneLine = reason.replace(/\s+/g, " ").trim();
  return `n/a (${oneLine.length > 90 ? `${oneLine.slice(0, 87)}...` : oneLine})`;
}
