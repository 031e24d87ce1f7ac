/**
 * The short diff a `CassetteMismatchError` shows: each request view rendered as one line per
 * setting, tool and input item, compared line by line (longest common subsequence), and only
 * the changed lines shown, each cut to a window around its first difference.
 */
import { canonicalJson } from "./canonical.js";
import { toolKey, type RequestView, type ViewItem, type ViewTool } from "./normalize.js";

/** How many changed lines a diff shows before it says how many more there are. */
export const DIFF_MAX_LINES = 16;

/** How many characters of a line a diff shows. */
export const DIFF_LINE_WIDTH = 160;

/** A view as lines: model, reasoning and text settings, one line per tool, one per input item. */
export function viewLines(view: RequestView, tools: readonly ViewTool[] | undefined): string[] {
  const lines: string[] = [];
  if (view.model !== undefined) lines.push(`model: ${view.model}`);
  if (view.reasoning !== undefined) lines.push(`reasoning: ${canonicalJson(view.reasoning)}`);
  if (view.text !== undefined) lines.push(`text: ${canonicalJson(view.text)}`);
  if (tools === undefined) lines.push(`tools: ${view.tools}`);
  else for (const tool of tools) lines.push(`tool ${toolKey(tool)}: ${canonicalJson(withoutName(tool))}`);
  view.input.forEach((item, index) => lines.push(`input[${index}] ${itemLine(item)}`));
  return lines;
}

function withoutName(tool: ViewTool): ViewTool {
  const { name: _name, namespace: _namespace, ...rest } = tool;
  return rest;
}

/** One input item as a readable line: `user: text`, `function_call #1 exec_command {...}`, `function_call_output #1: ...`. */
function itemLine(item: ViewItem): string {
  const text = (value: unknown): string => (typeof value === "string" ? JSON.stringify(value) : canonicalJson(value));
  switch (item.type) {
    case "message":
      return `${String(item.role)}: ${text(item.content)}`;
    case "function_call":
      return `function_call ${String(item.call)} ${typeof item.namespace === "string" ? `${item.namespace}/` : ""}${String(item.name)} ${text(item.arguments)}`;
    case "function_call_output":
    case "custom_tool_call_output":
      return `${item.type} ${String(item.call)}: ${text(item.output)}`;
    default:
      return canonicalJson(item);
  }
}

/** The lines of `expected` and `actual` that differ, `- ` for expected and `+ ` for actual; "" when they are equal. */
export function shortDiff(expected: readonly string[], actual: readonly string[], maxLines = DIFF_MAX_LINES): string {
  const ops = lineDiff(expected, actual);
  const changed: string[] = [];
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    if (op.kind === "same") continue;
    const next = ops[i + 1];
    // A removed line followed by an added one: both cut around where they first differ.
    if (op.kind === "removed" && next?.kind === "added") {
      const at = firstDifference(op.line, next.line);
      changed.push(`- ${clip(op.line, at)}`, `+ ${clip(next.line, at)}`);
      i++;
      continue;
    }
    changed.push(`${op.kind === "removed" ? "-" : "+"} ${clip(op.line, 0)}`);
  }
  if (changed.length <= maxLines) return changed.join("\n");
  return [...changed.slice(0, maxLines), `... and ${changed.length - maxLines} more changed lines`].join("\n");
}

type Op = { kind: "same" | "removed" | "added"; line: string };

/** A line diff by longest common subsequence (views are a few hundred lines at most). */
export function lineDiff(a: readonly string[], b: readonly string[]): Op[] {
  // Common head and tail first: most mismatches differ in a line or two near the end.
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const x = a.slice(head, a.length - tail);
  const y = b.slice(head, b.length - tail);
  const lcs: number[][] = Array.from({ length: x.length + 1 }, () => new Array<number>(y.length + 1).fill(0));
  for (let i = x.length - 1; i >= 0; i--) {
    for (let j = y.length - 1; j >= 0; j--) lcs[i]![j] = x[i] === y[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  }
  const ops: Op[] = a.slice(0, head).map((line) => ({ kind: "same", line }));
  let i = 0;
  let j = 0;
  while (i < x.length || j < y.length) {
    if (i < x.length && j < y.length && x[i] === y[j]) {
      ops.push({ kind: "same", line: x[i]! });
      i++;
      j++;
    } else if (j >= y.length || (i < x.length && lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      ops.push({ kind: "removed", line: x[i++]! });
    } else {
      ops.push({ kind: "added", line: y[j++]! });
    }
  }
  for (const line of a.slice(a.length - tail)) ops.push({ kind: "same", line });
  return ops;
}

function firstDifference(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/**
 * `line` cut to about `DIFF_LINE_WIDTH` characters with position `at` in view: its label (up to the
 * first ": ") stays, and `…` marks where it was cut.
 */
function clip(line: string, at: number): string {
  if (line.length <= DIFF_LINE_WIDTH) return line;
  if (at < (DIFF_LINE_WIDTH * 2) / 3) return `${line.slice(0, DIFF_LINE_WIDTH)}…`;
  const colon = line.indexOf(": ");
  const label = colon >= 0 && colon < 60 ? line.slice(0, colon + 2) : "";
  const start = Math.max(label.length, Math.min(at - Math.floor(DIFF_LINE_WIDTH / 3), line.length - DIFF_LINE_WIDTH));
  const end = start + DIFF_LINE_WIDTH;
  return `${label}…${line.slice(start, end)}${end < line.length ? "…" : ""}`;
}
