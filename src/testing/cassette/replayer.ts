/**
 * Replay mode: a loopback server that answers codex from a cassette, with no network. Each
 * request is reduced to its view and matched (see match.ts); the recorded reply is sent back
 * (instantly, or with its recorded timing), and a request that matches nothing gets an HTTP 409
 * whose message is the `CassetteMismatchError`'s. codex does not retry a 409 and fails the turn
 * with "unexpected status 409 Conflict: <that message>", so the turn ends at once, and the turn
 * layer (through the refiner below) fails it with the mismatch's error itself.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { addFailureRefiner, type Redactor } from "../../errors/index.js";
import { apiError, sendJson } from "../http-replies.js";
import { parseBody } from "../recorded-request.js";
import type { CassetteMismatchError } from "./errors.js";
import type { CassetteData, CassetteResponse } from "./format.js";
import { apiPath, isModelRequest, LoopbackServer } from "./loopback.js";
import { ReplayBook, type CassetteMatchMode, type LiveRequest } from "./match.js";
import { normalizeRequest, type NormalizeOptions } from "./normalize.js";
import { codexVersionOf } from "./recorder.js";
import { adaptEventData, encodeRecordedEvent, offeredTools, type OfferedTools } from "./replay-events.js";

/** How fast recorded replies are sent: all at once, or at the pace they were recorded. */
export type CassetteTiming = "none" | "recorded";

/** The HTTP status of the answer to a request that matches no recording. */
export const MISMATCH_STATUS = 409;

/**
 * The mismatches open replayers sent to codex. The turn layer asks the refiner below about every
 * failed turn: one that failed on a mismatch's 409 (its message carries the mismatch's) fails with
 * that `CassetteMismatchError` itself. A replayer's mismatches leave the set when it closes.
 */
const sentMismatches = new Set<CassetteMismatchError>();
addFailureRefiner((message, failure) => {
  if (failure.httpStatusCode !== MISMATCH_STATUS) return undefined;
  for (const error of sentMismatches) if (message.includes(error.message)) return error;
  return undefined;
});

/** Settings of a replay server. */
export interface ReplayerSettings {
  /** The cassette file (for messages). */
  file: string;
  /** How requests pair with recordings. */
  match: CassetteMatchMode;
  /** The pace of replies. */
  timing: CassetteTiming;
  /** Hides secrets in requests before they are compared, as recording did. */
  redactor: Redactor;
  /** How request views are made (temp roots). */
  normalize?: Omit<NormalizeOptions, "redact">;
}

/** A running replay server. */
export class Replayer {
  /** Base URL codex is given. */
  readonly url: string;
  readonly #server: LoopbackServer;
  readonly #settings: ReplayerSettings;
  readonly #book: ReplayBook;
  readonly #mismatches: CassetteMismatchError[] = [];
  readonly #closed = new AbortController();
  #codex: string | null = null;

  private constructor(server: LoopbackServer, data: CassetteData, settings: ReplayerSettings) {
    this.#server = server;
    this.#settings = settings;
    this.url = server.url;
    this.#book = new ReplayBook(data, settings.match, settings.file, () => versionNote(data.header.codex, this.#codex));
  }

  /** Starts a replay server for `data` on loopback. */
  static async start(data: CassetteData, settings: ReplayerSettings): Promise<Replayer> {
    // No request can arrive before the server's port is known, so `replayer` is set by then.
    const server = await LoopbackServer.start((req, body, res) => replayer.#handle(req, body, res));
    const replayer = new Replayer(server, data, settings);
    return replayer;
  }

  /** Requests that matched no recording, in arrival order. */
  get mismatches(): CassetteMismatchError[] {
    return [...this.#mismatches];
  }

  /** How many requests arrived so far. */
  get requests(): number {
    return this.#book.seen;
  }

  /** The file indexes of the recordings never asked for. */
  unused(): number[] {
    return this.#book.unused();
  }

  /** Stops the server; replies still being sent are cut off. */
  async close(): Promise<void> {
    for (const error of this.#mismatches) sentMismatches.delete(error);
    this.#closed.abort();
    await this.#server.close();
  }

  async #handle(req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void> {
    const method = req.method ?? "GET";
    const path = apiPath(req.url);
    this.#codex ??= codexVersionOf(req.headers["user-agent"]);
    const live: LiveRequest = { method, path, view: null, tools: [] };
    let offered: OfferedTools = new Set();
    if (isModelRequest(method, path)) {
      const parsed = parseBody(body.toString("utf8"));
      const redactor = this.#settings.redactor;
      const normalized = normalizeRequest(parsed, { ...this.#settings.normalize, redact: (value) => redactor.redactValue(value) });
      live.view = normalized.view;
      live.tools = normalized.tools;
      offered = offeredTools(parsed);
    }
    const result = this.#book.match(live);
    if (!result.ok) {
      this.#mismatches.push(result.error);
      sentMismatches.add(result.error);
      sendJson(res, MISMATCH_STATUS, apiError(result.error.message, "cassette_mismatch", "invalid_request_error"));
      return;
    }
    await this.#serve(result.interaction.response, offered, res);
  }

  async #serve(response: CassetteResponse, offered: OfferedTools, res: ServerResponse): Promise<void> {
    const signal = this.#closed.signal;
    const paced = this.#settings.timing === "recorded";
    const started = performance.now();
    const waitUntil = async (ms: number): Promise<void> => {
      const wait = ms - (performance.now() - started);
      if (paced && wait > 0) await sleep(wait, undefined, { signal });
    };
    await waitUntil(response.ms);
    if (response.events === undefined) {
      const text = response.bodyText ?? (response.body === undefined ? "" : JSON.stringify(response.body));
      res.writeHead(response.status, { ...response.headers, "content-length": Buffer.byteLength(text) });
      res.end(text);
      return;
    }
    res.writeHead(response.status, { "cache-control": "no-cache", ...response.headers });
    res.flushHeaders();
    for (const event of response.events) {
      await waitUntil(event.ms);
      if (res.destroyed) return;
      res.write(encodeRecordedEvent(event, adaptEventData(event.data, offered)));
    }
    // A reply that broke off when recorded breaks off here too, once its events are out.
    if (response.incomplete) res.write("", () => res.socket?.destroy());
    else res.end();
  }
}

/** A sentence for mismatch messages when another codex replays than recorded. */
function versionNote(recorded: string | null, replaying: string | null): string {
  if (recorded === null || replaying === null || recorded === replaying) return "";
  return `The cassette was recorded with codex ${recorded}; codex ${replaying} is replaying it, and its requests may differ.`;
}
