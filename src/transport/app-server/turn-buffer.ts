/**
 * The events of one app-server turn, between the JSON-RPC reader and the turn's consumer.
 *
 * The reader must never wait: one codex process serves every thread, so pausing its stdout for a
 * slow consumer would stall all the other threads. So nothing is dropped and nothing blocks, but
 * memory is bounded: once the entries waiting in memory reach `limitBytes`, later entries are
 * appended to a temp file (JSON lines, private to the user) and read back in order when the
 * consumer catches up. The file is removed when the turn ends, and at program exit. A spill file
 * holds what codex said in the turn (model output, command output), so it is private (0600 in a
 * 0700 directory) and short-lived.
 */
import { closeSync, mkdtempSync, openSync, read, readdirSync, rmSync, writeSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { TurnFailedError } from "../../errors/index.js";
import { removeOnExit } from "../../process/index.js";
import { LineDecoder } from "../../process/index.js";
import { isProcessAlive } from "../../process/index.js";

/** How many bytes of unread events a turn keeps in memory by default before spilling to disk. */
export const DEFAULT_TURN_BUFFER_BYTES = 16 * 1024 * 1024;
/** Bytes read back from the spill file at a time. */
const READ_CHUNK_BYTES = 1024 * 1024;

/** Options of a `TurnBuffer`. */
export interface TurnBufferOptions {
  /** Bytes of unread entries kept in memory; beyond it entries go to a temp file. */
  limitBytes?: number;
  /** Where the spill file's directory is created (default: the OS temp dir). */
  tmpDir?: string;
  /** Told once when a turn starts spilling (for logging). */
  onSpill?: (bytesInMemory: number) => void;
}

/**
 * A FIFO of JSON-serializable entries: `push` never blocks or throws; iterate to consume.
 * `fail` ends the iteration with an error once the entries before it are consumed; `abort` ends
 * it at once. Call `dispose()` when done (it removes the spill file).
 */
export class TurnBuffer<T> {
  private readonly limitBytes: number;
  private readonly memory: { value: T; size: number }[] = [];
  private head = 0;
  private memoryBytes = 0;
  private spill: SpillFile | null = null;
  /** Entries in the spill file not yet read back; while any are, new entries go there too. */
  private spilled = 0;
  private waiter: (() => void) | null = null;
  private failure: Error | null = null;
  private aborted = false;

  constructor(private readonly options: TurnBufferOptions = {}) {
    this.limitBytes = options.limitBytes ?? DEFAULT_TURN_BUFFER_BYTES;
  }

  /** Entries waiting in memory, in bytes (as their JSON size). */
  get bytesInMemory(): number {
    return this.memoryBytes;
  }

  /** Entries waiting in the spill file. */
  get spilledCount(): number {
    return this.spilled;
  }

  /**
   * Adds an entry of about `size` bytes; ignored after `fail` or `abort`. Never throws: if the
   * spill file cannot be written, the buffer fails with an error saying so.
   */
  push(value: T, size: number): void {
    if (this.failure || this.aborted) return;
    if (this.spilled === 0 && this.memoryBytes + size <= this.limitBytes) {
      this.memory.push({ value, size });
      this.memoryBytes += size;
    } else {
      try {
        if (!this.spill) {
          this.spill = new SpillFile(this.options.tmpDir);
          this.options.onSpill?.(this.memoryBytes);
        }
        this.spill.append(JSON.stringify(value));
        this.spilled += 1;
      } catch (error) {
        this.fail(new TurnFailedError(`the turn's events could not be kept: writing them to a temp file failed (${describe(error)})`));
        return;
      }
    }
    this.wake();
  }

  /** Ends the buffer with `error`, thrown after the entries already pushed. */
  fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    this.wake();
  }

  /** Ends iteration now, dropping what is left. */
  abort(): void {
    this.aborted = true;
    this.wake();
  }

  /** Entries in arrival order; throws the failure after the last one. */
  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    for (;;) {
      if (this.aborted) return;
      const next = this.memory.length > this.head ? this.shiftMemory() : this.spilled > 0 ? await this.readSpilled() : undefined;
      if (this.aborted) return;
      if (next !== undefined) {
        yield next.value;
        continue;
      }
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
  }

  /** Ends iteration and removes the spill file, if any. */
  dispose(): void {
    this.abort();
    this.spill?.dispose();
    this.spill = null;
    this.spilled = 0;
  }

  private shiftMemory(): { value: T } {
    const entry = this.memory[this.head]!;
    this.memory[this.head] = undefined as never;
    this.head += 1;
    this.memoryBytes -= entry.size;
    if (this.head === this.memory.length) {
      this.memory.length = 0;
      this.head = 0;
    }
    return entry;
  }

  private async readSpilled(): Promise<{ value: T } | undefined> {
    const line = await this.spill!.next();
    if (line === null) return undefined;
    this.spilled -= 1;
    return { value: JSON.parse(line) as T };
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.();
  }
}

/**
 * An append-only file of JSON lines, read back from the start in order. Appends are synchronous
 * on purpose: a write into the page cache costs about a memcpy, and a queue of pending async
 * writes would hold the very strings the file is there to take out of memory.
 */
class SpillFile {
  private readonly dir: string;
  private readonly fd: number;
  private readonly forget: () => void;
  private readPosition = 0;
  private readonly decoder = new LineDecoder(Number.MAX_SAFE_INTEGER);
  private readonly ready: string[] = [];
  private chunk: Buffer | null = null;
  private closed = false;

  constructor(tmpDir = os.tmpdir()) {
    sweepOrphans(tmpDir);
    this.dir = mkdtempSync(path.join(tmpDir, `codexkit-spill-${process.pid}-`));
    this.forget = removeOnExit(this.dir);
    try {
      this.fd = openSync(path.join(this.dir, "events.jsonl"), "a+", 0o600);
    } catch (error) {
      this.remove();
      throw error;
    }
  }

  /** Appends one line; throws what the file system says (a full disk). */
  append(line: string): void {
    writeSync(this.fd, `${line}\n`);
  }

  /** The next line, or null when everything written so far has been read. */
  async next(): Promise<string | null> {
    for (;;) {
      const line = this.ready.shift();
      if (line !== undefined) return line;
      const buffer = (this.chunk ??= Buffer.allocUnsafe(READ_CHUNK_BYTES));
      const bytesRead = await new Promise<number>((resolve, reject) =>
        read(this.fd, buffer, 0, buffer.length, this.readPosition, (error, n) => (error ? reject(error) : resolve(n))),
      );
      if (bytesRead === 0) return null;
      this.readPosition += bytesRead;
      this.ready.push(...this.decoder.push(buffer.subarray(0, bytesRead)));
    }
  }

  dispose(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      closeSync(this.fd);
    } catch {
      // Already closed.
    }
    this.remove();
  }

  private remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
    this.forget();
  }
}

const swept = new Set<string>();

/**
 * Removes the spill directories of programs that died without cleaning up (a SIGKILL leaves no
 * chance to): their names carry the pid, and a pid that no longer exists owns nothing. Once per
 * temp dir and process.
 */
function sweepOrphans(tmpDir: string): void {
  if (swept.has(tmpDir)) return;
  swept.add(tmpDir);
  let names: string[];
  try {
    names = readdirSync(tmpDir);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(/^codexkit-spill-(\d+)-/.exec(name)?.[1]);
    if (!Number.isInteger(pid) || pid === process.pid || isProcessAlive(pid)) continue;
    rmSync(path.join(tmpDir, name), { recursive: true, force: true });
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
