import { describe, expect, it, vi } from "vitest";
import { AbortError, CodexExitError, ConnectionClosedError, ProtocolError, RpcError, TimeoutError } from "../../../src/errors/index.js";
import {
  DEFAULT_REQUEST_TIMEOUT_MS,
  JsonRpcConnection,
  createMemoryTransportPair,
  type JsonRpcMessage,
  type MessageTransport,
  responseIdOf,
} from "../../../src/jsonrpc/index.js";
import { connect, flush, logged, spyLogger } from "./helpers.js";

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the promise to reject");
}

describe("JsonRpcConnection requests", () => {
  it("numbers requests from 1, omits jsonrpc, and correlates out-of-order responses", async () => {
    const h = await connect();
    const a = h.rpc.request("thread/start", { model: "m" });
    const b = h.rpc.request("thread/list");
    const c = h.rpc.request("turn/start", { threadId: "t" });
    await flush();
    expect(h.received).toEqual([
      { id: 1, method: "thread/start", params: { model: "m" } },
      { id: 2, method: "thread/list" },
      { id: 3, method: "turn/start", params: { threadId: "t" } },
    ]);
    expect(h.rpc.pendingCount).toBe(3);
    await h.server.send({ id: 3, result: "third" });
    await h.server.send({ id: 1, result: { thread: { id: "t1" } } });
    await h.server.send({ id: 2, result: null });
    await expect(a).resolves.toEqual({ thread: { id: "t1" } });
    await expect(b).resolves.toBeNull();
    await expect(c).resolves.toBe("third");
    expect(h.rpc.pendingCount).toBe(0);
  });

  it("rejects with an RpcError carrying code, method and data", async () => {
    const h = await connect();
    const call = h.rpc.request("thread/start");
    await h.server.send({ id: 1, error: { code: -32600, message: "bad params", data: { field: "model" } } });
    const error = await rejection(call);
    expect(error).toBeInstanceOf(RpcError);
    const rpc = error as RpcError;
    expect(rpc.code).toBe("rpc_error");
    expect(rpc.rpcCode).toBe(-32600);
    expect(rpc.method).toBe("thread/start");
    expect(rpc.data).toEqual({ field: "model" });
    expect(rpc.message).toBe("codex rejected thread/start: bad params");
  });

  it("redacts credentials in the error message", async () => {
    const h = await connect({ name: "codex app-server" });
    const call = h.rpc.request("turn/start");
    await h.server.send({ id: 1, error: { code: 1, message: "invalid key sk-abcdefghijklmnop" } });
    const error = (await rejection(call)) as RpcError;
    expect(error.message).toBe("codex app-server rejected turn/start: invalid key [REDACTED]");
    expect(error.data).toBeUndefined();
  });

  it("times out with a TimeoutError, forgets the id and ignores the late response", async () => {
    const h = await connect();
    const call = h.rpc.request("thread/start", undefined, { timeoutMs: 20 });
    const error = await rejection(call);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).timeoutMs).toBe(20);
    expect((error as TimeoutError).message).toContain("thread/start");
    expect(h.rpc.pendingCount).toBe(0);

    await h.server.send({ id: 1, result: "late" });
    await flush();
    expect(logged(h.logger.debug, "dropped a response to an unknown request id")).toEqual([expect.objectContaining({ id: 1 })]);
    expect(h.logger.warn).not.toHaveBeenCalled();

    // The connection still works, and the next id is not reused.
    const next = h.rpc.request("thread/list");
    await flush();
    expect(h.received.at(-1)).toEqual({ id: 2, method: "thread/list" });
    await h.server.send({ id: 2, result: "ok" });
    await expect(next).resolves.toBe("ok");
  });

  it("uses the connection's default timeout, which a call can disable with 0", async () => {
    expect(DEFAULT_REQUEST_TIMEOUT_MS).toBe(60_000);
    // Fake timeouts: the clock moves as far as the test says, at once (messages are microtasks, still real).
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      const h = await connect({ requestTimeoutMs: 15 });
      const limited = rejection(h.rpc.request("a"));
      const unlimited = h.rpc.request("b", undefined, { timeoutMs: 0 });
      vi.advanceTimersByTime(14);
      await flush();
      expect(h.rpc.pendingCount).toBe(2);
      vi.advanceTimersByTime(1);
      expect(((await limited) as TimeoutError).timeoutMs).toBe(15);
      // Past the default too: 0 means no timeout at all.
      vi.advanceTimersByTime(DEFAULT_REQUEST_TIMEOUT_MS * 2);
      await flush();
      expect(h.rpc.pendingCount).toBe(1);
      await h.server.send({ id: 2, result: 2 });
      await expect(unlimited).resolves.toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it("rejects with AbortError when the signal aborts, before or after sending", async () => {
    const h = await connect();
    const early = new AbortController();
    early.abort();
    expect(await rejection(h.rpc.request("x", undefined, { signal: early.signal }))).toBeInstanceOf(AbortError);
    await flush();
    expect(h.received).toEqual([]);

    const late = new AbortController();
    const call = h.rpc.request("turn/start", undefined, { signal: late.signal });
    await flush();
    expect(h.rpc.pendingCount).toBe(1);
    late.abort(new Error("user hit ctrl-c"));
    const error = (await rejection(call)) as AbortError;
    expect(error).toBeInstanceOf(AbortError);
    expect(error.name).toBe("AbortError");
    expect(error.message).toBe("turn/start was aborted: user hit ctrl-c");
    expect(h.rpc.pendingCount).toBe(0);
    await h.server.send({ id: 1, result: "ignored" });
    await flush();
    expect(logged(h.logger.debug, "dropped a response to an unknown request id")).toHaveLength(1);
  });

  it("rejects a request whose write fails and forgets it", async () => {
    const failure = new Error("EPIPE");
    const transport: MessageTransport = { start: async () => {}, send: async () => Promise.reject(failure), close: async () => {} };
    const rpc = new JsonRpcConnection(transport);
    await rpc.start();
    expect(await rejection(rpc.request("x"))).toBe(failure);
    expect(rpc.pendingCount).toBe(0);
    await expect(rpc.notify("y")).rejects.toBe(failure);
  });

  it("sends notifications without an id", async () => {
    const h = await connect();
    await h.rpc.notify("initialized");
    await h.rpc.notify("x", { a: 1 });
    await flush();
    expect(h.received).toEqual([{ method: "initialized" }, { method: "x", params: { a: 1 } }]);
  });
});

