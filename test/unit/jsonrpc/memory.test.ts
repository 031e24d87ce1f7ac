import { describe, expect, it } from "vitest";
import { ConnectionClosedError } from "../../../src/errors/index.js";
import { createMemoryTransportPair, type JsonRpcMessage } from "../../../src/jsonrpc/index.js";
import { flush } from "./helpers.js";

describe("createMemoryTransportPair", () => {
  it("delivers asynchronously, in order, as a copy", async () => {
    const [a, b] = createMemoryTransportPair();
    const got: JsonRpcMessage[] = [];
    b.onmessage = (message) => got.push(message);
    await a.start();
    await b.start();
    const params = { list: [1], skipped: undefined };
    const sent = [a.send({ method: "one", params }), a.send({ id: 1, result: "two" })];
    // Nothing arrives within the sender's turn, and later changes to the object do not travel.
    expect(got).toEqual([]);
    params.list.push(2);
    await Promise.all(sent);
    await flush();
    expect(got).toEqual([{ method: "one", params: { list: [1] } }, { id: 1, result: "two" }]);
    const first = got[0] as { params: Record<string, unknown> };
    expect(first.params).not.toBe(params);
    expect("skipped" in first.params).toBe(false);
  });

  it("holds messages until the receiving end starts", async () => {
    const [a, b] = createMemoryTransportPair();
    const got: JsonRpcMessage[] = [];
    b.onmessage = (message) => got.push(message);
    await a.send({ method: "early" });
    await flush();
    expect(got).toEqual([]);
    await b.start();
    expect(got).toEqual([{ method: "early" }]);
  });

  it("closes both ends once, passing the error, and rejects later sends", async () => {
    const [a, b] = createMemoryTransportPair();
    const closes: Array<[string, Error | undefined]> = [];
    a.onclose = (error) => closes.push(["a", error]);
    b.onclose = (error) => closes.push(["b", error]);
    const got: JsonRpcMessage[] = [];
    b.onmessage = (message) => got.push(message);
    await b.start();
    const inFlight = a.send({ method: "in flight" });
    const failure = new Error("process died");
    await b.close(failure);
    await a.close();
    await inFlight;
    await flush();
    expect(closes).toEqual([
      ["b", failure],
      ["a", failure],
    ]);
    expect(closes[0]?.[1]).toBe(failure);
    expect(got).toEqual([]);
    await expect(a.send({ method: "x" })).rejects.toBeInstanceOf(ConnectionClosedError);
    await expect(b.send({ method: "x" })).rejects.toBeInstanceOf(ConnectionClosedError);
  });
});
