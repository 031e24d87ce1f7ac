/** A client `JsonRpcConnection` wired to a raw in-memory server end that the test scripts. */
import { vi, type Mock } from "vitest";
import {
  JsonRpcConnection,
  createMemoryTransportPair,
  type JsonRpcConnectionOptions,
  type JsonRpcMessage,
  type MemoryTransport,
} from "../../../src/jsonrpc/index.js";
import type { Logger } from "../../../src/logger.js";

/** A logger whose calls can be inspected. */
export type SpyLogger = { [K in keyof Logger]: Mock<Logger[K]> };

/** Creates a logger recording every call. */
export function spyLogger(): SpyLogger {
  return { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
}

/** The `obj` of every call at one level whose message is `msg`. */
export function logged(fn: Mock<Logger["debug"]>, msg: string): Record<string, unknown>[] {
  return fn.mock.calls.filter((call) => call[1] === msg).map((call) => call[0]);
}

/** Lets queued microtasks and I/O callbacks (message delivery, handler answers) run. */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A connected client and the scripted server end. */
export interface Harness {
  rpc: JsonRpcConnection;
  client: MemoryTransport;
  server: MemoryTransport;
  /** Everything the client sent, in order. */
  received: JsonRpcMessage[];
  logger: SpyLogger;
  /** Resolves with the client's next message not yet read through `next`. */
  next(): Promise<JsonRpcMessage>;
}

/** Starts a connection over a fresh in-memory pair. */
export async function connect(options: JsonRpcConnectionOptions = {}): Promise<Harness> {
  const [client, server] = createMemoryTransportPair();
  const logger = spyLogger();
  const rpc = new JsonRpcConnection(client, { logger, ...options });
  const received: JsonRpcMessage[] = [];
  const waiters: Array<(message: JsonRpcMessage) => void> = [];
  let read = 0;
  server.onmessage = (message) => {
    received.push(message);
    const waiter = waiters.shift();
    if (waiter) {
      read++;
      waiter(message);
    }
  };
  await server.start();
  await rpc.start();
  const next = (): Promise<JsonRpcMessage> =>
    new Promise((resolve) => (read < received.length ? resolve(received[read++]!) : waiters.push(resolve)));
  return { rpc, client, server, received, logger, next };
}
