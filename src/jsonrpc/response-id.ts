/**
 * The request a response that cannot be parsed answers. codex writes a response with its id
 * first (`{"id":7,"result":…}`, `{"id":7,"error":…}`), so a frame cut short or corrupted after
 * that still names its request; anything else (a request or notification of the server, or
 * garbage from the first byte) names none.
 */
import type { RequestId } from "./types.js";

const RESPONSE_HEAD = /^\s*\{\s*"id"\s*:\s*(-?\d+|"(?:[^"\\]|\\.)*")\s*,\s*"(?:result|error)"\s*:/;

/** The id of the request `text` answers, when its head is that of a response; else undefined. */
export function responseIdOf(text: string): RequestId | undefined {
  const match = RESPONSE_HEAD.exec(text);
  if (!match) return undefined;
  try {
    const id = JSON.parse(match[1]!) as unknown;
    return (typeof id === "number" && Number.isSafeInteger(id)) || typeof id === "string" ? id : undefined;
  } catch {
    // A malformed escape inside the quoted id: no id to trust.
    return undefined;
  }
}
