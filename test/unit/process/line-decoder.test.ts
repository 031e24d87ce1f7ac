import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { CodexError, ProtocolError } from "../../../src/errors/index.js";
import { EXCERPT_CHARS, LineDecoder, excerpt, parseJsonLine } from "../../../src/process/line-decoder.js";

/** Upper bound for an error excerpt: the quoted head, redaction markers and the "(N chars)" note. */
const EXCERPT_BOUND = 300;
const SECRET = "sk-abcdefghijklmnop12345";

/** Feeds `bytes` to a fresh decoder, cut at the given byte offsets, and returns every line. */
function decodeChunks(bytes: Buffer, cuts: number[], decoder = new LineDecoder()): string[] {
  const points = [...new Set(cuts.map((c) => Math.min(bytes.length, Math.max(0, c))))].sort((a, b) => a - b);
  const lines: string[] = [];
  let start = 0;
  for (const point of [...points, bytes.length]) {
    lines.push(...decoder.push(bytes.subarray(start, point)));
    start = point;
  }
  const last = decoder.end();
  if (last !== null) lines.push(last);
  return lines;
}

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to throw");
}

/** Any code point, lone surrogates included (fast-check's "binary" unit is much slower). */
const anyChar = fc
  .integer({ min: 0, max: 0x10ffff })
  .map((c) => (c >= 0xd800 && c <= 0xdfff ? String.fromCharCode(c) : String.fromCodePoint(c)));

// Strings that stress the decoder: line and paragraph separators, emoji (4-byte UTF-8, surrogate
// pairs in JS), 2- and 3-byte characters, raw CR and control characters inside JSON strings.
const trickyString = fc.oneof(
  fc.string({ unit: "grapheme" }),
  fc.string({ unit: anyChar }),
  fc
    .array(fc.constantFrom("\u2028", "\u2029", "🙂", "👩‍💻", "é", "€", "中", "\r", "\t", "\u0000", "a", " ", '"', "\\"), {
      maxLength: 30,
    })
    .map((parts) => parts.join("")),
);
const lineValue = fc.oneof(fc.jsonValue(), trickyString, fc.dictionary(trickyString, trickyString, { maxKeys: 4 }));