describe("JsonRpcConnection notifications", () => {
  it("fans out to every handler until unsubscribed", async () => {
    const h = await connect();
    const seenA: unknown[] = [];
    const seenB: unknown[] = [];
    const offA = h.rpc.onNotification((method, params) => seenA.push([method, params]));
    h.rpc.onNotification((method, params) => seenB.push([method, params]));
    await h.server.send({ method: "turn/started", params: { turnId: "1" } });
    await flush();
    offA();
    await h.server.send({ method: "turn/completed" });
    await flush();
    expect(seenA).toEqual([["turn/started", { turnId: "1" }]]);
    expect(seenB).toEqual([
      ["turn/started", { turnId: "1" }],
      ["turn/completed", undefined],
    ]);
    expect(logged(h.logger.debug, "unknown notification")).toEqual([]);
  });

  it("logs a notification nobody listens to at debug, and nothing louder", async () => {
    const h = await connect();
    await h.server.send({ method: "account/rateLimits/updated", params: {} });
    await flush();
    expect(logged(h.logger.debug, "unknown notification")).toEqual([expect.objectContaining({ method: "account/rateLimits/updated" })]);
    expect(h.logger.warn).not.toHaveBeenCalled();
    expect(h.logger.error).not.toHaveBeenCalled();
    expect(h.rpc.isClosed).toBe(false);
  });

  it("survives handlers that throw or reject", async () => {
    const h = await connect();
    const seen: string[] = [];
    h.rpc.onNotification(() => {
      throw new Error("boom");
    });
    // eslint-disable-next-line @typescript-eslint/no-misused-promises -- the case under test: a handler that returns a rejecting promise
    h.rpc.onNotification(async () => Promise.reject(new Error("async boom")));
    h.rpc.onNotification((method) => seen.push(method));
    await h.server.send({ method: "one" });
    await h.server.send({ method: "two" });
    await flush();
    expect(seen).toEqual(["one", "two"]);
    const warnings = logged(h.logger.warn, "a notification handler failed");
    expect(warnings.map((w) => w.error).sort()).toEqual(["async boom", "async boom", "boom", "boom"]);
    const call = h.rpc.request("still/works");
    await h.server.send({ id: 1, result: true });
    await expect(call).resolves.toBe(true);
  });
});

