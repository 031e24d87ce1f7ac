/**
 * A channel to an app-server that is already running (`codex app-server --listen ws://…` or
 * `unix://…`): JSON-RPC over a WebSocket, one message per frame. There is no process to own; the
 * socket stands in for one (it keeps Node alive only while a turn or call holds it, and "killing"
 * it closes the connection). Connecting retries with backoff before giving up with
 * `ConnectionClosedError`. A frame that is not a JSON object is a `ProtocolError` for the request
 * it answers, or, naming none, for the whole connection (see `JsonRpcConnection`): never dropped.
 */
import WebSocket from "ws";
import { ConnectionClosedError, ProtocolError } from "../../errors/index.js";
import { responseIdOf, type JsonRpcMessage, type MessageTransport, type RequestId } from "../../jsonrpc/index.js";
import type { Logger } from "../../logger.js";
import { sleep } from "../../abort.js";
import { excerpt } from "../../process/index.js";
import { backoffDelay, type BackoffPolicy } from "../../timing/index.js";
import type { ConnectServer, ServerChannel, ServerProcess } from "./server.js";
import type { RemoteAppServerOptions } from "../../options/index.js";

/** The waits between connection attempts: 200 ms doubling up to 5 s (as an MCP server's restarts). */
const CONNECT_BACKOFF: BackoffPolicy = { baseDelayMs: 200, maxDelayMs: 5_000 };
const OPEN_TIMEOUT_MS = 10_000;
/** A signal that never aborts (connecting is bounded by its attempts). */
const NEVER = new AbortController().signal;

/**
 * A frame's text, whatever shape `ws` gives it in: a Buffer (the default `binaryType`), a list of
 * fragments or an ArrayBuffer (other settings). `String()` of the last two would not be the text.
 */
export function frameText(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString("utf8");
  return Buffer.isBuffer(data) ? data.toString("utf8") : Buffer.from(data).toString("utf8");
}

/** The `ws` address for `url` (a unix socket becomes `ws+unix://<path>:/`). */
export function webSocketAddress(url: string): string {
  if (url.startsWith("unix://")) return `ws+unix://${url.slice("unix://".length)}:/`;
  return url;
}

/** A `ConnectServer` that reaches `options.url`, retrying with backoff. */
export function connectRemoteAppServer(options: RemoteAppServerOptions, logger: Logger): ConnectServer {
  return async (): Promise<ServerChannel> => {
    const attempts = options.connectAttempts ?? 5;
    let lastError: Error | undefined;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        const socket = await open(options);
        const channel = new WebSocketChannel(socket);
        return { transport: channel, process: channel };
      } catch (error) {
        lastError = error as Error;
        logger.debug({ url: options.url, attempt, error: lastError.message }, "connecting to codex app-server failed");
        if (attempt < attempts) await sleep(backoffDelay(CONNECT_BACKOFF, attempt - 1), NEVER);
      }
    }
    throw new ConnectionClosedError(`could not connect to codex app-server at ${options.url} after ${attempts} attempts: ${lastError?.message ?? "unknown error"}`, {
      cause: lastError,
    });
  };
}

function open(options: RemoteAppServerOptions): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = options.token ? { Authorization: `Bearer ${options.token}` } : {};
    const socket = new WebSocket(webSocketAddress(options.url), { headers, handshakeTimeout: OPEN_TIMEOUT_MS, perMessageDeflate: false, maxPayload: 256 * 1024 * 1024 });
    const fail = (error: Error): void => {
      socket.removeAllListeners();
      socket.on("error", () => {});
      socket.terminate();
      reject(error);
    };
    socket.once("open", () => {
      socket.removeAllListeners();
      resolve(socket);
    });
    socket.once("error", fail);
    socket.once("unexpected-response", (_request, response) =>
      fail(new Error(`HTTP ${response.statusCode}${response.statusCode === 401 ? " (the app-server wants a token: appServer.token)" : ""}`)),
    );
  });
}

/** JSON-RPC over one WebSocket, and the socket in the role of the server's process. */
class WebSocketChannel implements MessageTransport, ServerProcess {
  onmessage?: (message: JsonRpcMessage, size?: number) => void;
  onclose?: (error?: Error) => void;
  onunreadable?: (error: ProtocolError, id?: RequestId) => void;
  readonly pid = undefined;
  readonly retired = false;
  private closing = false;
  private ended = false;

  constructor(private readonly socket: WebSocket) {}

  get running(): boolean {
    return !this.ended;
  }

  start(): Promise<void> {
    this.socket.on("message", (data: WebSocket.RawData) => {
      const text = frameText(data);
      let message: unknown;
      try {
        message = JSON.parse(text);
      } catch {
        // JSON.parse's message quotes the input; the excerpt (bounded, redacted) says enough.
        this.unreadable(text, "not JSON");
        return;
      }
      // A frame is a whole message: one that is not an object answers nothing it could be matched to.
      if (message === null || typeof message !== "object" || Array.isArray(message)) this.unreadable(text, "JSON but not an object");
      else this.onmessage?.(message as JsonRpcMessage, text.length);
    });
    this.socket.on("error", () => {});
    this.socket.on("close", (code: number, reason: Buffer) => {
      this.ended = true;
      const why = reason.length > 0 ? `: ${reason.toString()}` : "";
      this.onclose?.(this.closing ? undefined : new ConnectionClosedError(`the connection to codex app-server closed (code ${code}${why})`));
    });
    return Promise.resolve();
  }

  /** A frame that is not a JSON object: the connection fails the request it answers, or itself. */
  private unreadable(text: string, reason: string): void {
    this.onunreadable?.(new ProtocolError(`codex app-server sent a WebSocket frame that is ${reason}`, excerpt(text)), responseIdOf(text));
  }

  send(message: JsonRpcMessage): Promise<void> {
    if (this.ended || this.socket.readyState !== WebSocket.OPEN) return Promise.reject(new ConnectionClosedError("the connection to codex app-server is closed"));
    return new Promise((resolve, reject) => this.socket.send(JSON.stringify(message), (error) => (error ? reject(new ConnectionClosedError(`sending to codex app-server failed: ${error.message}`)) : resolve())));
  }

  async close(): Promise<void> {
    this.closing = true;
    if (this.ended) return;
    const closed = new Promise<void>((resolve) => this.socket.once("close", () => resolve()));
    this.socket.close();
    const timer = setTimeout(() => this.socket.terminate(), 2_000);
    await closed;
    clearTimeout(timer);
  }

  /** A socket between turns must not keep Node alive. */
  setActive(active: boolean): void {
    const raw = (this.socket as unknown as { _socket?: { ref(): void; unref(): void } })._socket;
    if (active) raw?.ref();
    else raw?.unref();
  }

  stderrTail(): string {
    return "";
  }

  killNow(): void {
    this.socket.terminate();
  }
}
