/**
 * A scripted OpenAI Responses API server on loopback for the real codex binary: each
 * `POST /v1/responses` is answered with the next scripted response, and every request is
 * recorded. Only node built-ins, so it works wherever codexkit does, with no network.
 */
import { mkdirSync, mkdtempSync } from "node:fs";
import { rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { mockCodexConfig, isolatedEnv, type CodexOptionsRequest, type MockCodexOptions } from "./codex-options.js";
import {
  isResponsesRequest,
  parseBody,
  lastUserText,
  type RecordedRequest,
  type RequestOutcome,
  type ResponsesRequestBody,
} from "./recorded-request.js";
import { writeModelCatalog } from "./model-catalog.js";
import { assertMockOutput, assertMockResponse } from "./script-checks.js";
import { stream, type MockOutput, type MockResponse } from "./script.js";
import { apiError, sendHttpError, sendJson } from "./http-replies.js";
import { encodeSseEvent, IdSource, responseEvents } from "./sse.js";

/** Options of `MockModelServer.start`. */
export interface MockModelServerOptions {
  /** Model name codex is configured with (default `mock-model`; unknown names make codex use generic tools). */
  model?: string;
  /**
   * Answer once the script runs out: a response served to every extra request, or `"error"`
   * (default) for an HTTP 500 that is also recorded in `unexpectedRequests`.
   */
  fallback?: MockResponse | "error";
}

/** The model name used when none is given. */
export const DEFAULT_MOCK_MODEL = "mock-model";

/** How long `waitForRequests` waits by default: well under a test timeout, so the failure names what was missing. */
export const DEFAULT_WAIT_TIMEOUT_MS = 10_000;

interface Waiter {
  count: number;
  resolve: (requests: RecordedRequest<ResponsesRequestBody>[]) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * A scripted Responses API server; create one with `MockModelServer.start()` and always `close()` it.
 *
 * @example
 * const model = await MockModelServer.start();
 * model.reply(runCommand("echo hi")).reply(say("Done."));
 * const codex = new Codex({ ...model.codexOptions(), transport: "exec" });
 * await codex.startThread({ skipGitRepoCheck: true }).run("Say hi");
 * expect(model.unexpectedRequests).toEqual([]);
 * await model.close();
 */
export class MockModelServer {
  /** Base URL for codex's provider config, e.g. `http://127.0.0.1:41234/v1`. */
  readonly url: string;
  /** The model name `codexOptions()` configures. */
  readonly modelName: string;

  readonly #server: Server;
  readonly #fallback: MockResponse | "error";
  readonly #queue: MockResponse[] = [];
  readonly #requests: RecordedRequest[] = [];
  readonly #unexpected: RecordedRequest[] = [];
  readonly #sockets = new Set<Socket>();
  readonly #tempDirs: string[] = [];
  readonly #waiters = new Set<Waiter>();
  readonly #ids = new IdSource();
  // Aborted on close, to cut short the delays of streams still being written.
  readonly #closed = new AbortController();
  #closing: Promise<void> | undefined;
  // The model catalog file for codex, written at the first `codexOptions()` that wants it.
  #catalogPath: string | undefined;

  private constructor(server: Server, options: MockModelServerOptions) {
    this.#server = server;
    this.#fallback = options.fallback ?? "error";
    this.modelName = options.model ?? DEFAULT_MOCK_MODEL;
    const { port } = server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}/v1`;
    server.on("connection", (socket) => {
      this.#sockets.add(socket);
      socket.on("close", () => this.#sockets.delete(socket));
    });
    server.on("request", (req, res) => this.#onRequest(req, res));
  }

  /** Starts a server on 127.0.0.1 and a random free port. */
  static async start(options: MockModelServerOptions = {}): Promise<MockModelServer> {
    const fallback: unknown = options.fallback;
    if (typeof fallback === "string" && fallback !== "error") {
      throw new TypeError(`fallback must be "error" or a MockResponse such as stream([say("...")]) (got the string ${JSON.stringify(fallback)})`);
    }
    if (fallback !== undefined && fallback !== "error") assertMockResponse(fallback, "fallback");
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
    // `this`, not the class by name: a class that names itself is renamed in the bundle (see scripts/build.mjs).
    return new this(server, options);
  }

  /** Every request so far, in arrival order (a copy). */
  get requests(): RecordedRequest[] {
    return [...this.#requests];
  }

  /** Requests nothing was scripted for: `/responses` after the script ran out (without a fallback response), and other paths. */
  get unexpectedRequests(): RecordedRequest[] {
    return [...this.#unexpected];
  }

  /** Scripted responses not served yet. */
  get pending(): number {
    return this.#queue.length;
  }

  /** Only the `POST .../responses` requests, i.e. the model calls. */
  responseRequests(): RecordedRequest<ResponsesRequestBody>[] {
    return this.#requests.filter((r) => isResponsesRequest(r.method, r.path)) as RecordedRequest<ResponsesRequestBody>[];
  }

  /** Adds responses to the script; each model call consumes the next one, first in first out. */
  enqueue(...responses: MockResponse[]): this {
    this.#assertOpen();
    responses.forEach((response, index) => assertMockResponse(response, responses.length === 1 ? "enqueue()'s response" : `enqueue() argument ${index + 1}`));
    this.#queue.push(...responses);
    return this;
  }

  /** Adds one complete streamed response made of `outputs` (`enqueue(stream(outputs))`). */
  reply(...outputs: MockOutput[]): this {
    this.#assertOpen();
    outputs.forEach((output, index) => assertMockOutput(output, `reply() argument ${index + 1}`));
    return this.enqueue(stream(outputs));
  }

  /** Resolves with the model calls once `count` have arrived; rejects after `timeoutMs` saying how many did. */
  waitForRequests(count: number, timeoutMs: number = DEFAULT_WAIT_TIMEOUT_MS): Promise<RecordedRequest<ResponsesRequestBody>[]> {
    const now = this.responseRequests();
    if (now.length >= count) return Promise.resolve(now);
    if (this.#closing) return Promise.reject(new Error(`MockModelServer closed with ${now.length} of ${count} model requests received`));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        count,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.#waiters.delete(waiter);
          const got = this.responseRequests().length;
          reject(new Error(`MockModelServer: timed out after ${timeoutMs} ms waiting for ${count} model requests; got ${got}`));
        }, timeoutMs),
      };
      this.#waiters.add(waiter);
    });
  }

  /**
   * Options for `new Codex(...)` that point codex at this server with an isolated CODEX_HOME,
   * HOME and environment, and metadata for the model (so no turn starts with a "Model metadata
   * ... not found" `error` item; `modelCatalog: false` to have it). Each call without `codexHome`
   * makes a fresh temp dir, and each call without `inheritHome` a fresh empty HOME; `close()`
   * removes both.
   */
  codexOptions(request: CodexOptionsRequest = {}): MockCodexOptions {
    this.#assertOpen();
    let codexHome = request.codexHome;
    if (codexHome === undefined) {
      codexHome = mkdtempSync(path.join(os.tmpdir(), "codexkit-home-"));
      this.#tempDirs.push(codexHome);
    } else {
      // codex refuses to start when CODEX_HOME does not exist.
      mkdirSync(codexHome, { recursive: true });
    }
    let home: string | undefined;
    if (request.inheritHome !== true) {
      home = mkdtempSync(path.join(os.tmpdir(), "codexkit-userhome-"));
      this.#tempDirs.push(home);
    }
    return {
      codexHome,
      config: mockCodexConfig(this.modelName, this.url, request, request.modelCatalog === false ? undefined : this.#catalog()),
      env: isolatedEnv(process.env, request.env, home),
    };
  }

  /**
   * Stops the server: open connections (stalled streams too) are destroyed, temp dirs removed.
   * Safe to call twice. Close the `Codex` client first: a codex still running writes into its
   * CODEX_HOME until it exits and would recreate a removed one.
   */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    this.#closed.abort();
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const socket of this.#sockets) socket.destroy();
    await closed;
    for (const waiter of this.#waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error(`MockModelServer closed with ${this.responseRequests().length} of ${waiter.count} model requests received`));
    }
    this.#waiters.clear();
    // codex may still be flushing its session files as it exits; retry instead of failing close().
    await Promise.all(this.#tempDirs.map((dir) => rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 })));
  }

  /** The model catalog file (see model-catalog.ts), in a temp dir of this server's, removed on close. */
  #catalog(): string {
    if (this.#catalogPath === undefined) {
      const dir = mkdtempSync(path.join(os.tmpdir(), "codexkit-catalog-"));
      this.#tempDirs.push(dir);
      this.#catalogPath = writeModelCatalog(dir, this.modelName);
    }
    return this.#catalogPath;
  }

  #assertOpen(): void {
    if (this.#closing) throw new Error("MockModelServer is closed");
  }

  #onRequest(req: IncomingMessage, res: ServerResponse): void {
    const receivedAt = Date.now();
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("error", () => res.destroy());
    req.on("end", () => {
      const record: RecordedRequest = {
        method: req.method ?? "GET",
        path: req.url ?? "/",
        headers: req.headers,
        body: parseBody(Buffer.concat(chunks).toString("utf8")),
        receivedAt,
        outcome: "not_found",
      };
      this.#requests.push(record);
      // In our runs codex 0.169.0 (exec and app-server) only ever POSTed /responses: anything else is a surprise.
      if (!isResponsesRequest(record.method, record.path)) {
        this.#unexpected.push(record);
        sendJson(res, 404, apiError(`MockModelServer: no route for ${record.method} ${record.path}`, "not_found"));
        return;
      }
      const response = this.#next(record);
      this.#notifyWaiters();
      if (response === undefined) {
        // codex 0.169.0 shows any 500 as "We’re currently experiencing high demand, ..." without
        // this body, so the message is for people reading recorded traffic; tests should assert
        // on `unexpectedRequests`.
        const prompt = lastUserText(record);
        const hint = prompt === undefined ? "" : ` (last user message: ${JSON.stringify(prompt.slice(0, 200))})`;
        sendJson(res, 500, apiError(`MockModelServer: script exhausted at model request #${this.responseRequests().length}${hint}`, "mock_script_exhausted"));
        return;
      }
      this.#serve(response, res).catch(() => res.destroy());
    });
  }

  /** The response for `record`, setting its outcome; `undefined` when the script is exhausted. */
  #next(record: RecordedRequest): MockResponse | undefined {
    const scripted = this.#queue.shift();
    let outcome: RequestOutcome = "scripted";
    let response: MockResponse | undefined = scripted;
    if (scripted === undefined) {
      outcome = this.#fallback === "error" ? "exhausted" : "fallback";
      response = this.#fallback === "error" ? undefined : this.#fallback;
    }
    record.outcome = outcome;
    if (outcome === "exhausted") this.#unexpected.push(record);
    return response;
  }

  #notifyWaiters(): void {
    const got = this.responseRequests();
    for (const waiter of this.#waiters) {
      if (got.length < waiter.count) continue;
      clearTimeout(waiter.timer);
      this.#waiters.delete(waiter);
      waiter.resolve(got);
    }
  }

  async #serve(response: MockResponse, res: ServerResponse): Promise<void> {
    if (response.type === "http_error") {
      sendHttpError(res, response);
      return;
    }
    const signal = this.#closed.signal;
    const events = responseEvents(response, this.#ids);
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    res.flushHeaders();
    if (response.type === "stall" && response.afterMs) await sleep(response.afterMs, undefined, { signal });
    const delayMs = response.type === "stream" ? (response.delayMs ?? 0) : 0;
    for (const [index, event] of events.entries()) {
      if (delayMs > 0 && index > 0) await sleep(delayMs, undefined, { signal });
      if (res.destroyed) return;
      res.write(encodeSseEvent(event));
    }
    switch (response.type) {
      case "stall":
        // Hold the connection: close() or the client leaving destroys the socket.
        return;
      case "disconnect":
        if (response.graceful) res.end();
        // Destroy only once the events are flushed, so the client sees them before the break.
        else res.write("", () => res.socket?.destroy());
        return;
      default:
        res.end();
    }
  }
}
