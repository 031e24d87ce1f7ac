/**
 * A turn as `thread/read` stores it (app-server v2: camelCase items with `startedAtMs` and
 * `completedAtMs`, the turn's `startedAt`/`completedAt` in unix seconds) as view events: the
 * events the turn would have yielded, with the times codex recorded. Lenient: a field of the
 * wrong type reads as absent. The item shapes follow the live mapping of the app-server
 * transport (`transport/app-server/items.ts`), which a stored turn cannot reach through its door.
 */
import type { FileUpdateChange, McpContentBlock, ThreadItem } from "../items.js";
import type { TurnEndedEvent, ViewEvent } from "./model.js";

type Json = Record<string, unknown>;

function obj(value: unknown): Json | null {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Json) : null;
}

function str(value: unknown, fallback = ""): string {
  return typeof value === "string" ? value : fallback;
}

function num(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/** `inProgress` → `in_progress`; other statuses are spelled alike. */
function status(value: unknown): string {
  return value === "inProgress" ? "in_progress" : str(value, "completed");
}

/** The view events of one stored turn of `threadId`. */
export function storedTurnEvents(threadId: string, raw: unknown): ViewEvent[] {
  const turn = obj(raw);
  if (!turn) return [];
  const turnId = str(turn.id) || undefined;
  const startedAt = num(turn.startedAt);
  const completedAt = num(turn.completedAt);
  const items = Array.isArray(turn.items) ? turn.items.map(obj).filter((item): item is Json => item !== null) : [];
  const prompt = items.filter((item) => item.type === "userMessage").map(userText).filter(Boolean).join("\n\n");
  const at = (ms: number | null): { at?: number } => (ms === null ? {} : { at: ms });
  const events: ViewEvent[] = [{ event: { type: "turn.started", ...(turnId ? { turnId } : {}) }, threadId, prompt, transport: "app-server", ...at(startedAt === null ? null : startedAt * 1000) }];
  for (const raw of items) {
    const item = storedItem(raw);
    if (!item) continue;
    const started = num(raw.startedAtMs);
    const completed = num(raw.completedAtMs);
    if (started !== null && item.type !== "agent_message" && item.type !== "reasoning") events.push({ event: { type: "item.started", item }, threadId, ...at(started) });
    events.push({ event: { type: "item.completed", item }, threadId, ...at(completed ?? started) });
  }
  const end = storedEnd(turn, turnId);
  if (end) events.push({ event: end, threadId, ...at(completedAt === null ? null : completedAt * 1000) });
  return events;
}

function storedEnd(turn: Json, turnId: string | undefined): TurnEndedEvent | null {
  const state = turn.status;
  if (state !== "completed" && state !== "failed" && state !== "interrupted") return null;
  const end: TurnEndedEvent = { type: "turn.ended", status: state };
  if (turnId) end.turnId = turnId;
  const duration = num(turn.durationMs);
  if (duration !== null) end.durationMs = duration;
  const error = obj(turn.error);
  if (error && typeof error.message === "string") {
    end.error = { message: error.message };
    if (error.codexErrorInfo !== null && error.codexErrorInfo !== undefined) end.error.codexErrorInfo = error.codexErrorInfo;
  }
  return end;
}

/** The text parts of a stored user message. */
function userText(item: Json): string {
  const content = Array.isArray(item.content) ? item.content : [];
  return content
    .map(obj)
    .map((part) => (part?.type === "text" ? str(part.text) : ""))
    .filter(Boolean)
    .join("\n\n");
}

/** One stored item as a codexkit item, or null for items the viewer does not show. */
export function storedItem(raw: Json): ThreadItem | null {
  const id = str(raw.id);
  if (!id) return null;
  switch (raw.type) {
    case "agentMessage":
      return { id, type: "agent_message", text: str(raw.text) };
    case "reasoning": {
      const text = (Array.isArray(raw.summary) ? raw.summary : []).filter((part): part is string => typeof part === "string").join("\n");
      return text.trim() === "" ? null : { id, type: "reasoning", text };
    }
    case "commandExecution":
      return { id, type: "command_execution", command: str(raw.command), aggregated_output: str(raw.aggregatedOutput), exit_code: num(raw.exitCode), status: status(raw.status) as "completed" };
    case "fileChange":
      return { id, type: "file_change", changes: (Array.isArray(raw.changes) ? raw.changes : []).map(obj).filter((c): c is Json => c !== null).map(fileChange), status: status(raw.status) as "completed" };
    case "mcpToolCall": {
      const item: ThreadItem = { id, type: "mcp_tool_call", server: str(raw.server), tool: str(raw.tool), arguments: raw.arguments ?? null, status: status(raw.status) as "completed" };
      const result = obj(raw.result);
      if (result) item.result = { content: (Array.isArray(result.content) ? result.content : []) as McpContentBlock[], structured_content: result.structuredContent ?? null };
      const error = obj(raw.error);
      if (error) item.error = { message: str(error.message) };
      return item;
    }
    case "dynamicToolCall": {
      const item: ThreadItem = { id, type: "tool_call", tool: str(raw.tool), arguments: raw.arguments ?? {}, status: (raw.success === false ? "failed" : status(raw.status)) as "completed" };
      if (Array.isArray(raw.contentItems)) item.result = raw.contentItems.map(contentItem);
      const duration = num(raw.durationMs);
      if (duration !== null) item.duration_ms = duration;
      return item;
    }
    case "webSearch":
      return { id, type: "web_search", query: str(raw.query) };
    default:
      return null;
  }
}

function fileChange(change: Json): FileUpdateChange {
  const kind = obj(change.kind)?.type ?? change.kind;
  const out: FileUpdateChange = { path: str(change.path), kind: kind === "add" || kind === "delete" ? kind : "update" };
  if (typeof change.diff === "string") out.diff = change.diff;
  return out;
}

/** A tool's content item as codexkit shows it (`inputText` → text, `inputImage` → image). */
function contentItem(entry: unknown): unknown {
  const e = obj(entry) ?? {};
  if (e.type === "inputText" && typeof e.text === "string") return { type: "text", text: e.text };
  if (e.type === "inputImage" && typeof e.imageUrl === "string") return { type: "image", imageUrl: e.imageUrl };
  return e;
}
