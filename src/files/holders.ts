/**
 * Which stores of this process hold each ephemeral file, by directory and id: two clients on
 * one directory share a file, and one closing must not remove what the other still uses.
 */

const holders = new Map<string, Set<object>>();

/** Records that `store` holds file `id` of `dir`. */
export function hold(dir: string, id: string, store: object): void {
  const key = `${dir}\0${id}`;
  let set = holders.get(key);
  if (!set) holders.set(key, (set = new Set()));
  set.add(store);
}

/** Drops `store`'s hold; true when another store of this process still holds the file. */
export function release(dir: string, id: string, store: object): boolean {
  const key = `${dir}\0${id}`;
  const set = holders.get(key);
  set?.delete(store);
  if (set && set.size === 0) holders.delete(key);
  return (set?.size ?? 0) > 0;
}
