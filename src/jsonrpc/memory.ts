/**
 * Two linked in-memory `MessageTransport`s, for tests and for running a fake server in-process.
 * Each message crosses as a JSON round trip, on a later microtask, exactly as it would over a
 * pipe: no shared objects, no `undefined` members, no synchronous re-entrancy.
 */
import { ConnectionClosedError } from "../errors/index.js";
import type { JsonRpcMessage, MessageTransport } from "./types.js";

/** One end of an in-memory pair. */
export interface MemoryTransport extends MessageTransport {
  /** Closes both ends; an `error` reaches both `onclose` handlers, as a dying process's would. */
  close(error?: Error): Promise<void>;
}

class MemoryEnd implements MemoryTransport {
  onmessage?: (message: JsonRpcMessage, size?: number) => void;
  onclose?: (error?: Error) => void;
  peer: MemoryEnd | undefined;
  private started = false;
  private ended = false;
  // Messages that arrive before `start()` wait here, like bytes in an unread pipe.
  private readonly inbox: { message: JsonRpcMessage; size: number }[] = [];

  start(): Promise<void> {
    this.started = true;
    for (const { message, size } of this.inbox.splice(0)) this.deliver(message, size);
    return Promise.resolve();
  }

  send(message: JsonRpcMessage): Promise<void> {
    if (this.ended) return Promise.reject(new ConnectionClosedError("the in-memory transport is closed"));
    const line = JSON.stringify(message);
    const copy = JSON.parse(line) as JsonRpcMessage;
    const peer = this.peer;
    queueMicrotask(() => peer?.receive(copy, line.length));
    return Promise.resolve();
  }

  close(error?: Error): Promise<void> {
    this.end(error);
    this.peer?.end(error);
    return Promise.resolve();
  }

  private receive(message: JsonRpcMessage, size: number): void {
    if (this.ended) return;
    if (this.started) this.deliver(message, size);
    else this.inbox.push({ message, size });
  }

  private deliver(message: JsonRpcMessage, size: number): void {
    this.onmessage?.(message, size);
  }

  private end(error: Error | undefined): void {
    if (this.ended) return;
    this.ended = true;
    this.inbox.length = 0;
    queueMicrotask(() => this.onclose?.(error));
  }
}

/** Creates two linked transports: what one sends, the other receives; closing either closes both. */
export function createMemoryTransportPair(): [MemoryTransport, MemoryTransport] {
  const a = new MemoryEnd();
  const b = new MemoryEnd();
  a.peer = b;
  b.peer = a;
  return [a, b];
}
