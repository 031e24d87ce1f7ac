import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { StderrTail } from "../../../src/process/stderr-tail.js";

/** The bytes the tail currently holds (its private chunks), to check what it retains. */
function retainedBytes(tail: StderrTail): Buffer {
  return Buffer.concat((tail as unknown as { chunks: Buffer[] }).chunks);
}

const asciiChunk = fc.string({ unit: fc.constantFrom(..."abcdefghij0123456789 \n"), maxLength: 300 }).map((s) => Buffer.from(s));

describe("StderrTail", () => {
  it("keeps everything below the limit", () => {
    const tail = new StderrTail(100);
    tail.push(Buffer.from("hello "));
    tail.push(Buffer.from("world"));
    expect(tail.text()).toBe("hello world");
    expect(tail.droppedBytes).toBe(0);
  });

  it("keeps exactly the last `limit` bytes and counts the dropped ones", () => {
    fc.assert(
      fc.property(fc.array(asciiChunk, { maxLength: 30 }), fc.integer({ min: 0, max: 1000 }), (chunks, limit) => {
        const tail = new StderrTail(limit);
        let pushed = 0;
        for (const chunk of chunks) {
          tail.push(chunk);
          pushed += chunk.length;
          // Invariants after every push, not just at the end.
          expect(retainedBytes(tail).length).toBeLessThanOrEqual(limit);
          expect(tail.droppedBytes).toBe(Math.max(0, pushed - limit));
        }
        const all = Buffer.concat(chunks);
        const expected = all.subarray(Math.max(0, all.length - limit));
        expect(retainedBytes(tail).equals(expected)).toBe(true);
        expect(tail.text()).toBe(expected.toString("utf8"));
        expect(tail.droppedBytes + retainedBytes(tail).length).toBe(all.length);
      }),
      { numRuns: 300 },
    );
  });

  it("retains the last bytes of arbitrary binary data", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 20 }), fc.integer({ min: 1, max: 400 }), (chunks, limit) => {
        const tail = new StderrTail(limit);
        for (const chunk of chunks) tail.push(Buffer.from(chunk));
        const all = Buffer.concat(chunks.map((c) => Buffer.from(c)));
        expect(retainedBytes(tail).equals(all.subarray(Math.max(0, all.length - limit)))).toBe(true);
        expect(tail.droppedBytes).toBe(Math.max(0, all.length - limit));
      }),
    );
  });

  it("drops a single oversized chunk down to its last bytes", () => {
    const tail = new StderrTail(4);
    tail.push(Buffer.from("0123456789"));
    expect(tail.text()).toBe("6789");
    expect(tail.droppedBytes).toBe(6);
  });

  it("uses a 64 KiB limit by default", () => {
    const tail = new StderrTail();
    tail.push(Buffer.alloc(64 * 1024, "a"));
    expect(tail.droppedBytes).toBe(0);
    tail.push(Buffer.from("bc"));
    expect(tail.droppedBytes).toBe(2);
    const text = tail.text();
    expect(text.length).toBe(64 * 1024);
    expect(text.endsWith("abc")).toBe(true);
  });

  it("drops a partial UTF-8 character left at the start after truncation", () => {
    const tail = new StderrTail(5);
    // "🙂" is 4 bytes; keeping the last 5 bytes of "x🙂🙂" cuts the first emoji after its first byte.
    tail.push(Buffer.from("x🙂🙂"));
    expect(tail.droppedBytes).toBe(4);
    expect(tail.text()).toBe("🙂");
  });

  it("keeps a leading replacement character when nothing was dropped", () => {
    const tail = new StderrTail(100);
    tail.push(Buffer.from("\uFFFDok"));
    expect(tail.text()).toBe("\uFFFDok");
  });

  it("keeps nothing with a zero limit", () => {
    const tail = new StderrTail(0);
    tail.push(Buffer.from("abc"));
    expect(tail.text()).toBe("");
    expect(tail.droppedBytes).toBe(3);
  });
});
