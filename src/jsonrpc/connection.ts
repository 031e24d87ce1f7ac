/**
 * The JSON-RPC protocol layer: ids and correlation, timeouts, aborts, notification fan-out and
 * answering the server's own requests. It never touches a process; a `MessageTransport` moves the
 * messages, so the same code runs over stdio and over an in-memory pair in tests.
 */
import { abortError } from "../abort.js";
import { ConnectionClosedError, ProtocolError, RpcError, TimeoutError, redactPatterns } from "../errors/index.js";
import { silentLogger, type Logger } from "../logger.js";
import type { JsonRpcErrorObject, JsonRpcMessage, JsonRpcRequest, JsonRpcResponse, MessageTransport, RequestId } from "./types.js";

/** How long a request waits for its answer unless told otherwise. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

/** JSON-RPC error code for a request nobody handles. */
export const METHOD_NOT_FOUND = -32601;
/** JSON-RPC error code for a handler that failed. */
export const INTERNAL_ERROR = -32603;

/** Options of a `JsonRpcConnection`. */
export interface JsonRpcConnectionOptions {
  logger?: Logger;
  /** Default per-request limit in milliseconds; 0 waits forever. */
  requestTimeoutMs?: number;
  /** The peer's name, used in log lines and error messages. */
  name?: string;
  /** Redacts what the peer says before it reaches an error (the client's secrets, not only patterns). */
  redact?: <T>(value: T) => T;
}

/** Per-call options of `request`. */
export interface RequestOptions {
  /** Overrides the connection's default limit; 0 waits forever. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /**
   * W3C trace context sent beside the params (codex app-server reads a request's `trace` member
   * and continues that trace in its own spans).
   */
  trace?: { traceparent: string; tracestate?: string };
  /**
   * Called once the request was handed to the peer (written to its pipe or socket). A request
   * that fails without it was never delivered, so it is safe to send again elsewhere.
   */
  onWritten?: () => void;
}

/** What a request handler gets besides the params. */
export interface RequestContext {
  id: RequestId;
  /** Aborts when the connection closes; the answer is then never sent. */
  signal: AbortSignal;
}

/** Receives every notification, with its size on the wire (characters) when the transport knows it. */
export type NotificationHandler = (method: string, params: unknown, size?: number) => void;
/** Answers one method of the server's requests; the returned value becomes `result`. */
export type RequestHandler = (params: unknown, ctx: RequestContext) => unknown;
/** Answers server requests whose method has no handler of its own. */
export type FallbackRequestHandler = (method: string, params: unknown, ctx: RequestContext) => unknown;

interface Pending {
  method: string;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer?: NodeJS.Timeout;
  cleanup?: () => void;
}

type Incoming = Record<string, unknown>;

function isRequestId(value: unknown): value is RequestId {
  return (typeof value === "number" && Number.isFinite(value)) || typeof value === "string";
}

function isErrorObject(value: unknown): value is JsonRpcErrorObject {
  if (value === null || typeof value !== "object") return false;
  const record = value as Record<string, unknown>;
  return typeof record.code === "number" && typeof record.message === "string";
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  try {
    return String(error);
  } catch {
    // Thrown values can be anything, even objects that refuse to become strings.
    return "unknown error";
  }
}

/** A JSON-RPC 2.0 peer (without the "jsonrpc" field, as codex speaks it) over a `MessageTransport`. */
export class JsonRpcConnection {
  /** Resolves once closed, with the reason when it was not a clean close; never rejects. */
  readonly closed: Promise<Error | undefined>;
  private readonly logger: Logger;
  private readonly name: string;
  private readonly redact: <T>(value: T) => T;
  private readonly defaultTimeoutMs: number;
  private readonly pending = new Map<RequestId, Pending>();
  private readonly notificationHandlers = new Set<NotificationHandler>();
  private readonly requestHandlers = new Map<string, RequestHandler>();
  private readonly running = new Set<AbortController>();
  private fallback: FallbackRequestHandler | undefined;
  private nextId = 1;
  private closeError: Error | undefined;
  private transportClosing: Promise<void> | undefined;
  private resolveClosed!: (error: Error | undefined) => void;

  constructor(
    private readonly transport: MessageTransport,
    options: JsonRpcConnectionOptions = {},
  ) {
    this.logger = options.logger ?? silentLogger;
    this.name = options.name ?? "codex";
    this.redact = options.redact ?? (<T>(value: T): T => value);
    this.defaultTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    transport.onmessage = (message, size) => this.receive(message, size);
    transport.onclose = (error) => this.shutdown(error);
    transport.onunreadable = (error, id) => this.unreadable(error, id);
  }

  /** True once the connection or its transport has closed. */
  get isClosed(): boolean {
    return this.closeError !== undefined;
  }

  /** Requests still waiting for an answer. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Starts the transport; messages flow from here on. */
  async start(): Promise<void> {
    await this.transport.start();
  }

