/**
 * The HTTP server a cassette puts in front of codex: 127.0.0.1 only, a random free port, and a
 * close that ends open connections (a stream still being replayed, say) instead of waiting.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** Handles one request whose body has been read. */
export type LoopbackHandler = (req: IncomingMessage, body: Buffer, res: ServerResponse) => void | Promise<void>;

/** A started loopback server. */
export class LoopbackServer {
  /** Base URL codex is given, e.g. `http://127.0.0.1:41234/v1`. */
  readonly url: string;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  #closing: Promise<void> | undefined;

  private constructor(server: Server) {
    this.#server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    server.on("connection", (socket) => {
      this.#sockets.add(socket);
      socket.on("close", () => this.#sockets.delete(socket));
    });
  }

  /** Listens on 127.0.0.1 and a free port; each request reaches `handler` once its body is read. */
  static async start(handler: LoopbackHandler): Promise<LoopbackServer> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("error", () => res.destroy());
      req.on("end", () => {
        Promise.resolve(handler(req, Buffer.concat(chunks), res)).catch(() => res.destroy());
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
    return new LoopbackServer(server);
  }

  /** Stops listening and destroys open connections. Safe to call twice. */
  close(): Promise<void> {
    this.#closing ??= new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      for (const socket of this.#sockets) socket.destroy();
    });
    return this.#closing;
  }
}

/** The request path without the `/v1` prefix of the base URL codex was given (`/v1/responses` → `/responses`). */
export function apiPath(url: string | undefined): string {
  const path = url ?? "/";
  return path.startsWith("/v1/") || path === "/v1" ? path.slice(3) || "/" : path;
}

/**
 * True for a model request: a `POST` to `/responses`, or to a path under it (codex's remote
 * compaction), whose body is a conversation to compare.
 */
export function isModelRequest(method: string | undefined, path: string): boolean {
  return method === "POST" && /\/responses(\/[A-Za-z0-9_-]+)?\/?$/.test(path.split("?")[0] ?? "");
}
