/**
 * Normalizes event streams so the two transports (or a recording and a live run) compare field
 * for field: deltas and the named event types dropped, `turnId` and `codexErrorInfo` removed,
 * file-change diffs removed (exec has none), item ids renumbered in order of first appearance,
 * and machine-specific strings (thread ids, temp dirs) replaced.
 */
import { expect } from "vitest";
import type { ThreadEvent } from "../../src/index.js";

export type Event = Record<string, unknown>;

/** `[text or pattern, replacement]` applied to the JSON text of the events. */
export type Replacement = readonly [string | RegExp, string];

export function normalizeEvents(events: readonly object[], replacements: readonly Replacement[] = [], dropTypes: readonly string[] = []): Event[] {
  let text = JSON.stringify(events);
  for (const [from, to] of replacements) text = typeof from === "string" ? text.replaceAll(from, to) : text.replace(from, to);
  const ids = new Map<string, string>();
  return (JSON.parse(text) as Event[])
    .filter((e) => e.type !== "item.delta" && !dropTypes.includes(e.type as string))
    .map((e) => {
      const out: Event = { ...e };
      delete out.turnId;
      if (out.type === "turn.failed") {
        const error = { ...(out.error as Event) };
        delete error.codexErrorInfo;
        out.error = error;
      }
      if (out.item) {
        const item = { ...(out.item as Event) };
        const id = item.id as string;
        if (!ids.has(id)) ids.set(id, `item_${ids.size}`);
        item.id = ids.get(id);
        if (item.type === "file_change") {
          item.changes = (item.changes as Event[]).map(({ diff: _diff, ...change }) => change);
        }
        out.item = item;
      }
      return out;
    });
}

/**
 * On app-server, the deltas of every streamed item add up to what the item completes with
 * (`text` for messages and reasoning, `aggregated_output` for commands) and all come before it
 * completes. Returns how many items streamed deltas, per kind.
 */
export function expectDeltasAddUp(events: readonly ThreadEvent[]): Record<string, number> {
  const streamed = new Map<string, { kind: string; text: string }>();
  for (const e of events) {
    if (e.type !== "item.delta") continue;
    const seen = streamed.get(e.itemId) ?? { kind: e.kind, text: "" };
    expect(seen.kind, `kind of the deltas of ${e.itemId}`).toBe(e.kind);
    seen.text += e.delta;
    streamed.set(e.itemId, seen);
  }
  const kinds: Record<string, number> = {};
  for (const [itemId, { kind, text }] of streamed) {
    kinds[kind] = (kinds[kind] ?? 0) + 1;
    const completedAt = events.findIndex((e) => e.type === "item.completed" && e.item.id === itemId);
    expect(completedAt, `item.completed of ${itemId}`).toBeGreaterThanOrEqual(0);
    const item = (events[completedAt] as { item: Event }).item;
    expect(item.type === "command_execution" ? item.aggregated_output : item.text, `deltas of ${itemId}`).toBe(text);
    const lastDeltaAt = events.findLastIndex((e) => e.type === "item.delta" && e.itemId === itemId);
    expect(lastDeltaAt).toBeLessThan(completedAt);
  }
  return kinds;
}
