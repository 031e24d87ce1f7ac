/**
 * Record mode: a loopback proxy in front of the real Responses API. codex talks to it without a
 * key; the proxy adds `Authorization` upstream, passes every reply through to codex as it
 * arrives, and keeps each request's view and each reply's events with their timing, redacted.
 * Client credentials (authorization, cookies, api-key headers) are never forwarded, and no header
 * of a request is kept. The real API echoes the request's instructions and tools in the `response`
 * of its `response.*` events: those echoes are left out of the recording (codex reads the id,
 * usage, output and error there; the echoes are large, and are codex's prompt, which a cassette
 * does not keep). An upstream that fails (5xx, 429, unreachable) before it answers is
 * tried again a few times, so one flaky moment does not end up in the recording.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { isSecretName, withoutUrlCredentials, type Redactor } from "../../errors/index.js";
import { isJsonObject, type JsonObject } from "../../json.js";
import { apiError, sendJson } from "../http-replies.js";
import { parseBody } from "../recorded-request.js";
import type { CassetteRequest, CassetteResponse, Interaction, RecordedEvent } from "./format.js";
import { apiPath, isModelRequest, LoopbackServer } from "./loopback.js";
import { normalizeRequest, type NormalizeOptions, type ViewTool } from "./normalize.js";
import { SseReader, type SseMessage } from "./sse-reader.js";

/** Settings of a recording proxy. */
export interface RecorderSettings {
  /** The API base URL requests go to, without a trailing slash (e.g. `https://api.openai.com/v1`). */
  upstream: string;
  /** Sent upstream as `Authorization: Bearer <apiKey>`; none when undefined. */
  apiKey: string | undefined;
  /** Retries of a request the upstream failed (5xx, 429) or never answered. */
  upstreamRetries: number;
  /** Hides secrets in everything kept. */
  redactor: Redactor;
  /** How request views are made (temp roots). */
  normalize?: Omit<NormalizeOptions, "redact">;
}

/** Request headers never passed on: hop-by-hop ones, and those the proxy sets itself. */
const DROPPED_REQUEST_HEADERS = new Set(["host", "connection", "keep-alive", "content-length", "transfer-encoding", "upgrade", "te", "trailer", "accept-encoding"]);

/** Reply headers never passed back: hop-by-hop ones, and what fetch already undid (compression). */
const DROPPED_RESPONSE_HEADERS = new Set(["connection", "keep-alive", "content-length", "content-encoding", "transfer-encoding", "set-cookie"]);

/** Reply headers a recording keeps: what codex reads (content type, retry hints, rate-limit figures). */
const KEPT_RESPONSE_HEADER = /^(content-type|retry-after|retry-after-ms|openai-model|x-ratelimit-.*|x-codex-.*)$/;

/** The longest wait before a retry of the upstream, whatever its `retry-after` says. */
const MAX_RETRY_DELAY_MS = 10_000;

/** A running recording proxy. */
export class Recorder {
  /** Base URL codex is given. */
  readonly url: string;
  readonly #server: LoopbackServer;
  readonly #settings: RecorderSettings;
  readonly #done = new Map<number, Interaction>();
  readonly #tools = new Map<string, ViewTool[]>();
  readonly #inflight = new Set<Promise<void>>();
  readonly #aborts = new Set<AbortController>();
  #next = 0;
  #codex: string | null = null;

  private constructor(server: LoopbackServer, settings: RecorderSettings) {
    this.#server = server;
    this.#settings = settings;
    this.url = server.url;
  }

