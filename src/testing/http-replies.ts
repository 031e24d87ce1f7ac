/**
 * The plain (non-SSE) HTTP answers of a MockModelServer: scripted HTTP errors and the server's
 * own errors (script exhausted, unknown path), all in the Responses API's error shape.
 *
 * How codex 0.169.0 surfaces them in `codex exec --json`:
 * - 500: always "We’re currently experiencing high demand, which may cause temporary errors."
 *   (the body's message is not shown; retried `request_max_retries` times first).
 * - other 5xx, 401, 404: "unexpected status <code> <reason>: <body message>, url: <url>".
 * - 400: the raw body text.
 * - 429: never retried by `request_max_retries`; it fails the attempt with "exceeded retry
 *   limit, last status: 429 Too Many Requests". Only with a `retry-after` (seconds) header, and
 *   `stream_max_retries` > 0, codex waits that long and retries, emitting an `error` event
 *   "Reconnecting... 1/N (exceeded retry limit, last status: 429 Too Many Requests)".
 *   `retry-after-ms` is ignored. A body with type `usage_limit_reached` gives codex's usage-limit text.
 */
import type { ServerResponse } from "node:http";
import type { MockHttpError } from "./script.js";

/** The Responses API's error body: `{error:{message,type,code}}`. */
export function apiError(message: string, code: string, type: string = code): { error: { message: string; type: string; code: string } } {
  return { error: { message, type, code } };
}

/** Sends `body` as a JSON response with `status`. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** The error type/code the real API uses for common statuses, so codex classifies the error as it would in production. */
function defaultErrorCode(status: number): string {
  if (status === 429) return "rate_limit_exceeded";
  if (status === 401) return "invalid_api_key";
  if (status === 400) return "invalid_request_error";
  if (status >= 500) return "server_error";
  return "mock_http_error";
}

/** Sends a scripted HTTP error: its status, retry headers, and body (JSON unless a string). */
export function sendHttpError(res: ServerResponse, response: MockHttpError): void {
  const headers: Record<string, string> = { ...response.headers };
  if (response.retryAfter !== undefined) headers["retry-after"] = String(response.retryAfter);
  if (response.retryAfterMs !== undefined) headers["retry-after-ms"] = String(response.retryAfterMs);
  const body = response.body ?? apiError(`MockModelServer: scripted HTTP ${response.status}`, defaultErrorCode(response.status));
  if (typeof body === "string") {
    res.writeHead(response.status, { "content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(body), ...headers });
    res.end(body);
    return;
  }
  sendJson(res, response.status, body, headers);
}
