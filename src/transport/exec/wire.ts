/**
 * The events codex exec prints, checked where codexkit relies on their shape. Events of types
 * codexkit does not know pass through untouched (as the official SDK passes them); a known type
 * missing what it must carry is a `ProtocolError` quoting the line.
 */
import { z } from "zod";
import { ProtocolError } from "../../errors/index.js";
import type { ThreadEvent } from "../../events.js";
import { excerpt } from "../../process/index.js";

const item = z.object({ item: z.object({ id: z.string(), type: z.string() }) });
const shapes: Record<string, z.ZodType> = {
  "thread.started": z.object({ thread_id: z.string().min(1) }),
  "turn.completed": z.object({ usage: z.record(z.string(), z.unknown()) }),
  "turn.failed": z.object({ error: z.object({ message: z.string() }) }),
  "item.started": item,
  "item.updated": item,
  "item.completed": item,
  error: z.object({ message: z.string() }),
};

/** `value` (one parsed JSONL line) as a `ThreadEvent`, or a `ProtocolError`. */
export function checkedEvent(value: Record<string, unknown>, line: string): ThreadEvent {
  if (typeof value.type !== "string") throw new ProtocolError("codex printed an event without a type", excerpt(line));
  const shape = shapes[value.type];
  const parsed = shape?.safeParse(value);
  if (parsed && !parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.map(String).join(".")}: ${issue.message}`).join("; ");
    throw new ProtocolError(`codex printed a ${value.type} event of an unexpected shape (${issues})`, excerpt(line));
  }
  return value as unknown as ThreadEvent;
}
