/**
 * Splits a byte stream into lines at `\n` bytes. Decoding happens per complete line, so a
 * multi-byte UTF-8 character split across chunks survives, and U+2028/U+2029 inside JSON strings
 * are just characters (unlike `readline`, which treats them as line breaks).
 */
import { ProtocolError, redactPatterns } from "../errors/index.js";

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
/** How much of an offending line an error quotes. */
export const EXCERPT_CHARS = 200;
/**
 * Default cap on one line. codex embeds command output and diffs in single lines (hundreds of KB
 * is common); decoding a line costs a few times its size in memory while it is parsed.
 */
export const DEFAULT_MAX_LINE_BYTES = 32 * 1024 * 1024;

/** Incremental line splitter with a hard cap on line length. */
export class LineDecoder {
  private parts: Buffer[] = [];
  private pendingBytes = 0;

  constructor(private readonly maxLineBytes: number = DEFAULT_MAX_LINE_BYTES) {}

  /** Bytes buffered for the current, unfinished line. */
  get buffered(): number {
    return this.pendingBytes;
  }

  /**
   * Feeds a chunk; returns the lines it completed (without their line terminators). A line that
   * lies whole in the chunk (most do) is decoded from it directly, without a copy.
   */
  push(chunk: Buffer): string[] {
    const lines: string[] = [];
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(NEWLINE, start);
      if (nl === -1) break;
      if (this.parts.length === 0) {
        if (nl - start > this.maxLineBytes) this.append(chunk.subarray(start, nl));
        lines.push(chunk.toString("utf8", start, nl > start && chunk[nl - 1] === CARRIAGE_RETURN ? nl - 1 : nl));
      } else {
        this.append(chunk.subarray(start, nl));
        lines.push(this.takeLine());
      }
      start = nl + 1;
    }
    if (start < chunk.length) this.append(chunk.subarray(start));
    return lines;
  }

  /** Ends the stream; returns the last line when the stream did not end with a newline. */
  end(): string | null {
    if (this.pendingBytes === 0 && this.parts.length === 0) return null;
    return this.takeLine();
  }

  private append(part: Buffer): void {
    if (part.length === 0) return;
    this.pendingBytes += part.length;
    if (this.pendingBytes > this.maxLineBytes) {
      const head = Buffer.concat(this.parts.slice(0, 4)).toString("utf8", 0, EXCERPT_CHARS * 4);
      this.parts = [];
      this.pendingBytes = 0;
      throw new ProtocolError(
        `codex printed a line longer than ${this.maxLineBytes} bytes, the limit codexkit reads; raise the maxLineBytes option if such output is expected`,
        excerpt(head),
      );
    }
    // Copy: the caller's chunk may be a pooled buffer that is reused after we return.
    this.parts.push(Buffer.from(part));
  }

  private takeLine(): string {
    const buf = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.pendingBytes);
    this.parts = [];
    this.pendingBytes = 0;
    const end = buf.length > 0 && buf[buf.length - 1] === CARRIAGE_RETURN ? buf.length - 1 : buf.length;
    return buf.toString("utf8", 0, end);
  }
}

/** A bounded excerpt of a line for error messages. */
export function excerpt(line: string): string {
  // Redact before cutting, so a secret cut at the boundary is never quoted in part.
  const clean = redactPatterns(line.length <= EXCERPT_CHARS * 4 ? line : line.slice(0, EXCERPT_CHARS * 4));
  return clean.length <= EXCERPT_CHARS ? clean : `${clean.slice(0, EXCERPT_CHARS)}… (${line.length} chars)`;
}

/** Parses one protocol line as a JSON object, or throws a `ProtocolError` quoting it. */
export function parseJsonLine(line: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw new ProtocolError(`codex printed a line that is not JSON: ${(error as Error).message}`, excerpt(line));
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new ProtocolError("codex printed a JSON line that is not an object", excerpt(line));
  }
  return value as Record<string, unknown>;
}
