/**
 * JSON-RPC message shapes and the transport contract. codex's app-server speaks JSON-RPC 2.0
 * without the "jsonrpc" field, one object per line; the protocol layer (`connection.ts`) knows
 * requests, responses and notifications, a `MessageTransport` knows only how to move messages.
 */
import type { ProtocolError } from "../errors/index.js";

/** A request id; codex uses integers, the spec allows strings too. */
export type RequestId = number | string;

/** A call that expects a response. */
export interface JsonRpcRequest {
  id: RequestId;
  method: string;
  params?: unknown;
  /** W3C trace context of the caller (a codex extension of JSON-RPC). */
  trace?: { traceparent: string; tracestate?: string };
}

/** A one-way message. */
export interface JsonRpcNotification {
  method: string;
  params?: unknown;
}

/** The error member of a failed response. */
export interface JsonRpcErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

/** The answer to a request: exactly one of `result` or `error`. */
export type JsonRpcResponse =
  | { id: RequestId; result: unknown }
  | { id: RequestId; error: JsonRpcErrorObject };

/** Anything that travels over a `MessageTransport`. */
export type JsonRpcMessage = JsonRpcRequest | JsonRpcNotification | JsonRpcResponse;

/**
 * Moves whole messages, nothing more (stdio of a process, an in-memory pair in tests).
 * `onmessage` and `onclose` are set by the connection before `start()`.
 */
export interface MessageTransport {
  /** Begins delivering messages to `onmessage`. */
  start(): Promise<void>;
  /** Sends one message; rejects when the transport is closed. */
  send(message: JsonRpcMessage): Promise<void>;
  /** Stops the transport; `onclose` fires once. */
  close(): Promise<void>;
  /** Called for each message received, with its size on the wire (characters) when known. */
  onmessage?: (message: JsonRpcMessage, size?: number) => void;
  /** Called once when the transport ends, with the reason when it was not a clean close. */
  onclose?: (error?: Error) => void;
  /**
   * Called for a whole message that cannot be read (a WebSocket frame that is not JSON), with the
   * id of the request it answers when that could be recovered (`responseIdOf`). The connection
   * fails that request at once; without one, it treats the connection as broken.
   */
  onunreadable?: (error: ProtocolError, id?: RequestId) => void;
}
