/**
 * Without a Redis that answers, the queue fails fast and cleanly: `checkRedis` and `openRedis`
 * reject with a `QueueConnectionError` (code "queue_unavailable") within their time limit, whether
 * nothing listens, a server accepts and never answers, hangs up at once or speaks another
 * protocol; and the client they made is closed for good afterwards (ioredis status "end": it will
 * not reconnect) with no socket left to that port.
 * A URL that is not redis:// is refused at once, not retryable. No message carries a password.
 */
import http from "node:http";
import net from "node:net";
import { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { checkRedis, DEFAULT_CONNECT_TIMEOUT_MS, QueueConnectionError } from "../../../src/queue/index.js";
import { openRedis } from "../../../src/queue/connection.js";
import { freePort } from "../../helpers/redis.js";

/** Every failure must come well within this (the limits below are 1 to 5 s). */
const BOUND_MS = 15_000;

const servers: net.Server[] = [];
/** Every ioredis client the code under test connected (queueLibraries loads this same module). */
const clients: Redis[] = [];
beforeEach(() => {
  const connect = Object.getOwnPropertyDescriptor(Redis.prototype, "connect")?.value as (this: Redis, ...args: Parameters<Redis["connect"]>) => ReturnType<Redis["connect"]>;
  vi.spyOn(Redis.prototype, "connect").mockImplementation(function (this: Redis, ...args) {
    if (!clients.includes(this)) clients.push(this);
    return connect.apply(this, args);
  });
});
afterEach(async () => {
  vi.restoreAllMocks();
  clients.splice(0);
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A TCP server on 127.0.0.1 that does `onConnection` with each connection. */
async function server(onConnection: (socket: net.Socket) => void): Promise<{ port: number; server: net.Server }> {
  const created = net.createServer(onConnection);
  servers.push(created);
  await new Promise<void>((resolve) => created.listen(0, "127.0.0.1", resolve));
  return { port: (created.address() as net.AddressInfo).port, server: created };
}

/** A server that accepts and never says a word: as good as a black hole, and it counts who is still connected. */
async function blackHole(): Promise<{ port: number; open(): number; accepted(): number }> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const { port } = await server((socket) => {
    accepted++;
    sockets.add(socket);
    socket.resume();
    socket.on("close", () => sockets.delete(socket));
  });
  return { port, open: () => sockets.size, accepted: () => accepted };
}

/** This process's sockets connected to `port` on this machine (as open handles). */
function socketsTo(port: number): net.Socket[] {
  const handles = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles();
  return handles.filter((handle): handle is net.Socket => handle instanceof net.Socket && handle.remotePort === port);
}

/**
 * Whether `client` will connect again by itself. ioredis keeps the status "reconnecting" when it is
 * disconnected while a retry was scheduled (it cancels the retry, never reaching "end"): so the
 * pending retry itself is looked at.
 */
function mayReconnect(client: Redis): boolean {
  if (client.status === "end") return false;
  return (client as unknown as { reconnectTimeout: unknown }).reconnectTimeout != null || client.status !== "reconnecting";
}

/** Every client made since the test began will not connect again, and has no socket left to `port`. */
async function expectClosed(port: number, count: number): Promise<void> {
  expect(clients).toHaveLength(count);
  await expect.poll(() => clients.filter(mayReconnect).map((client) => client.status)).toEqual([]);
  await expect.poll(() => socketsTo(port).length).toBe(0);
}

/** Asserts `attempt` rejects with a retryable QueueConnectionError for `endpoint`; returns it. */
async function unavailable(attempt: Promise<unknown>, endpoint: string): Promise<QueueConnectionError> {
  const error = await attempt.then(
    () => {
      throw new Error("connected, but nothing there is Redis");
    },
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(QueueConnectionError);
  const queueError = error as QueueConnectionError;
  expect(queueError.code).toBe("queue_unavailable");
  expect(queueError.retryable).toBe(true);
  expect(queueError.endpoint).toBe(endpoint);
  expect(queueError.message).toMatch(new RegExp(`^cannot reach Redis at ${endpoint.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")} within \\d+ ms`));
  expect(queueError.message).not.toContain("s3cret");
  return queueError;
}

describe("no Redis", () => {
  it("nothing listens: both reject, naming the refusal, and leave no client that would reconnect", async () => {
    const port = await freePort();
    const endpoint = `redis://127.0.0.1:${port}`;
    const checked = await unavailable(checkRedis(`redis://user:s3cret@127.0.0.1:${port}`, 5_000), endpoint);
    expect(checked.message).toContain("ECONNREFUSED");
    const opened = await unavailable(openRedis(`redis://:s3cret@127.0.0.1:${port}/0`, 5_000), endpoint);
    expect(opened.message).toContain("within 5000 ms: connect ECONNREFUSED");
    await expectClosed(port, 2);
  }, BOUND_MS);

  it("a server that accepts and never answers: 'no answer' at the time limit, and the client hangs up", async () => {
    const hole = await blackHole();
    const endpoint = `redis://127.0.0.1:${hole.port}`;
    const opened = await unavailable(openRedis(`redis://user:s3cret@127.0.0.1:${hole.port}`, 1_000), endpoint);
    expect(opened.message).toBe(`cannot reach Redis at ${endpoint} within 1000 ms: no answer`);
    const checked = await unavailable(checkRedis({ host: "127.0.0.1", port: hole.port, password: "s3cret" }, 1_000), `127.0.0.1:${hole.port}`);
    expect(checked.message).toBe(`cannot reach Redis at 127.0.0.1:${hole.port} within 1000 ms: no answer`);
    await expectClosed(hole.port, 2);
    await expect.poll(() => hole.open()).toBe(0);
    expect(hole.accepted()).toBe(2);
  }, BOUND_MS);

  it("a server that hangs up at once, or speaks HTTP: rejected at once, not retried until the limit", async () => {
    const { port: hangUp } = await server((socket) => socket.destroy());
    const closed = await unavailable(openRedis(`redis://127.0.0.1:${hangUp}`, DEFAULT_CONNECT_TIMEOUT_MS), `redis://127.0.0.1:${hangUp}`);
    // Whatever the socket said first (closed, EPIPE, reset), not a wait for the limit.
    expect(closed.message).not.toMatch(/no answer$/);
    await expectClosed(hangUp, 1);
    clients.splice(0);

    const web = http.createServer((_request, response) => response.end("not redis"));
    servers.push(web);
    await new Promise<void>((resolve) => web.listen(0, "127.0.0.1", resolve));
    const webPort = (web.address() as net.AddressInfo).port;
    const spoken = await unavailable(checkRedis(`redis://127.0.0.1:${webPort}`, DEFAULT_CONNECT_TIMEOUT_MS), `redis://127.0.0.1:${webPort}`);
    expect(spoken.message).toMatch(/within 10000 ms: Protocol error/);
    await expectClosed(webPort, 1);
  }, BOUND_MS);

  it("a Unix socket that does not exist: unavailable, named by its path", async () => {
    const error = await unavailable(openRedis({ path: "/nonexistent/codexkit/redis.sock" }, 5_000), "unix:/nonexistent/codexkit/redis.sock");
    expect(error.message).toContain("ENOENT");
    expect(clients).toHaveLength(1);
    expect(clients.filter(mayReconnect)).toEqual([]);
  }, BOUND_MS);

  it("a URL that is not redis:// is refused before connecting, not retryable, its password left out", async () => {
    const port = await freePort();
    for (const attempt of [openRedis(`http://user:s3cret@127.0.0.1:${port}`), checkRedis(`http://user:s3cret@127.0.0.1:${port}`)]) {
      const error = await attempt.then(
        () => null,
        (reason: unknown) => reason,
      );
      expect(error).toBeInstanceOf(QueueConnectionError);
      expect(error).toMatchObject({ code: "queue_unavailable", retryable: false, endpoint: `http://127.0.0.1:${port}` });
      expect((error as Error).message).toBe(`a Redis URL starts with redis:// or rediss:// (got "http://127.0.0.1:${port}")`);
    }
    await expect(checkRedis("//user:s3cret@127.0.0.1")).rejects.toMatchObject({ retryable: false, message: "a Redis URL starts with redis:// or rediss:// (got a value that is not a URL)" });
    await expect(checkRedis("user:s3cret@127.0.0.1")).rejects.toMatchObject({ retryable: false, message: "a Redis URL starts with redis:// or rediss:// (got a value that is not a URL)" });
    await expect(checkRedis("localhost:6379")).rejects.toMatchObject({ retryable: false, message: "a Redis URL starts with redis:// or rediss:// (got a value that is not a URL)" });
    expect(clients).toEqual([]);
  });
});