describe("LineDecoder", () => {
  it("round-trips JSON lines split at arbitrary byte boundaries", () => {
    fc.assert(
      fc.property(
        fc.array(lineValue, { minLength: 1, maxLength: 20 }),
        fc.boolean(),
        fc.boolean(),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 40 }),
        (values, crlf, trailingNewline, fractions) => {
          const serialized = values.map((v) => JSON.stringify(v));
          const eol = crlf ? "\r\n" : "\n";
          const bytes = Buffer.from(serialized.join(eol) + (trailingNewline ? eol : ""), "utf8");
          const cuts = fractions.map((f) => Math.floor(f * bytes.length));
          const lines = decodeChunks(bytes, cuts);
          expect(lines).toHaveLength(serialized.length);
          expect(lines).toEqual(serialized);
          expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual(serialized.map((s) => JSON.parse(s) as unknown));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("decodes correctly for every two-chunk split of multi-byte text", () => {
    const text = JSON.stringify({ s: "a\u2028b\u2029c🙂d€e中f👩‍💻" });
    const bytes = Buffer.from(`${text}\n${text}\r\n`, "utf8");
    for (let cut = 0; cut <= bytes.length; cut++) {
      expect(decodeChunks(bytes, [cut])).toEqual([text, text]);
    }
    // And one byte at a time.
    expect(decodeChunks(bytes, Array.from({ length: bytes.length }, (_, i) => i))).toEqual([text, text]);
  });

  it("treats U+2028 and U+2029 as ordinary characters, not line breaks", () => {
    const decoder = new LineDecoder();
    expect(decoder.push(Buffer.from('{"a":"x\u2028y\u2029z"}\n'))).toEqual(['{"a":"x\u2028y\u2029z"}']);
  });

  it("strips exactly one trailing CR, and only at the end of a line", () => {
    const decoder = new LineDecoder();
    expect(decoder.push(Buffer.from("a\rb\nc\r\r\n\r\n"))).toEqual(["a\rb", "c\r", ""]);
    // A CR split from its LF by a chunk boundary is still stripped.
    expect(decoder.push(Buffer.from("d\r"))).toEqual([]);
    expect(decoder.push(Buffer.from("\n"))).toEqual(["d"]);
    expect(decoder.end()).toBeNull();
  });

  it("returns the unterminated last line from end(), and null when nothing is pending", () => {
    const decoder = new LineDecoder();
    expect(decoder.end()).toBeNull();
    expect(decoder.push(Buffer.from("one\ntw"))).toEqual(["one"]);
    expect(decoder.buffered).toBe(2);
    expect(decoder.push(Buffer.alloc(0))).toEqual([]);
    expect(decoder.end()).toBe("tw");
    expect(decoder.buffered).toBe(0);
    expect(decoder.end()).toBeNull();
  });

  it("keeps empty lines", () => {
    expect(decodeChunks(Buffer.from("\n\na\n\n"), [1, 3])).toEqual(["", "", "a", ""]);
  });

  it("decodes a single 30+ MB line delivered in 64 KiB chunks, copying each byte a bounded number of times", () => {
    const unit = "abc€🙂xyz"; // 13 UTF-8 bytes: the 64 KiB chunks cut through multi-byte characters
    const repeats = 2_600_000;
    const bytes = Buffer.alloc(Buffer.byteLength(unit) * repeats, unit, "utf8");
    expect(bytes.length).toBeGreaterThan(30 * 1024 * 1024);
    const decoder = new LineDecoder(64 * 1024 * 1024);
    const chunk = 64 * 1024;
    // Linear, not quadratic: the pending parts are joined once, at the newline (speed itself is for benchmarks).
    const concat = vi.spyOn(Buffer, "concat");
    let lines: string[];
    try {
      for (let offset = 0; offset < bytes.length; offset += chunk) {
        expect(decoder.push(bytes.subarray(offset, offset + chunk))).toEqual([]);
      }
      expect(decoder.buffered).toBe(bytes.length);
      lines = decoder.push(Buffer.from("\n"));
      const joined = concat.mock.results.reduce((sum, r) => sum + (r.value as Buffer).length, 0);
      expect(joined).toBe(bytes.length);
    } finally {
      concat.mockRestore();
    }
    expect(lines).toHaveLength(1);
    const line = lines[0]!;
    expect(line.length).toBe(unit.length * repeats);
    for (const i of [0, 1, 3, 4, 5, 13, 8 * 1000 + 4, 8 * 1_234_567 + 3, line.length - 8, line.length - 1]) {
      expect(line[i]).toBe(unit[i % unit.length]);
    }
    expect(line.includes("\uFFFD")).toBe(false);
    expect(line === unit.repeat(repeats)).toBe(true);
  });

  it("copies pushed data: mutating the caller's buffer does not change a pending line", () => {
    const decoder = new LineDecoder();
    const chunk = Buffer.from("hello ");
    decoder.push(chunk);
    chunk.fill("X");
    const second = Buffer.from("world");
    decoder.push(second);
    second.fill("Y");
    expect(decoder.end()).toBe("hello world");

    // Also when a line is completed from a single part.
    const single = Buffer.from("abc");
    decoder.push(single);
    single.fill("Z");
    expect(decoder.push(Buffer.from("\n"))).toEqual(["abc"]);
  });

  describe("line length cap", () => {
    it("accepts a line of exactly maxLineBytes and rejects one byte more", () => {
      const ok = new LineDecoder(10);
      expect(ok.push(Buffer.from("0123456789\n"))).toEqual(["0123456789"]);
      const tooLong = new LineDecoder(10);
      expect(() => tooLong.push(Buffer.from("0123456789A"))).toThrow(ProtocolError);
    });

    it("throws a bounded ProtocolError for a line over the cap, across chunks", () => {
      const decoder = new LineDecoder(4096);
      const chunk = Buffer.from("y".repeat(300));
      const error = catchError(() => {
        for (let i = 0; i < 100; i++) decoder.push(chunk);
      });
      expect(error).toBeInstanceOf(ProtocolError);
      expect(error).toBeInstanceOf(CodexError);
      expect(error).toBeInstanceOf(Error);
      const protocolError = error as ProtocolError;
      expect(protocolError.code).toBe("protocol_error");
      expect(protocolError.message).toContain("4096");
      expect(protocolError.line.length).toBeGreaterThan(0);
      expect(protocolError.line.length).toBeLessThanOrEqual(250);
      expect(protocolError.line.startsWith("yyy")).toBe(true);
      // The decoder dropped the oversized line instead of keeping it in memory.
      expect(decoder.buffered).toBe(0);
    });

    it("does not quote a secret from an oversized line", () => {
      const decoder = new LineDecoder(1024);
      const error = catchError(() => {
        decoder.push(Buffer.from(`{"msg":"${SECRET} `));
        decoder.push(Buffer.from("z".repeat(2000)));
      }) as ProtocolError;
      expect(error).toBeInstanceOf(ProtocolError);
      expect(error.line).not.toContain(SECRET);
      expect(error.line).not.toContain("abcdefghijklmnop");
      expect(error.line.length).toBeLessThanOrEqual(250);
    });
  });

  describe("garbage input", () => {
    it("never throws on arbitrary bytes below the cap, and splits at every LF", () => {
      fc.assert(
        fc.property(fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 10 }), (chunks) => {
          const decoder = new LineDecoder();
          const lines: string[] = [];
          for (const chunk of chunks) lines.push(...decoder.push(Buffer.from(chunk)));
          const all = Buffer.concat(chunks.map((c) => Buffer.from(c)));
          const newlines = all.filter((b) => b === 0x0a).length;
          expect(lines).toHaveLength(newlines);
          const last = decoder.end();
          const endsWithNewline = all.length > 0 && all[all.length - 1] === 0x0a;
          if (all.length === 0 || endsWithNewline) expect(last).toBeNull();
          else expect(last).not.toBeNull();
        }),
      );
    });

    it("only ever throws ProtocolError on arbitrary bytes with a small cap", () => {
      fc.assert(
        fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 10 }), fc.integer({ min: 1, max: 48 }), (chunks, cap) => {
          const decoder = new LineDecoder(cap);
          for (const chunk of chunks) {
            try {
              for (const line of decoder.push(Buffer.from(chunk))) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(cap * 3);
            } catch (error) {
              expect(error).toBeInstanceOf(ProtocolError);
              expect((error as ProtocolError).line.length).toBeLessThanOrEqual(EXCERPT_BOUND);
            }
            expect(decoder.buffered).toBeLessThanOrEqual(cap);
          }
        }),
      );
    });
  });
});

