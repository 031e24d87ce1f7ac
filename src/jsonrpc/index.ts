/** The JSON-RPC layer: protocol (`JsonRpcConnection`) apart from the transports that carry it. */
export type {
  JsonRpcErrorObject,
  JsonRpcMessage,
  JsonRpcNotification,
  JsonRpcRequest,
  JsonRpcResponse,
  MessageTransport,
  RequestId,
} from "./types.js";
export {
  DEFAULT_REQUEST_TIMEOUT_MS,
  INTERNAL_ERROR,
  JsonRpcConnection,
  METHOD_NOT_FOUND,
  type FallbackRequestHandler,
  type JsonRpcConnectionOptions,
  type NotificationHandler,
  type RequestContext,
  type RequestHandler,
  type RequestOptions,
} from "./connection.js";
export { responseIdOf } from "./response-id.js";
export { createMemoryTransportPair, type MemoryTransport } from "./memory.js";
export { ConnectionClosedError, RpcError } from "../errors/index.js";