  /** Calls `method` and resolves with its result; rejects with `RpcError`, `TimeoutError`, `AbortError` or the close error. */
  request<R = unknown>(method: string, params?: unknown, options: RequestOptions = {}): Promise<R> {
    if (this.closeError) return Promise.reject(this.closeError);
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(abortError(signal, method));
    const id = this.nextId++;
    const timeoutMs = options.timeoutMs ?? this.defaultTimeoutMs;
    return new Promise<R>((resolve, reject) => {
      const entry: Pending = { method, resolve: resolve as (value: unknown) => void, reject };
      if (timeoutMs > 0) {
        entry.timer = setTimeout(() => {
          this.settle(id)?.reject(new TimeoutError(`${this.name} did not answer ${method} within ${timeoutMs} ms`, timeoutMs));
        }, timeoutMs);
      }
      if (signal) {
        const onAbort = (): void => this.settle(id)?.reject(abortError(signal, method));
        signal.addEventListener("abort", onAbort, { once: true });
        entry.cleanup = () => signal.removeEventListener("abort", onAbort);
      }
      this.pending.set(id, entry);
      const message: JsonRpcRequest = params === undefined ? { id, method } : { id, method, params };
      if (options.trace) message.trace = options.trace;
      this.send(message).then(options.onWritten, (error: unknown) => {
        // After a close the close error already reached the caller; a failed write says nothing new.
        this.settle(id)?.reject(error instanceof Error ? error : new Error(String(error)));
      });
    });
  }

  /** Sends a notification; rejects with the close error once closed. */
  async notify(method: string, params?: unknown): Promise<void> {
    if (this.closeError) throw this.closeError;
    await this.send(params === undefined ? { method } : { method, params });
  }

  /** Registers a handler for every notification; returns its unsubscribe. */
  onNotification(handler: NotificationHandler): () => void {
    this.notificationHandlers.add(handler);
    return () => this.notificationHandlers.delete(handler);
  }

  /** Answers the server's `method` requests with `handler` (replacing any previous one). */
  setRequestHandler(method: string, handler: RequestHandler): void {
    this.requestHandlers.set(method, handler);
  }

  /** Stops answering `method`; such requests then go to the fallback or get -32601. */
  removeRequestHandler(method: string): void {
    this.requestHandlers.delete(method);
  }

  /** Answers requests no method handler takes; `undefined` removes it. */
  setFallbackRequestHandler(handler: FallbackRequestHandler | undefined): void {
    this.fallback = handler;
  }

  /**
   * Closes the connection and its transport. Pending requests reject with `error`, or with a
   * `ConnectionClosedError` for a clean close; running request handlers see their signal abort.
   */
  async close(error?: Error): Promise<void> {
    this.shutdown(error);
    this.transportClosing ??= this.transport.close().catch((reason: unknown) => {
      this.logger.debug({ connection: this.name, error: messageOf(reason) }, "closing the transport failed");
    });
    await this.transportClosing;
  }