describe("JsonRpcConnection server requests", () => {
  it("answers with the handler's result, and {} when it returns nothing", async () => {
    const h = await connect();
    h.rpc.setRequestHandler("item/tool/call", (params, ctx) => Promise.resolve({ echoed: params, id: ctx.id }));
    h.rpc.setRequestHandler("noop", () => undefined);
    await h.server.send({ id: 7, method: "item/tool/call", params: { tool: "x" } });
    await h.server.send({ id: "s-1", method: "noop" });
    await flush();
    // Answers go out as handlers finish, not in arrival order.
    expect(h.received).toHaveLength(2);
    expect(h.received).toContainEqual({ id: 7, result: { echoed: { tool: "x" }, id: 7 } });
    expect(h.received).toContainEqual({ id: "s-1", result: {} });
  });

  it("answers -32601 when nothing handles the method, including after removal", async () => {
    const h = await connect();
    h.rpc.setRequestHandler("item/tool/call", () => "ok");
    h.rpc.removeRequestHandler("item/tool/call");
    await h.server.send({ id: 1, method: "item/tool/call" });
    await flush();
    expect(h.received).toEqual([{ id: 1, error: { code: -32601, message: "Method not found: item/tool/call" } }]);
  });

  it("answers -32603 with the message only when the handler throws", async () => {
    const h = await connect();
    h.rpc.setRequestHandler("sync", () => {
      throw new Error("sync failure");
    });
    h.rpc.setRequestHandler("async", async () => Promise.reject(new Error("async failure")));
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the case under test: a rejection that is not an Error
    h.rpc.setRequestHandler("string", async () => Promise.reject("plain string"));
    h.rpc.setRequestHandler("odd", () => {
      throw Object.create(null);
    });
    await h.server.send({ id: 1, method: "sync" });
    await h.server.send({ id: 2, method: "async" });
    await h.server.send({ id: 3, method: "string" });
    await h.server.send({ id: 4, method: "odd" });
    await flush();
    const byId = [...h.received].sort((a, b) => Number("id" in a && a.id) - Number("id" in b && b.id));
    expect(byId).toEqual([
      { id: 1, error: { code: -32603, message: "sync failure" } },
      { id: 2, error: { code: -32603, message: "async failure" } },
      { id: 3, error: { code: -32603, message: "plain string" } },
      { id: 4, error: { code: -32603, message: "unknown error" } },
    ]);
    expect(JSON.stringify(h.received)).not.toContain("    at ");
  });

  it("routes unhandled methods to the fallback handler, but a method handler wins", async () => {
    const h = await connect();
    h.rpc.setFallbackRequestHandler((method, params) => ({ fallback: method, params }));
    h.rpc.setRequestHandler("own", () => "own");
    await h.server.send({ id: 1, method: "other", params: [1] });
    await h.server.send({ id: 2, method: "own" });
    await flush();
    expect(h.received).toHaveLength(2);
    expect(h.received).toContainEqual({ id: 1, result: { fallback: "other", params: [1] } });
    expect(h.received).toContainEqual({ id: 2, result: "own" });
    h.rpc.setFallbackRequestHandler(undefined);
    await h.server.send({ id: 3, method: "other" });
    await flush();
    expect(h.received.at(-1)).toEqual({ id: 3, error: { code: -32601, message: "Method not found: other" } });
  });

  it("aborts a running handler's signal on close and sends no answer", async () => {
    const h = await connect();
    let signal: AbortSignal | undefined;
    let finish!: (value: string) => void;
    h.rpc.setRequestHandler("item/commandExecution/requestApproval", (_params, ctx) => {
      signal = ctx.signal;
      return new Promise<string>((resolve) => (finish = resolve));
    });
    await h.server.send({ id: 1, method: "item/commandExecution/requestApproval" });
    await flush();
    expect(signal?.aborted).toBe(false);
    const exit = new CodexExitError("codex died", { exitCode: 1, signal: null, stderrTail: "" });
    await h.rpc.close(exit);
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toBe(exit);
    finish("too late");
    await flush();
    expect(h.received).toEqual([]);
    // Not even attempted: a send on the closed transport would have been logged.
    expect(logged(h.logger.warn, "could not answer a request")).toEqual([]);
  });
});

