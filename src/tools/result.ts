/**
 * Turns whatever `execute` returned into content items for the model: strings as text, content
 * items as they are, any other value as its JSON text.
 */
import { describeError } from "./describe-error.js";
import type { ToolContentItem, ToolFileItem } from "./types.js";

/** Content as a tool produced it: what goes to the model, and files still to be placed. */
export type ResultItem = ToolContentItem | ToolFileItem;

/** Normalized content, or why the value cannot be sent (unredacted). */
export type NormalizedResult = { ok: true; content: ResultItem[] } | { ok: false; message: string };

/** Normalizes the value `execute` of tool `name` produced. */
export function normalizeResult(name: string, value: unknown): NormalizedResult {
  if (value === undefined) return { ok: true, content: [{ type: "text", text: "" }] };
  if (typeof value === "string") return { ok: true, content: [{ type: "text", text: value }] };
  if (isStagedFile(value)) return { ok: true, content: [{ type: "file", file: value }] };
  // An empty array is ambiguous (no content, or an empty JSON list); "[]" tells the model more.
  if (Array.isArray(value) && value.length > 0 && value.every(looksLikeItem)) return items(name, value);
  if (isContentWrapper(value)) return items(name, value.content);
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    return { ok: false, message: `tool ${name} returned a value that is not JSON-serializable: ${describeError(error)}` };
  }
  if (text === undefined) {
    return { ok: false, message: `tool ${name} returned a value that is not JSON-serializable: ${typeof value}` };
  }
  return { ok: true, content: [{ type: "text", text }] };
}

function isContentWrapper(value: unknown): value is { content: unknown[] } {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const content = (value as { content?: unknown }).content;
  return Array.isArray(content) && content.every(looksLikeItem);
}

// Only the discriminator decides whether an array is meant as content; the rest is then checked
// strictly so a malformed item is reported instead of silently sent as JSON.
function looksLikeItem(item: unknown): boolean {
  if (typeof item !== "object" || item === null) return false;
  const type = (item as { type?: unknown }).type;
  return type === "text" || type === "image" || type === "file";
}

/** A staged file (what `codex.files.stage` returns): its id is its SHA-256. */
function isStagedFile(value: unknown): value is { id: string; sha256: string; path: string } {
  if (typeof value !== "object" || value === null) return false;
  const v = value as { id?: unknown; sha256?: unknown; path?: unknown; size?: unknown };
  return typeof v.id === "string" && /^[0-9a-f]{64}$/.test(v.id) && v.sha256 === v.id && typeof v.path === "string" && typeof v.size === "number";
}

function items(name: string, list: readonly unknown[]): NormalizedResult {
  const content: ResultItem[] = [];
  for (const [index, raw] of list.entries()) {
    const item = raw as { type: "text" | "image" | "file"; text?: unknown; imageUrl?: unknown; file?: unknown; data?: unknown; name?: unknown; mimeType?: unknown };
    if (item.type === "file") {
      if (isStagedFile(item.file)) content.push({ type: "file", file: item.file });
      else if (item.data instanceof Uint8Array || item.data instanceof ArrayBuffer) {
        if (item.name !== undefined && typeof item.name !== "string") return invalid(name, index, "a file item's `name` must be a string");
        if (item.mimeType !== undefined && typeof item.mimeType !== "string") return invalid(name, index, "a file item's `mimeType` must be a string");
        content.push({ type: "file", data: item.data, ...(item.name !== undefined ? { name: item.name } : {}), ...(item.mimeType !== undefined ? { mimeType: item.mimeType } : {}) });
      } else return invalid(name, index, "a file item needs a staged `file` or `data` bytes");
    } else if (item.type === "text") {
      if (typeof item.text !== "string") return invalid(name, index, "a text item needs a string `text`");
      content.push({ type: "text", text: item.text });
    } else {
      if (typeof item.imageUrl !== "string") return invalid(name, index, "an image item needs a string `imageUrl`");
      content.push({ type: "image", imageUrl: item.imageUrl });
    }
  }
  return { ok: true, content };
}

function invalid(name: string, index: number, why: string): NormalizedResult {
  return { ok: false, message: `tool ${name} returned an invalid content item at index ${index}: ${why}` };
}
