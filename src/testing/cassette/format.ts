/**
 * The cassette file: JSON Lines, every line canonical JSON (sorted keys). A header line first
 * (format, version, the codex that was recorded, the model settings replay repeats), then for
 * each HTTP exchange a request line and a response line, in the order codex sent the requests.
 * Tool lists are long and rarely change, so each distinct one is a `tools` line of its own,
 * written before the first request that offers it, and requests name it by hash.
 */
import { InvalidOptionsError } from "../../errors/index.js";
import { isJsonObject } from "../../json.js";
import { canonicalJson, jsonHash } from "./canonical.js";
import type { RequestView, ViewTool } from "./normalize.js";

/** The `format` of the header line. */
export const CASSETTE_FORMAT = "codexkit-cassette";

/** The file format version this codexkit writes and reads. */
export const CASSETTE_VERSION = 1;

/** The first line: what the file is, and the settings replay repeats. */
export interface CassetteHeader {
  /** Discriminant: the header. */
  kind: "header";
  /** Always `codexkit-cassette`. */
  format: typeof CASSETTE_FORMAT;
  /** The format version. */
  version: number;
  /** The codex version that sent the recorded requests (from its user agent), when known. */
  codex: string | null;
  /** The codexkit version that recorded the file. */
  codexkit: string;
  /** The model codex was configured with (null: codex's default). */
  model: string | null;
  /** Whether codex was given model metadata for `model` (a model it does not know). */
  modelCatalog: boolean;
}

/** A tool list, named by the hash requests use. */
export interface CassetteTools {
  /** Discriminant: a tool list. */
  kind: "tools";
  /** `jsonHash(tools)`. */
  hash: string;
  /** The tools, normalized and sorted. */
  tools: ViewTool[];
}

/** A request codex sent, as matching compares it. */
export interface CassetteRequest {
  /** Discriminant: a request. */
  kind: "request";
  /** Its position among the recorded requests, from 0. */
  index: number;
  /** HTTP method. */
  method: string;
  /** Path under the API base URL, e.g. `/responses`. */
  path: string;
  /** The model request's view; null for any other request (matched by method and path only). */
  view: RequestView | null;
}

/** One server-sent event of a recorded reply. */
export interface RecordedEvent {
  /** Milliseconds from the request's arrival to this event. */
  ms: number;
  /** The SSE `event:` name, when it differs from the data's `type`. */
  event?: string;
  /** The event's data, parsed (absent when it was not JSON: see `text`). */
  data?: unknown;
  /** The event's data as sent, when it was not JSON (a `[DONE]` marker, say). */
  text?: string;
}

/** The reply to a request. */
export interface CassetteResponse {
  /** Discriminant: a response. */
  kind: "response";
  /** The index of the request it answers. */
  index: number;
  /** HTTP status. */
  status: number;
  /** The response headers replay repeats (content type and retry hints); never cookies or credentials. */
  headers: Record<string, string>;
  /** The SSE events of a streamed reply. */
  events?: RecordedEvent[];
  /** The body of a reply that is not a stream, parsed (absent when it was not JSON: see `bodyText`). */
  body?: unknown;
  /** The body of a reply that is not a stream, as sent, when it was not JSON. */
  bodyText?: string;
  /** Milliseconds from the request's arrival to the response headers. */
  ms: number;
  /** The reply broke off before its end (the connection dropped); replay breaks it at the same point. */
  incomplete?: boolean;
}

/** One request and its reply. */
export interface Interaction {
  /** The request. */
  request: CassetteRequest;
  /** The reply. */
  response: CassetteResponse;
}

/** A whole cassette in memory. */
export interface CassetteData {
  /** The header. */
  header: CassetteHeader;
  /** The exchanges, in recorded order. */
  interactions: Interaction[];
  /** The tool lists, by hash. */
  tools: Map<string, ViewTool[]>;
}

/** The file's text: header, then tools lines as first needed, then request and response lines. */
export function serializeCassette(data: CassetteData): string {
  const lines = [canonicalJson(data.header)];
  const written = new Set<string>();
  for (const { request, response } of data.interactions) {
    const hash = request.view?.tools;
    if (hash !== undefined && !written.has(hash)) {
      const tools = data.tools.get(hash);
      if (tools === undefined) throw new Error(`cassette: request ${request.index} names tool list ${hash}, which is missing`);
      lines.push(canonicalJson({ kind: "tools", hash, tools } satisfies CassetteTools));
      written.add(hash);
    }
    lines.push(canonicalJson(request), canonicalJson(response));
  }
  return `${lines.join("\n")}\n`;
}

