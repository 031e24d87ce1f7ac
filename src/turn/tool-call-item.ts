/**
 * The `tool_call` item users see for a codexkit tool call, built the same way whichever wire
 * reported the call (see `ToolCallReport`).
 */
import type { ThreadEvent } from "../events.js";
import type { ToolCallItem } from "../items.js";
import type { ToolContentItem } from "../tools/index.js";
import type { ToolCallReport } from "../transport/index.js";

/** Turns the reports of one turn into item events, timing calls the wire does not time. */
export class ToolCallItems {
  private readonly startedAt = new Map<string, number>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** The item event for `report`. */
  toEvent(report: ToolCallReport): ThreadEvent {
    const item: ToolCallItem = { id: report.id, type: "tool_call", tool: report.tool, arguments: report.arguments ?? {}, status: report.status };
    const content = report.content ?? null;
    if (report.status === "completed" && content) item.result = resultOf(content);
    if (report.status === "failed") item.error = { message: report.error || textOf(content ?? []) || "the tool call failed" };
    if (report.phase === "item.started") this.startedAt.set(report.id, this.now());
    const duration = report.durationMs ?? this.measured(report);
    if (duration !== undefined && report.status !== "in_progress") item.duration_ms = duration;
    return { type: report.phase, item };
  }

  private measured(report: ToolCallReport): number | undefined {
    if (report.phase !== "item.completed") return undefined;
    const start = this.startedAt.get(report.id);
    this.startedAt.delete(report.id);
    return start === undefined ? undefined : Math.max(0, Math.round(this.now() - start));
  }
}

/** What went back to the model: its text when every part is text, else the parts. */
function resultOf(content: ReadonlyArray<ToolContentItem | Record<string, unknown>>): ToolCallItem["result"] {
  const text = textOf(content);
  return text !== null ? text : [...content];
}

/** The parts' text joined, or null when a part is not text. */
function textOf(content: ReadonlyArray<ToolContentItem | Record<string, unknown>>): string | null {
  let text = "";
  for (const part of content) {
    if (part.type !== "text" || typeof part.text !== "string") return null;
    text += part.text;
  }
  return text;
}
