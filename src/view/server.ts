/**
 * The viewer's HTTP server (`node:http`), on 127.0.0.1 only. Every request must carry the random
 * token of the URL the server prints (`?token=`), compared in constant time; one without it, or
 * for another host name (DNS rebinding), is refused with 403 before anything else. It serves the
 * page, a JSON API (`api/threads`, `api/thread?id=`) and, for a live source, Server-Sent Events
 * (`api/events`). Everything it sends is redacted first, with the redactor it was given.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { InvalidOptionsError, type Redactor } from "../errors/index.js";
import { pageHtml, pagePolicy } from "./page/html.js";
import type { ViewSource } from "./sources.js";

/** Options of `ViewServer.start`. */
export interface ViewServerOptions {
  /** Where the threads come from. */
  source: ViewSource;
  /** Hides secrets in everything served. */
  redactor: Redactor;
  /** The port (default 0: a free one). */
  port?: number;
}

/** The loopback address the viewer listens on, and nothing else. */
const HOST = "127.0.0.1";

/** Headers of every answer. */
const COMMON_HEADERS = {
  "Cache-Control": "no-store",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "X-Frame-Options": "DENY",
  "Cross-Origin-Resource-Policy": "same-origin",
};

/** A running viewer; `close()` stops it and ends every open connection. */
export class ViewServer {
  /** The page's address, token included. */
  readonly url: string;
  /** The port it listens on. */
  readonly port: number;
  readonly #server: Server;
  readonly #token: Buffer;
  readonly #streams = new Set<ServerResponse>();
  #closing: Promise<void> | null = null;

  private constructor(
    server: Server,
    token: string,
    private readonly options: ViewServerOptions,
  ) {
    this.#server = server;
    this.port = (server.address() as AddressInfo).port;
    this.#token = digest(token);
    this.url = `http://${HOST}:${this.port}/?token=${token}`;
  }

  /** Starts a viewer of `options.source` on 127.0.0.1. */
  static async start(options: ViewServerOptions): Promise<ViewServer> {
    const port = options.port ?? 0;
    if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new InvalidOptionsError(`the viewer's port must be an integer from 0 to 65535, got ${String(port)}`);
    const token = randomBytes(24).toString("base64url");
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen({ host: HOST, port }, () => {
        server.off("error", reject);
        resolve();
      });
    }).catch((error: NodeJS.ErrnoException) => {
      throw new InvalidOptionsError(`the viewer cannot listen on ${HOST}:${port} (${error.code ?? error.message})`);
    });
    const view = new ViewServer(server, token, options);
    server.on("request", (req: IncomingMessage, res: ServerResponse) => void view.#handle(req, res));
    return view;
  }

  /** Stops listening, ends the live streams and every open connection; idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.options.source.close();
      for (const res of this.#streams) res.end();
      this.#streams.clear();
      const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
      this.#server.closeAllConnections();
      await closed;
    })();
    return this.#closing;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? "/", `http://${HOST}`);
      if (!this.#hostAllowed(req.headers.host)) return refuse(res, 403, "forbidden: this viewer answers on 127.0.0.1 only");
      if (!this.#tokenMatches(url.searchParams.get("token"))) return refuse(res, 403, "forbidden: open the viewer with the URL codexkit printed (its token is missing or wrong)");
      if (req.method !== "GET" && req.method !== "HEAD") return refuse(res, 405, "method not allowed");
      const { source } = this.options;
      switch (url.pathname) {
        case "/":
          return this.#page(res);
        case "/api/threads":
          return this.#json(res, { source: source.info, threads: await source.threads() });
        case "/api/thread": {
          const thread = await source.thread(url.searchParams.get("id") ?? "").catch((error: unknown) => {
            // A stored thread codex does not have.
            if (error instanceof InvalidOptionsError) return undefined;
            throw error;
          });
          return thread ? this.#json(res, thread) : refuse(res, 404, "no such thread");
        }
        case "/api/events":
          return this.#events(req, res);
        default:
          return refuse(res, 404, "not found");
      }
    } catch (error) {
      if (!res.headersSent) refuse(res, 500, this.options.redactor.redact(error instanceof Error ? error.message : String(error)));
      else res.end();
    }
  }

  #hostAllowed(host: string | undefined): boolean {
    return host === `${HOST}:${this.port}` || host === `localhost:${this.port}`;
  }

  #tokenMatches(token: string | null): boolean {
    return token !== null && timingSafeEqual(digest(token), this.#token);
  }

  #page(res: ServerResponse): void {
    const nonce = randomBytes(16).toString("base64");
    res.writeHead(200, { ...COMMON_HEADERS, "Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": pagePolicy(nonce) });
    res.end(pageHtml(nonce));
  }

  #json(res: ServerResponse, value: unknown): void {
    res.writeHead(200, { ...COMMON_HEADERS, "Content-Type": "application/json; charset=utf-8" });
    res.end(JSON.stringify(this.options.redactor.redactValue(value)));
  }

  #events(req: IncomingMessage, res: ServerResponse): void {
    const { source, redactor } = this.options;
    if (!source.subscribe || this.#closing) return refuse(res, 404, "this source is not live");
    res.writeHead(200, { ...COMMON_HEADERS, "Content-Type": "text/event-stream; charset=utf-8", Connection: "keep-alive" });
    res.write("retry: 1000\n\n");
    this.#streams.add(res);
    const unsubscribe = source.subscribe((updates) => res.write(`event: update\ndata: ${JSON.stringify(redactor.redactValue(updates))}\n\n`));
    req.on("close", () => {
      unsubscribe();
      this.#streams.delete(res);
    });
  }
}

function refuse(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { ...COMMON_HEADERS, "Content-Type": "text/plain; charset=utf-8" });
  res.end(`${message}\n`);
}

/** A fixed-length digest, so comparing tokens takes the same time whatever their length. */
function digest(token: string): Buffer {
  return createHash("sha256").update(token).digest();
}