  /** `transport.send`, with a synchronous throw turned into a rejection. */
  private send(message: JsonRpcMessage): Promise<void> {
    try {
      return this.transport.send(message);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private shutdown(error: Error | undefined): void {
    if (this.closeError) return;
    // Callers must receive the transport's own error object (e.g. a CodexExitError with stderr).
    const reason = error ?? new ConnectionClosedError(`the connection to ${this.name} was closed`);
    this.closeError = reason;
    for (const id of [...this.pending.keys()]) this.settle(id)?.reject(reason);
    for (const controller of this.running) controller.abort(reason);
    this.running.clear();
    this.resolveClosed(error);
  }

  /** Forgets a pending request and returns it, so exactly one outcome reaches the caller. */
  private settle(id: RequestId): Pending | undefined {
    const entry = this.pending.get(id);
    if (!entry) return undefined;
    this.pending.delete(id);
    clearTimeout(entry.timer);
    entry.cleanup?.();
    return entry;
  }

  private receive(message: JsonRpcMessage, size: number | undefined): void {
    try {
      this.dispatch(message, size);
    } catch (error) {
      // A transport's read loop must survive anything we do with one message.
      this.logger.error({ connection: this.name, error: messageOf(error) }, "handling a JSON-RPC message failed");
    }
  }

  private dispatch(message: unknown, size: number | undefined): void {
    if (this.closeError) return;
    if (message === null || typeof message !== "object" || Array.isArray(message)) {
      this.logger.warn({ connection: this.name, type: typeof message }, "dropped a JSON-RPC message that is not an object");
      return;
    }
    const msg = message as Incoming;
    if ("method" in msg) {
      if (typeof msg.method !== "string") this.malformed(msg, "method is not a string");
      else if (msg.id === undefined) this.notification(msg.method, msg.params, size);
      else if (isRequestId(msg.id)) this.serverRequest(msg.id, msg.method, msg.params);
      else this.malformed(msg, "request id is neither a number nor a string");
      return;
    }
    const { id, error } = msg;
    if (!isRequestId(id)) {
      // A parse error codex could not tie to a request (id null) lands here too.
      this.malformed(msg, isErrorObject(error) ? `error without a request id: ${error.message}` : "neither a method nor an id");
      return;
    }
    if ("result" in msg) this.response(id, (entry) => entry.resolve(msg.result));
    else if (isErrorObject(error)) this.response(id, (entry) => entry.reject(this.rpcError(entry.method, error)));
    else this.malformed(msg, "response has neither a result nor a valid error");
  }

  /**
   * A message that could not be read fails the request it answers at once (one that already ended
   * is dropped, as its readable answer would be). When it names none, the
   * peer broke the protocol with a whole message the connection cannot place, and any pending
   * request may be the one it answered: the connection is closed as broken, every pending request
   * fails with the error, and the owner reconnects as after any lost connection.
   */
  private unreadable(error: ProtocolError, id: RequestId | undefined): void {
    if (this.closeError) return;
    const entry = id === undefined ? undefined : this.settle(id);
    // The transport redacted known secret patterns; the client's own secrets are redacted here.
    const message = entry ? `${error.message} (the answer to ${entry.method})` : error.message;
    const redacted = new ProtocolError(this.redact(message), this.redact(error.line));
    // A response to a request that already ended (timed out, aborted) harms nothing still waiting.
    if (entry) entry.reject(redacted);
    else if (id === undefined) void this.close(redacted);
    try {
      const what = entry
        ? "a response could not be read; its request failed"
        : id === undefined
          ? "a message could not be read; the connection is closed as broken"
          : "a response to an unknown request id could not be read; dropped";
      this.logger.warn({ connection: this.name, id, error: redacted.message, excerpt: redacted.line }, what);
    } catch {
      // A broken logger must not escape into the transport's event handler; the outcome is delivered.
    }
  }

  private malformed(msg: Incoming, why: string): void {
    const id = isRequestId(msg.id) ? msg.id : undefined;
    this.logger.warn({ connection: this.name, id, reason: redactPatterns(why) }, "dropped a malformed JSON-RPC message");
  }

  private response(id: RequestId, deliver: (entry: Pending) => void): void {
    const entry = this.settle(id);
    if (!entry) {
      // Typically the answer to a request that already timed out or was aborted.
      this.logger.debug({ connection: this.name, id }, "dropped a response to an unknown request id");
      return;
    }
    deliver(entry);
  }

  private rpcError(method: string, error: JsonRpcErrorObject): RpcError {
    const fields = error.data === undefined ? { rpcCode: error.code, method } : { rpcCode: error.code, method, data: this.redact(error.data) };
    return new RpcError(this.redact(`${this.name} rejected ${method}: ${redactPatterns(error.message)}`), fields);
  }

  private notification(method: string, params: unknown, size: number | undefined): void {
    if (this.notificationHandlers.size === 0) {
      this.logger.debug({ connection: this.name, method }, "unknown notification");
      return;
    }
    // Every notification goes through here: with one handler (the usual case) nothing is
    // allocated unless it fails. Several are called from a copy, as a handler may add or remove one.
    if (this.notificationHandlers.size === 1) {
      this.handle(this.notificationHandlers.values().next().value!, method, params, size);
      return;
    }
    for (const handler of [...this.notificationHandlers]) this.handle(handler, method, params, size);
  }

  private handle(handler: NotificationHandler, method: string, params: unknown, size: number | undefined): void {
    try {
      const returned: unknown = handler(method, params, size);
      // An async handler's rejection would otherwise surface as an unhandled rejection.
      if (returned instanceof Promise) returned.catch((error: unknown) => this.handlerFailed(method, error));
    } catch (error) {
      this.handlerFailed(method, error);
    }
  }

  private handlerFailed(method: string, error: unknown): void {
    this.logger.warn({ connection: this.name, method, error: redactPatterns(messageOf(error)) }, "a notification handler failed");
  }

  private serverRequest(id: RequestId, method: string, params: unknown): void {
    const handler = this.requestHandlers.get(method);
    const fallback = this.fallback;
    if (!handler && !fallback) {
      this.answer(method, { id, error: { code: METHOD_NOT_FOUND, message: `Method not found: ${method}` } });
      return;
    }
    const controller = new AbortController();
    this.running.add(controller);
    const ctx: RequestContext = { id, signal: controller.signal };
    // The executor runs the handler now, and turns a synchronous throw into a rejection too.
    void new Promise<unknown>((resolve) => resolve(handler ? handler(params, ctx) : fallback?.(method, params, ctx))).then(
      // `result` must be present on the wire and JSON has no undefined, so "nothing" is `{}`.
      (result) => ({ id, result: result === undefined ? {} : result }),
      // Only the message: stacks name local paths and help nobody on the other side.
      (error: unknown) => ({ id, error: { code: INTERNAL_ERROR, message: messageOf(error) } }),
    ).then((response: JsonRpcResponse) => {
      if (controller.signal.aborted) return;
      this.running.delete(controller);
      this.answer(method, response);
    });
  }

  private answer(method: string, response: JsonRpcResponse): void {
    this.send(response).catch((error: unknown) => {
      this.logger.warn({ connection: this.name, method, id: response.id, error: messageOf(error) }, "could not answer a request");
    });
  }
}