describe("parseJsonLine", () => {
  it("returns plain objects", () => {
    expect(parseJsonLine('{"type":"turn.started"}')).toEqual({ type: "turn.started" });
    expect(parseJsonLine('  {"a":[1,{"b":null}]}  ')).toEqual({ a: [1, { b: null }] });
  });

  it.each(["", "   ", "null", "[]", "[1,2]", "42", '"str"', "true", "{", "{'a':1}", "undefined", '{"a":1}x'])(
    "rejects %j with a ProtocolError",
    (line) => {
      const error = catchError(() => parseJsonLine(line));
      expect(error).toBeInstanceOf(ProtocolError);
      expect((error as ProtocolError).code).toBe("protocol_error");
      expect((error as ProtocolError).line).toBe(line);
    },
  );

  it("either returns a plain object or throws ProtocolError, for any string", () => {
    const candidates = fc.oneof(
      fc.string({ unit: anyChar }),
      fc.string({ unit: anyChar, minLength: 190, maxLength: 600 }),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.jsonValue().map((v) => `${JSON.stringify(v)}${"x"}`),
      fc.string().map((s) => `{"a":${s}}`),
    );
    fc.assert(
      fc.property(candidates, (line) => {
        let value: unknown;
        try {
          value = parseJsonLine(line);
        } catch (error) {
          expect(error).toBeInstanceOf(ProtocolError);
          expect((error as ProtocolError).line.length).toBeLessThanOrEqual(EXCERPT_BOUND);
          return;
        }
        expect(typeof value).toBe("object");
        expect(value).not.toBeNull();
        expect(Array.isArray(value)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it("bounds the excerpt of a long line and says how long it was", () => {
    const line = `{"x":"${"q".repeat(10_000)}`;
    const error = catchError(() => parseJsonLine(line)) as ProtocolError;
    expect(error.line.length).toBeLessThanOrEqual(250);
    expect(error.line.startsWith(line.slice(0, EXCERPT_CHARS))).toBe(true);
    expect(error.line).toContain(`${line.length} chars`);
  });

  it("redacts a secret from the excerpt", () => {
    for (const line of [`not json ${SECRET}`, `{"key":"${SECRET}"`, `["Bearer ${SECRET}"]`, `${SECRET}${"x".repeat(500)}`]) {
      const error = catchError(() => parseJsonLine(line)) as ProtocolError;
      expect(error).toBeInstanceOf(ProtocolError);
      expect(error.line).not.toContain(SECRET);
      expect(error.message).not.toContain(SECRET);
    }
  });
});

describe("excerpt", () => {
  it("passes short lines through and truncates long ones", () => {
    expect(excerpt("short")).toBe("short");
    const long = "a".repeat(EXCERPT_CHARS + 1);
    expect(excerpt(long)).toBe(`${"a".repeat(EXCERPT_CHARS)}… (${EXCERPT_CHARS + 1} chars)`);
  });

  it("does not quote the head of a secret cut by truncation", () => {
    const line = `${"x".repeat(EXCERPT_CHARS - 10)} ${SECRET} trailing text`;
    expect(excerpt(line)).not.toContain("sk-abcdef");
  });
});
