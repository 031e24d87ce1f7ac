/** Converts app-server `Thread` records into the public `ThreadSummary`. */
import type { ThreadSummary } from "../../thread-summary.js";

/** codex reports times in unix seconds; tolerate milliseconds too. */
function toDate(value: unknown): Date {
  const n = typeof value === "number" ? value : 0;
  return new Date(n < 1e12 ? n * 1000 : n);
}

function stringOrNull(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

/** One listed thread. */
export function toThreadSummary(thread: Record<string, unknown>): ThreadSummary {
  return {
    id: String(thread.id),
    preview: typeof thread.preview === "string" ? thread.preview : "",
    name: stringOrNull(thread.name),
    cwd: typeof thread.cwd === "string" ? thread.cwd : "",
    model: stringOrNull(thread.model),
    modelProvider: typeof thread.modelProvider === "string" ? thread.modelProvider : "",
    forkedFromId: stringOrNull(thread.forkedFromId),
    ephemeral: thread.ephemeral === true,
    createdAt: toDate(thread.createdAt),
    updatedAt: toDate(thread.updatedAt),
  };
}
