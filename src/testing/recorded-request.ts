/**
 * What a MockModelServer remembers about each request it got, so tests can assert what codex
 * sent to the model (prompt, tools, tool results, output schema) without a proxy.
 */
import type { IncomingHttpHeaders } from "node:http";

/** How the server answered a request. */
export type RequestOutcome =
  /** The next scripted response was served. */
  | "scripted"
  /** The script was empty and the `fallback` response was served. */
  | "fallback"
  /** The script was empty and there was no fallback: HTTP 500. */
  | "exhausted"
  /** Not a `POST .../responses`: HTTP 404. */
  | "not_found";

/** One request as the server received it. */
export interface RecordedRequest<B = unknown> {
  /** The HTTP method, e.g. `POST`. */
  method: string;
  /** Path with query string, e.g. `/v1/responses`. */
  path: string;
  /** The request headers (names lower-cased, as Node gives them). */
  headers: IncomingHttpHeaders;
  /** The body parsed as JSON, or the raw text when it is not JSON (empty string when there was none). */
  body: B;
  /** When the request arrived (milliseconds since the epoch). */
  receivedAt: number;
  /** How the server answered it. */
  outcome: RequestOutcome;
}

/** One entry of a Responses request's `input`: messages, function calls, their outputs, reasoning. */
export interface ResponsesInputItem {
  /** The entry's kind, e.g. `message`, `function_call`, `function_call_output` or `reasoning`. */
  type?: string;
  /** A message's role, e.g. `user`, `assistant` or `developer`. */
  role?: string;
  /** A message's content: a string or a list of content parts. */
  content?: unknown;
  /** The call id of a function call or its output. */
  call_id?: string;
  /** A function call's tool name. */
  name?: string;
  /** A function call's arguments, as a JSON string. */
  arguments?: string;
  /** A function call output's result: a string or a list of content parts. */
  output?: unknown;
  [key: string]: unknown;
}

/** The body codex POSTs to `/responses`, typed loosely: only the fields tests usually look at. */
export interface ResponsesRequestBody {
  /** The model asked for. */
  model?: string;
  /** The system instructions codex sends. */
  instructions?: string;
  /** The conversation so far: messages, function calls, their outputs, reasoning. */
  input?: ResponsesInputItem[];
  /** The tools offered to the model. */
  tools?: Array<{
    /** The tool's kind, e.g. `function`. */
    type?: string;
    /** The tool's name. */
    name?: string;
    [key: string]: unknown;
  }>;
  /** Whether the response is asked for as a stream. */
  stream?: boolean;
  /** Text output settings. */
  text?: {
    /** The output format; a `json_schema` one carries the turn's output schema. */
    format?: {
      /** The format's kind, e.g. `json_schema`. */
      type?: string;
      /** The schema's name. */
      name?: string;
      /** The JSON Schema the answer must match. */
      schema?: unknown;
      [key: string]: unknown;
    };
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/** True for a `POST` to a path ending in `/responses`: the only requests that consume the script. */
export function isResponsesRequest(method: string | undefined, path: string): boolean {
  return method === "POST" && /\/responses\/?$/.test(path.split("?")[0] ?? "");
}

/** The body as JSON when it parses, else the text itself. */
export function parseBody(text: string): unknown {
  if (text === "") return "";
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** The `input` items of a recorded `/responses` request (empty when the body has none). */
export function inputItems(request: RecordedRequest<unknown>): ResponsesInputItem[] {
  const body = request.body as ResponsesRequestBody | null;
  return body && typeof body === "object" && Array.isArray(body.input) ? body.input : [];
}

/**
 * The output codex sent back for the tool call `callId` (the `function_call_output` in the
 * request's `input`), as text; `undefined` when the request does not carry it.
 */
export function functionCallOutput(request: RecordedRequest<unknown>, callId: string): string | undefined {
  const item = inputItems(request).find((entry) => entry.type === "function_call_output" && entry.call_id === callId);
  if (!item) return undefined;
  if (typeof item.output === "string") return item.output;
  // Some tools answer with content items ([{type:"input_text", text}, ...]) instead of a string.
  if (Array.isArray(item.output)) {
    return item.output.map((part: { text?: unknown }) => (typeof part?.text === "string" ? part.text : "")).join("");
  }
  return JSON.stringify(item.output);
}

/** The text of the last user message in a recorded `/responses` request (the prompt of the turn). */
export function lastUserText(request: RecordedRequest<unknown>): string | undefined {
  const message = inputItems(request).findLast((entry) => entry.type === "message" && entry.role === "user");
  if (!message) return undefined;
  if (typeof message.content === "string") return message.content;
  if (!Array.isArray(message.content)) return undefined;
  return message.content
    .map((part: { type?: unknown; text?: unknown }) => (part?.type === "input_text" && typeof part.text === "string" ? part.text : ""))
    .join("");
}
