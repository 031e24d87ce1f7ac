/** Cursor-paged lists (MCP servers, codex app-server), collected to their end. */

/** Pages are followed up to this many: a server repeating its cursors would never end. */
export const MAX_PAGES = 1_000;

/** Collects every page of a cursor-paged list; stops at a repeated cursor or after `MAX_PAGES`. */
export async function paged<T>(fetch: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor?: string | null | undefined }>): Promise<T[]> {
  const out: T[] = [];
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (let pages = 0; pages < MAX_PAGES; pages++) {
    const page = await fetch(cursor);
    out.push(...page.items);
    if (!page.nextCursor || seen.has(page.nextCursor)) return out;
    seen.add(page.nextCursor);
    cursor = page.nextCursor;
  }
  return out;
}