  /** Starts the proxy on loopback. */
  static async start(settings: RecorderSettings): Promise<Recorder> {
    // No request can arrive before the server's port is known, so `recorder` is set by then.
    const server = await LoopbackServer.start((req, body, res) => recorder.#handle(req, body, res));
    const recorder = new Recorder(server, settings);
    return recorder;
  }

  /** The codex version that sent the requests (from its user agent), once one arrived. */
  get codexVersion(): string | null {
    return this.#codex;
  }

  /** How many requests arrived so far. */
  get requests(): number {
    return this.#next;
  }

  /** The exchanges finished so far, in request order, and the tool lists they name. */
  snapshot(): { interactions: Interaction[]; tools: Map<string, ViewTool[]> } {
    const interactions = [...this.#done.values()].sort((a, b) => a.request.index - b.request.index);
    return { interactions, tools: new Map(this.#tools) };
  }

  /** Resolves once every exchange in flight has finished (close the `Codex` client first). */
  async settled(): Promise<void> {
    while (this.#inflight.size > 0) await Promise.allSettled([...this.#inflight]);
  }

  /** Stops the proxy; exchanges in flight are cut off (and recorded as incomplete). */
  async close(): Promise<void> {
    for (const controller of this.#aborts) controller.abort();
    await this.#server.close();
    await this.settled();
  }

  #handle(req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void> {
    const work = this.#exchange(req, body, res).catch(() => {
      // The exchange records its own failures; this only keeps a destroyed socket from surfacing.
      res.destroy();
    });
    this.#inflight.add(work);
    void work.finally(() => this.#inflight.delete(work));
    return work;
  }

  async #exchange(req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const elapsed = (): number => Math.round(performance.now() - started);
    const index = this.#next++;
    const method = req.method ?? "GET";
    const path = apiPath(req.url);
    this.#codex ??= codexVersionOf(req.headers["user-agent"]);
    const redactor = this.#settings.redactor;
    let view: CassetteRequest["view"] = null;
    if (isModelRequest(method, path)) {
      const normalized = normalizeRequest(parseBody(body.toString("utf8")), { ...this.#settings.normalize, redact: (value) => redactor.redactValue(value) });
      view = normalized.view;
      this.#tools.set(view.tools, normalized.tools);
    }
    const request: CassetteRequest = { kind: "request", index, method, path, view };
    const controller = new AbortController();
    this.#aborts.add(controller);
    // codex leaving (an interrupted turn) stops the upstream request too.
    res.on("close", () => {
      if (!res.writableFinished) controller.abort();
    });
    try {
      let upstream: Response;
      try {
        upstream = await this.#fetch(`${this.#settings.upstream}${path}`, method, upstreamHeaders(req.headers, this.#settings.apiKey), body, controller.signal);
      } catch (error) {
        const reason = redactor.redact(withoutUrlCredentials(error instanceof Error ? `${error.message}${causeOf(error)}` : String(error)));
        const reply = apiError(`codexkit cassette: the upstream ${withoutUrlCredentials(this.#settings.upstream)} could not be reached: ${reason}`, "upstream_unreachable", "server_error");
        if (!res.destroyed) sendJson(res, 502, reply);
        this.#record(request, { kind: "response", index, status: 502, headers: { "content-type": "application/json" }, body: reply, ms: elapsed() });
        return;
      }
      const response = await this.#relay(upstream, res, elapsed, controller.signal);
      this.#record(request, { ...response, index });
    } finally {
      this.#aborts.delete(controller);
    }
  }

  /** Passes the upstream reply to codex as it arrives, and returns it as recorded. */
  async #relay(upstream: Response, res: ServerResponse, elapsed: () => number, signal: AbortSignal): Promise<Omit<CassetteResponse, "index">> {
    const redactor = this.#settings.redactor;
    const ms = elapsed();
    const kept: Record<string, string> = {};
    const passed: Record<string, string> = {};
    upstream.headers.forEach((value, name) => {
      if (KEPT_RESPONSE_HEADER.test(name)) kept[name] = redactor.redact(value);
      if (!DROPPED_RESPONSE_HEADERS.has(name)) passed[name] = value;
    });
    if (!res.destroyed) {
      res.writeHead(upstream.status, passed);
      res.flushHeaders();
    }
    const streamed = /text\/event-stream/i.test(upstream.headers.get("content-type") ?? "");
    const reader = new SseReader();
    const events: RecordedEvent[] = [];
    const chunks: Buffer[] = [];
    const keep = (message: SseMessage): void => {
      events.push(recordedEvent(message, elapsed(), (value) => redactor.redactValue(value)));
    };
    let complete = false;
    try {
      if (upstream.body) {
        for await (const chunk of upstream.body as AsyncIterable<Uint8Array>) {
          const bytes = Buffer.from(chunk);
          if (!res.destroyed) res.write(bytes);
          if (streamed) reader.push(bytes).forEach(keep);
          else chunks.push(bytes);
        }
      }
      complete = !signal.aborted;
    } catch {
      // The upstream broke off (or codex left): what arrived is kept, and marked incomplete.
    }
    if (streamed) reader.end().forEach(keep);
    if (complete) res.end();
    else res.destroy();
    const response: Omit<CassetteResponse, "index"> = { kind: "response", status: upstream.status, headers: kept, ms };
    if (streamed) response.events = events;
    else Object.assign(response, recordedBody(Buffer.concat(chunks).toString("utf8"), (value) => redactor.redactValue(value)));
    if (!complete) response.incomplete = true;
    return response;
  }

  #record(request: CassetteRequest, response: CassetteResponse): void {
    this.#done.set(request.index, { request, response });
  }

  /** `fetch`, tried again after a 5xx, a 429 or a failed connection, up to `upstreamRetries` times. */
  async #fetch(url: string, method: string, headers: Record<string, string>, body: Buffer, signal: AbortSignal): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await fetch(url, { method, headers, body: method === "GET" || method === "HEAD" ? undefined : body, signal });
      } catch (error) {
        if (signal.aborted || attempt >= this.#settings.upstreamRetries) throw error;
        await sleep(backoff(attempt), undefined, { signal });
        continue;
      }
      if ((response.status === 429 || response.status >= 500) && attempt < this.#settings.upstreamRetries) {
        await response.body?.cancel();
        await sleep(retryDelay(response.headers.get("retry-after"), attempt), undefined, { signal });
        continue;
      }
      return response;
    }
  }
}

/** codex's own headers, passed on; hop-by-hop and credential headers left out; the key added. */
export function upstreamHeaders(incoming: IncomingHttpHeaders, apiKey: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(incoming)) {
    if (value === undefined || DROPPED_REQUEST_HEADERS.has(name) || isSecretName(name)) continue;
    out[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  if (apiKey !== undefined && apiKey !== "") out.authorization = `Bearer ${apiKey}`;
  return out;
}

/**
 * A received event as kept: its data parsed when it is JSON (else its text), the event name only
 * when it differs from the data's type. `redact` hides secrets in either.
 */
export function recordedEvent(message: SseMessage, ms: number, redact: <T>(value: T) => T = (value) => value): RecordedEvent {
  let event: RecordedEvent;
  let type: unknown;
  try {
    const data = JSON.parse(message.data) as unknown;
    type = isJsonObject(data) ? data.type : undefined;
    event = { ms, data: redact(withoutEchoes(data)) };
  } catch {
    event = { ms, text: redact(message.data) };
  }
  if (message.event !== undefined && message.event !== type) event.event = message.event;
  return event;
}

/** A reply body as kept: parsed when it is JSON, else its text (empty for none). */
export function recordedBody(text: string, redact: <T>(value: T) => T = (value) => value): Pick<CassetteResponse, "body" | "bodyText"> {
  if (text === "") return { bodyText: "" };
  try {
    return { body: redact(JSON.parse(text) as unknown) };
  } catch {
    return { bodyText: redact(text) };
  }
}

/** The request fields the API repeats in a `response.*` event's `response`, which a recording leaves out. */
const ECHOED_FIELDS = ["instructions", "tools"];

/** `data` without the request's instructions and tools echoed in its `response` (a copy when changed). */
export function withoutEchoes(data: unknown): unknown {
  if (!isJsonObject(data) || !isJsonObject(data.response) || !ECHOED_FIELDS.some((field) => field in (data.response as JsonObject))) return data;
  const response: JsonObject = { ...data.response };
  for (const field of ECHOED_FIELDS) delete response[field];
  return { ...data, response };
}

/** The codex version in a user agent such as `codexkit/0.169.0 (Debian 12; x86_64) ...`. */
export function codexVersionOf(userAgent: string | undefined): string | null {
  const match = /^[^\s/]+\/(\d+\.\d+\.\d+[^\s]*)/.exec(userAgent ?? "");
  return match ? match[1]! : null;
}

function backoff(attempt: number): number {
  return Math.min(MAX_RETRY_DELAY_MS, 250 * 2 ** attempt);
}

/** The upstream's `retry-after` (seconds) when it gave one, else exponential back-off. */
function retryDelay(retryAfter: string | null, attempt: number): number {
  const seconds = retryAfter === null ? NaN : Number(retryAfter);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.min(MAX_RETRY_DELAY_MS, seconds * 1000) : backoff(attempt);
}

/** ` (<cause>)` for fetch's "fetch failed", whose reason is in its cause. */
function causeOf(error: Error): string {
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? ` (${cause.message})` : "";
}
