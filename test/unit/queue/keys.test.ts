/**
 * The queue's own Redis keys: all under `<prefix>:<name>:ck:`, beside BullMQ's keys of the same
 * queue, and never the same key for two different ids or two different kinds.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { QueueKeys } from "../../../src/queue/keys.js";

/** Every key `keys` names for `id`, by kind. */
function named(keys: QueueKeys, id: string): Record<string, string> {
  return { thread: keys.thread(id), chunks: keys.chunks(id), events: keys.events(id), jobThread: keys.jobThread(id), cancelled: keys.cancelled(id) };
}

describe("QueueKeys", () => {
  it("names each key under <prefix>:<name>:ck:", () => {
    const keys = new QueueKeys("codexkit", "jobs");
    expect(keys.base).toBe("codexkit:jobs:ck");
    expect(named(keys, "abc")).toEqual({
      thread: "codexkit:jobs:ck:thread:abc",
      chunks: "codexkit:jobs:ck:rollout:abc",
      events: "codexkit:jobs:ck:events:abc",
      jobThread: "codexkit:jobs:ck:job-thread:abc",
      cancelled: "codexkit:jobs:ck:cancelled:abc",
    });
    expect(keys.interrupts).toBe("codexkit:jobs:ck:interrupts");
  });

  it("gives distinct ids and kinds distinct keys, all under the base (property)", () => {
    const name = fc.stringMatching(/^[a-z0-9_-]{1,12}$/);
    fc.assert(
      fc.property(name, fc.uniqueArray(fc.oneof(fc.uuid(), fc.string({ minLength: 1 })), { minLength: 2, maxLength: 8 }), (queue, ids) => {
        const keys = new QueueKeys("codexkit", queue);
        const all = ids.flatMap((id) => Object.values(named(keys, id)));
        all.push(keys.interrupts);
        expect(new Set(all).size).toBe(all.length);
        for (const key of all) expect(key.startsWith(`codexkit:${queue}:ck:`)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("keeps two queues' keys apart", () => {
    const a = new QueueKeys("codexkit", "a");
    const b = new QueueKeys("codexkit", "b");
    expect(a.thread("t")).not.toBe(b.thread("t"));
    expect(a.interrupts).not.toBe(b.interrupts);
  });
});
