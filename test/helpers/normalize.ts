/**
 * Normalizes event streams so the two transports (or a recording and a live run) compare field
 * for field: deltas and the named event types dropped, `turnId` and `codexErrorInfo` removed,
 * file-change diffs removed (exec has none), item ids renumbered in order of first appearance,
 * and machine-specific strings (thread ids, temp dirs) replaced.
 */
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