describe("JsonRpcConnection close", () => {
  it("rejects every pending call with exactly the transport's error", async () => {
    const h = await connect();
    const calls = [h.rpc.request("a"), h.rpc.request("b", undefined, { timeoutMs: 0 }), h.rpc.request("c")];
    await flush();
    const exit = new CodexExitError("codex app-server exited with code 3", { exitCode: 3, signal: null, stderrTail: "panic" });
    await h.server.close(exit);
    for (const call of calls) expect(await rejection(call)).toBe(exit);
    await expect(h.rpc.closed).resolves.toBe(exit);
    expect(h.rpc.isClosed).toBe(true);
    expect(h.rpc.pendingCount).toBe(0);
    expect(await rejection(h.rpc.request("after"))).toBe(exit);
    await expect(h.rpc.notify("after")).rejects.toBe(exit);
  });

  it("rejects with ConnectionClosedError on a clean close and resolves closed with undefined", async () => {
    const h = await connect();
    let serverClosed = 0;
    h.server.onclose = () => serverClosed++;
    const call = h.rpc.request("a");
    await h.rpc.close();
    const error = await rejection(call);
    expect(error).toBeInstanceOf(ConnectionClosedError);
    expect((error as ConnectionClosedError).retryable).toBe(true);
    await expect(h.rpc.closed).resolves.toBeUndefined();
    expect(await rejection(h.rpc.request("b"))).toBe(error);
    await h.rpc.close();
    await flush();
    expect(serverClosed).toBe(1);
  });

  it("rejects with the error given to close()", async () => {
    const h = await connect();
    const call = h.rpc.request("a");
    const reason = new Error("shutting down");
    await h.rpc.close(reason);
    expect(await rejection(call)).toBe(reason);
    await expect(h.rpc.closed).resolves.toBe(reason);
  });

  it("ignores messages that arrive after close", async () => {
    const seen: string[] = [];
    const h = await connect();
    h.rpc.onNotification((method) => seen.push(method));
    h.client.onmessage?.({ method: "before" });
    await h.rpc.close();
    h.client.onmessage?.({ method: "after" });
    expect(seen).toEqual(["before"]);
  });
});

