/**
 * How a producer turns a turn's stream entries into events (`turnEvents`): in order, a restart
 * entry as `turn.redelivered`, entries of an older fence than one already seen dropped, and the
 * end entry ending the stream (its error thrown as its own class), whatever its fence.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AbortError, RateLimitError, ThreadStateError, TurnFailedError } from "../../../src/errors/index.js";
import type { ThreadEvent } from "../../../src/events.js";
import type { EventEntry } from "../../../src/queue/event-log.js";
import { turnEvents, type QueuedThreadEvent } from "../../../src/queue/queued-thread.js";
import { toWireError } from "../../../src/queue/wire-errors.js";

const started: ThreadEvent = { type: "thread.started", thread_id: "t-1" };
const turnStarted: ThreadEvent = { type: "turn.started" };
const message = (text: string): ThreadEvent => ({ type: "item.completed", item: { id: `m-${text}`, type: "agent_message", text } });
const completed: ThreadEvent = { type: "turn.completed", usage: { input_tokens: 1, cached_input_tokens: 0, cache_write_input_tokens: 0, output_tokens: 1, reasoning_output_tokens: 0 } };

/** A plain async iterable of `entries` that fails the test if read past `stopAfter` entries. */
function source(entries: EventEntry[], stopAfter = entries.length): AsyncIterable<EventEntry> & { read: number } {
  const state = {
    read: 0,
    async *[Symbol.asyncIterator](): AsyncGenerator<EventEntry> {
      for (const entry of entries) {
        if (state.read >= stopAfter) throw new Error(`read past entry ${stopAfter}`);
        state.read++;
        await Promise.resolve();
        yield entry;
      }
    },
  };
  return state;
}

async function collect(entries: AsyncIterable<EventEntry>): Promise<{ events: QueuedThreadEvent[]; error?: unknown }> {
  const events: QueuedThreadEvent[] = [];
  try {
    for await (const event of turnEvents(entries)) events.push(event);
    return { events };
  } catch (error) {
    return { events, error };
  }
}

describe("turnEvents", () => {
  it("yields the events in order and ends at the end entry without reading further", async () => {
    const entries: EventEntry[] = [
      { f: 1, e: started },
      { f: 1, e: turnStarted },
      { f: 1, e: message("hi") },
      { f: 1, e: completed },
      { f: 1, end: {} },
      { f: 1, e: message("after the end") },
    ];
    const from = source(entries, 5);
    const { events, error } = await collect(from);
    expect(error).toBeUndefined();
    expect(events).toEqual([started, turnStarted, message("hi"), completed]);
    expect(from.read).toBe(5);
  });

  it("maps a restart entry to turn.redelivered, and goes on with the new attempt's events", async () => {
    const { events } = await collect(
      source([
        { f: 2, e: turnStarted },
        { f: 2, e: message("lost") },
        { f: 3, restart: { attempt: 2, reason: "worker_lost" } },
        { f: 3, e: turnStarted },
        { f: 3, e: message("kept") },
        { f: 4, restart: { attempt: 3, reason: "attempt_failed" } },
        { f: 4, e: completed },
        { f: 4, end: {} },
      ]),
    );
    expect(events).toEqual([
      turnStarted,
      message("lost"),
      { type: "turn.redelivered", attempt: 2, reason: "worker_lost" },
      turnStarted,
      message("kept"),
      { type: "turn.redelivered", attempt: 3, reason: "attempt_failed" },
      completed,
    ]);
  });

  it("drops entries with a fence lower than the highest seen, restarts too", async () => {
    const { events } = await collect(
      source([
        { f: 2, e: message("a") },
        { f: 3, restart: { attempt: 2, reason: "worker_lost" } },
        { f: 2, e: message("stale") },
        { f: 2, restart: { attempt: 9, reason: "attempt_failed" } },
        { f: 3, e: message("b") },
        { f: 1, e: message("older still") },
        { f: 3, end: {} },
      ]),
    );
    expect(events).toEqual([message("a"), { type: "turn.redelivered", attempt: 2, reason: "worker_lost" }, message("b")]);
  });

  it("throws the end entry's error as its own class, after the events before it", async () => {
    const limited = new RateLimitError("slow down", { retryAfterMs: 500, httpStatusCode: 429 });
    const { events, error } = await collect(source([{ f: 1, e: turnStarted }, { f: 1, end: { error: toWireError(limited) } }]));
    expect(events).toEqual([turnStarted]);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toBeInstanceOf(TurnFailedError);
    expect(error).toMatchObject({ message: "slow down", retryAfterMs: 500, httpStatusCode: 429, retryable: true });
  });

  it("ignores the end entry of a stale attempt (a lower fence), and ends at the producer's (the highest) or an unfenced one before any event", async () => {
    // A stale first attempt's unfenced end after the live attempt's events is not the turn's end.
    const stale = await collect(source([{ f: 5, e: turnStarted }, { f: 0, end: { error: toWireError(new AbortError("stale")) } }, { f: 5, e: completed }, { f: 5, end: {} }]));
    expect(stale).toEqual({ events: [turnStarted, completed] });

    const ended = await collect(source([{ f: 5, e: turnStarted }, { f: Number.MAX_SAFE_INTEGER, end: { error: toWireError(new AbortError("interrupted")) } }, { f: 5, e: completed }], 2));
    expect(ended.events).toEqual([turnStarted]);
    expect(ended.error).toBeInstanceOf(AbortError);

    const refused = await collect(source([{ f: 0, end: { error: toWireError(new ThreadStateError("gone")) } }]));
    expect(refused.events).toEqual([]);
    expect(refused.error).toBeInstanceOf(ThreadStateError);
  });

  it("ends cleanly when the entries run out without an end entry", async () => {
    expect(await collect(source([{ f: 1, e: turnStarted }]))).toEqual({ events: [turnStarted] });
  });

  it("yields exactly the entries whose fence is the highest so far, in order (property)", async () => {
    const entry = fc.record({ f: fc.nat(6), text: fc.string({ maxLength: 4 }), restart: fc.boolean() });
    await fc.assert(
      fc.asyncProperty(fc.array(entry, { maxLength: 30 }), async (drawn) => {
        const entries: EventEntry[] = drawn.map(({ f, text, restart }) => (restart ? { f, restart: { attempt: f + 1, reason: "worker_lost" } } : { f, e: message(text) }));
        const expected: QueuedThreadEvent[] = [];
        let highest = 0;
        for (const { f, text, restart } of drawn) {
          if (f < highest) continue;
          highest = f;
          expected.push(restart ? { type: "turn.redelivered", attempt: f + 1, reason: "worker_lost" } : message(text));
        }
        const { events, error } = await collect(source([...entries, { f: 0, end: {} }]));
        expect(error).toBeUndefined();
        expect(events).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });
});
