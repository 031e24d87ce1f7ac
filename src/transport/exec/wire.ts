/**
 * The events codex exec prints, checked where codexkit relies on their shape. Events of types
 * codexkit does not know pass through untouched (as the official SDK passes them); a known type
 * missing what it must carry is a `ProtocolError` quoting the line.
 */
import { ProtocolError } from "../../errors/index.js";
import type { ThreadEvent } from "../../events.js";
import { excerpt } from "../../process/index.js";
import { issueOf, nonEmptyString, object, record, string, unknown, type Shape } from "../../shape.js";

const item = object({ item: object({ id: string, type: string }) });
const message = object({ message: string });
const shapes: Record<string, Shape<unknown>> = {
  "thread.started": object({ thread_id: nonEmptyString }),
  "turn.completed": object({ usage: record(unknown) }),
  "turn.failed": object({ error: message }),
  "item.started": item,
  "item.updated": item,
  "item.completed": item,
  error: message,
};

/** `value` (one parsed JSONL line) as a `ThreadEvent`, or a `ProtocolError`. */
export function checkedEvent(value: Record<string, unknown>, line: string): ThreadEvent {
  if (typeof value.type !== "string") throw new ProtocolError("codex printed an event without a type", excerpt(line));
  const shape = shapes[value.type];
  const found = shape === undefined ? undefined : issueOf(shape, value);
  if (found !== undefined) throw new ProtocolError(`codex printed a ${value.type} event of an unexpected shape (${found})`, excerpt(line));
  return value as unknown as ThreadEvent;
}