describe("JsonRpcConnection malformed input", () => {
  it("logs garbage at warn, drops it and keeps pending calls intact", async () => {
    const h = await connect();
    const call = h.rpc.request("a");
    const garbage: unknown[] = [
      null,
      42,
      "text",
      [1, 2],
      {},
      { result: 1 },
      { id: 1 },
      { id: 1, error: "nope" },
      { id: 1, error: { code: "x", message: "m" } },
      { id: { nested: true }, method: "x" },
      { method: 5, id: 1 },
      { id: null, error: { code: -32700, message: "Parse error" } },
    ];
    for (const message of garbage) expect(() => h.client.onmessage?.(message as JsonRpcMessage)).not.toThrow();
    expect(h.logger.warn).toHaveBeenCalledTimes(garbage.length);
    expect(h.rpc.pendingCount).toBe(1);
    expect(h.rpc.isClosed).toBe(false);
    await h.server.send({ id: 1, result: "real" });
    await expect(call).resolves.toBe("real");
  });

  it("keeps a broken logger from escaping onmessage", () => {
    const logger = spyLogger();
    logger.warn.mockImplementation(() => {
      throw new Error("logger down");
    });
    const [client] = createMemoryTransportPair();
    const rpc = new JsonRpcConnection(client, { logger });
    expect(() => client.onmessage?.(null as unknown as JsonRpcMessage)).not.toThrow();
    expect(logger.error).toHaveBeenCalledTimes(1);
    expect(rpc.isClosed).toBe(false);
  });
});

describe("JsonRpcConnection unreadable messages", () => {
  const garbage = (): ProtocolError => new ProtocolError("the peer sent a frame that is not JSON", '{"id":1,"result":{"token":"sk-abcdefghijklmnopqrst');

  it("fails the request a recovered id names at once, redacted, and keeps the others and the connection", async () => {
    const h = await connect({ redact: <T,>(value: T): T => (typeof value === "string" ? (value.replaceAll("sk-abcdefghijklmnopqrst", "[REDACTED]") as T) : value) });
    const one = h.rpc.request("thread/start");
    const two = h.rpc.request("thread/list");
    await flush();
    h.client.onunreadable?.(garbage(), 1);
    const error = await rejection(one);
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).message).toContain("the answer to thread/start");
    expect((error as ProtocolError).line).not.toContain("sk-abcdefghijklmnopqrst");
    expect(h.rpc.isClosed).toBe(false);
    expect(h.rpc.pendingCount).toBe(1);
    await h.server.send({ id: 2, result: "fine" });
    await expect(two).resolves.toBe("fine");
    expect(logged(h.logger.warn, "a response could not be read; its request failed")[0]).toMatchObject({ id: 1 });
  });

  it("without an id, closes the connection as broken: every pending request fails with the ProtocolError", async () => {
    const h = await connect();
    const calls = [h.rpc.request("a"), h.rpc.request("b")];
    h.client.onunreadable?.(garbage(), undefined);
    for (const call of calls) expect(await rejection(call)).toBeInstanceOf(ProtocolError);
    expect(await h.rpc.closed).toBeInstanceOf(ProtocolError);
    expect(h.rpc.isClosed).toBe(true);
    await expect(h.rpc.request("c")).rejects.toBeInstanceOf(ProtocolError);
    expect(logged(h.logger.warn, "a message could not be read; the connection is closed as broken")).toHaveLength(1);
  });

  it("drops an unreadable answer to a request that already ended, and survives a broken logger", async () => {
    const logger = spyLogger();
    logger.warn.mockImplementation(() => {
      throw new Error("logger down");
    });
    const h = await connect({ logger });
    const call = h.rpc.request("a");
    expect(() => h.client.onunreadable?.(garbage(), 99)).not.toThrow();
    expect(h.rpc.isClosed).toBe(false);
    expect(() => h.client.onunreadable?.(garbage(), 1)).not.toThrow();
    expect(await rejection(call)).toBeInstanceOf(ProtocolError);
  });
});

describe("responseIdOf", () => {
  it.each<[string, number | string | undefined]>([
    ['{"id":7,"result":{"thread":', 7],
    ['  { "id" : "a\\"b" , "error" : {"code"', 'a"b'],
    ['{"id":3,"error":', 3],
    ['{"id":3,"method":"item/tool/call","params":', undefined],
    ['{"method":"x","id":3', undefined],
    ['{"result":1,"id":3}x', undefined],
    ["garbage", undefined],
    ['{"id":1.5,"result":', undefined],
    ["", undefined],
  ])("%j names %j", (text, id) => {
    expect(responseIdOf(text)).toEqual(id);
  });
});
