/** A Map that keeps at most `capacity` entries, forgetting the least recently used first. */
export class LruMap<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(readonly capacity: number) {}

  /** The value for `key`, which becomes the most recently used. */
  get(key: K): V | undefined {
    if (!this.entries.has(key)) return undefined;
    const value = this.entries.get(key)!;
    // Map iterates in insertion order: re-inserting moves the key to the young end.
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  /** Whether `key` is held (its age unchanged). */
  has(key: K): boolean {
    return this.entries.has(key);
  }

  /** Sets `key` as the most recently used, forgetting the oldest entry when over capacity. */
  set(key: K, value: V): this {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as K);
    return this;
  }

  /** Forgets `key`; true when it was there. */
  delete(key: K): boolean {
    return this.entries.delete(key);
  }

  /** Forgets every entry for which `test` holds. */
  deleteWhere(test: (value: V, key: K) => boolean): void {
    for (const [key, value] of this.entries) if (test(value, key)) this.entries.delete(key);
  }

  /** The oldest entry for which `test` holds, without touching its age. */
  find(test: (value: V, key: K) => boolean): [K, V] | undefined {
    for (const entry of this.entries) if (test(entry[1], entry[0])) return entry;
    return undefined;
  }

  /** How many entries are held. */
  get size(): number {
    return this.entries.size;
  }
}