/** Parses a cassette file's text; `file` names it in errors (`InvalidOptionsError` with the line number). */
export function parseCassette(text: string, file: string): CassetteData {
  const fail = (line: number, what: string): never => {
    throw new InvalidOptionsError(`cassette ${file}, line ${line}: ${what}`);
  };
  const rows = text.split("\n");
  if (rows.at(-1) === "") rows.pop();
  if (rows.length === 0) fail(1, "the file is empty; record it again (delete it, or set CODEXKIT_CASSETTE=record)");
  const tools = new Map<string, ViewTool[]>();
  const indexes = new Set<number>();
  let pending: CassetteRequest | undefined;
  const interactions: Interaction[] = [];
  let header: CassetteHeader | undefined;
  rows.forEach((row, offset) => {
    const line = offset + 1;
    let value: unknown;
    try {
      value = JSON.parse(row) as unknown;
    } catch {
      fail(line, "not valid JSON");
    }
    if (!isJsonObject(value)) return fail(line, "not a JSON object");
    if (line === 1) {
      header = checkHeader(value, (what) => fail(1, what));
      return;
    }
    switch (value.kind) {
      case "tools": {
        if (typeof value.hash !== "string" || !Array.isArray(value.tools)) return fail(line, "a tools line needs a hash and a tools array");
        if (jsonHash(value.tools) !== value.hash) fail(line, `the tools do not match their hash ${value.hash} (edited by hand?)`);
        tools.set(value.hash, value.tools as ViewTool[]);
        return;
      }
      case "request": {
        const request = value as unknown as CassetteRequest;
        if (!Number.isInteger(request.index) || typeof request.method !== "string" || typeof request.path !== "string") {
          return fail(line, "a request line needs an integer index, a method and a path");
        }
        if (request.view !== null && (!isJsonObject(request.view) || typeof request.view.tools !== "string" || !Array.isArray(request.view.input))) {
          return fail(line, "a request's view needs tools and input");
        }
        if (pending) fail(line, `request ${pending.index} has no response line (a request's response comes right after it)`);
        if (request.view !== null && !tools.has(request.view.tools)) fail(line, `request ${request.index} names tool list ${request.view.tools}, not defined above it`);
        if (indexes.has(request.index)) fail(line, `request ${request.index} appears twice`);
        indexes.add(request.index);
        pending = request;
        return;
      }
      case "response": {
        const response = value as unknown as CassetteResponse;
        if (!Number.isInteger(response.index) || !Number.isInteger(response.status)) return fail(line, "a response line needs an integer index and status");
        const request = pending;
        if (request?.index !== response.index) return fail(line, `response ${response.index} does not follow its request line`);
        if (response.events !== undefined && !Array.isArray(response.events)) fail(line, "a response's events must be an array");
        pending = undefined;
        interactions.push({ request, response: { ...response, headers: isJsonObject(response.headers) ? response.headers : {} } });
        return;
      }
      default:
        fail(line, `unknown line kind ${JSON.stringify(value.kind)}`);
    }
  });
  if (pending) fail(rows.length, `request ${pending.index} has no response line`);
  return { header: header!, interactions, tools };
}

function checkHeader(value: Record<string, unknown>, fail: (what: string) => never): CassetteHeader {
  if (value.kind !== "header" || value.format !== CASSETTE_FORMAT) fail(`not a codexkit cassette (the first line must be its header, format "${CASSETTE_FORMAT}")`);
  if (value.version !== CASSETTE_VERSION) {
    fail(`format version ${JSON.stringify(value.version)}, but this codexkit reads version ${CASSETTE_VERSION}: record it again`);
  }
  return {
    kind: "header",
    format: CASSETTE_FORMAT,
    version: CASSETTE_VERSION,
    codex: typeof value.codex === "string" ? value.codex : null,
    codexkit: typeof value.codexkit === "string" ? value.codexkit : "unknown",
    model: typeof value.model === "string" ? value.model : null,
    modelCatalog: value.modelCatalog === true,
  };
}
