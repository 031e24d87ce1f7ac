/** Keeps only the last `limit` bytes of a stream, so a chatty codex can never grow our memory. */
export class StderrTail {
  private chunks: Buffer[] = [];
  private size = 0;
  private dropped = 0;

  constructor(private readonly limit = 64 * 1024) {}

  /** Appends a chunk, discarding the oldest bytes beyond the limit. */
  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size > this.limit && this.chunks.length > 0) {
      const first = this.chunks[0]!;
      const excess = this.size - this.limit;
      if (first.length <= excess) {
        this.chunks.shift();
        this.size -= first.length;
        this.dropped += first.length;
      } else {
        // Copy: a view would keep the whole (possibly huge) original chunk alive.
        this.chunks[0] = Buffer.from(first.subarray(excess));
        this.size -= excess;
        this.dropped += excess;
      }
    }
  }

  /** Total bytes discarded so far. */
  get droppedBytes(): number {
    return this.dropped;
  }

  /** The retained tail as text (a leading partial UTF-8 character is dropped). */
  text(): string {
    const text = Buffer.concat(this.chunks, this.size).toString("utf8");
    return this.dropped > 0 ? text.replace(/^\uFFFD+/, "") : text;
  }
}
