/**
 * Turns whatever `execute` returned into content items for the model: strings as text, content
 * items as they are, any other value as its JSON text.
 */
import { describeError } from "./describe-error.js";
import type { ToolContentItem } from "./types.js";

/** Normalized content, or why the value cannot be sent (unredacted). */
export type NormalizedResult = { ok: true; content: ToolContentItem[] } | { ok: false; message: string };

/** Normalizes the value `execute` of tool `name` produced. */
export function normalizeResult(name: string, value: unknown): NormalizedResult {
  if (value === undefined) return { ok: true, content: [{ type: "text", text: "" }] };
  if (typeof value === "string") return { ok: true, content: [{ type: "text", text: value }] };
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
  return type === "text" || type === "image";
}

function items(name: string, list: readonly unknown[]): NormalizedResult {
  const content: ToolContentItem[] = [];
  for (const [index, raw] of list.entries()) {
    const item = raw as { type: "text" | "image"; text?: unknown; imageUrl?: unknown };
    if (item.type === "text") {
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
