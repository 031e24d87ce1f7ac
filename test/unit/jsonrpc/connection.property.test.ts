import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RpcError } from "../../../src/errors/index.js";
import type { JsonRpcMessage } from "../../../src/jsonrpc/index.js";
import { connect, flush } from "./helpers.js";

/** What a value looks like after crossing the wire. */
function wire<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

function settle(promise: Promise<unknown>): Promise<Outcome> {
  return promise.then(
    (value) => ({ ok: true, value }),
    (error: unknown) => ({ ok: false, error }),
  );
}

const answers = fc.array(fc.record({ fail: fc.boolean(), value: fc.jsonValue({ maxDepth: 2 }) }), { minLength: 1, maxLength: 12 });
const scenario = answers.chain((list) =>
  fc.tuple(
    fc.constant(list),
    fc.shuffledSubarray(
      list.map((_, i) => i),
      { minLength: list.length, maxLength: list.length },
    ),
  ),
);

describe("JsonRpcConnection properties", () => {
  it("gives every concurrent request its own answer whatever the response order", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ([list, order]) => {
        const h = await connect();
        const calls = list.map((_, i) => settle(h.rpc.request(`m${i}`, { i })));
        await flush();
        for (const i of order) {
          const { fail, value } = list[i]!;
          const id = i + 1;
          await h.server.send(fail ? { id, error: { code: -i - 1, message: `e${i}`, data: value } } : { id, result: value });
        }
        const outcomes = await Promise.all(calls);
        outcomes.forEach((outcome, i) => {
          const { fail, value } = list[i]!;
          if (fail) {
            expect(outcome.ok).toBe(false);
            const error = (outcome as { error: RpcError }).error;
            expect(error).toBeInstanceOf(RpcError);
            expect([error.rpcCode, error.method, error.message]).toEqual([-i - 1, `m${i}`, `codex rejected m${i}: e${i}`]);
            expect(error.data).toEqual(wire(value));
          } else {
            expect(outcome).toEqual({ ok: true, value: wire(value) });
          }
        });
        expect(h.rpc.pendingCount).toBe(0);
        await h.rpc.close();
      }),
      { numRuns: 100 },
    );
  });

  it("never throws on garbage and never settles a pending call with it", async () => {
    const pendingIds = new Set<unknown>([1, 2, 3]);
    const message = fc.oneof(
      fc.anything(),
      fc.record(
        {
          id: fc.oneof(fc.integer({ min: 4 }), fc.string(), fc.constant(null), fc.double(), fc.anything()),
          method: fc.oneof(fc.string(), fc.anything()),
          result: fc.anything(),
          error: fc.oneof(fc.record({ code: fc.integer(), message: fc.string() }), fc.anything()),
          params: fc.anything(),
        },
        { requiredKeys: [] },
      ),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(message, { maxLength: 20 }), async (garbage) => {
        const h = await connect();
        const calls = [1, 2, 3].map((i) => settle(h.rpc.request(`m${i}`, undefined, { timeoutMs: 0 })));
        let settled = 0;
        for (const call of calls) void call.then(() => settled++);
        for (const junk of garbage) {
          const id = junk !== null && typeof junk === "object" ? (junk as { id?: unknown }).id : undefined;
          if (pendingIds.has(id)) continue;
          expect(() => h.client.onmessage?.(junk as JsonRpcMessage)).not.toThrow();
        }
        await flush();
        expect(settled).toBe(0);
        expect(h.rpc.pendingCount).toBe(3);
        expect(h.rpc.isClosed).toBe(false);
        expect(h.logger.error).not.toHaveBeenCalled();
        for (const id of [3, 1, 2]) await h.server.send({ id, result: `r${id}` });
        expect(await Promise.all(calls)).toEqual([1, 2, 3].map((id) => ({ ok: true, value: `r${id}` })));
        await h.rpc.close();
      }),
      { numRuns: 150 },
    );
  });
});
