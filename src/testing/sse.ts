/**
 * Turns scripted responses into the Responses API's server-sent events, in the shapes codex
 * 0.169.0 parses. Kept free of I/O so the exact event sequences can be unit tested.
 */
import {
  DEFAULT_DELTA_CHUNKS,
  DEFAULT_USAGE,
  type DeltaOption,
  type MockDisconnect,
  type MockFailure,
  type MockOutput,
  type MockStall,
  type MockStream,
  type MockUsage,
  type MockUsageOverrides,
} from "./script.js";

/** One SSE event's JSON; its `type` is also the SSE `event:` name. */
export interface SseEvent {
  type: string;
  [key: string]: unknown;
}

/** The code `response.failed` carries when a `fail()` gives none; codex treats it as a retryable server fault. */
export const DEFAULT_FAILURE_CODE = "server_error";

/** Hands out `resp_1`, `msg_1`, `call_1`, ...: one counter per prefix, so ids are unique per server and predictable in tests. */
export class IdSource {
  readonly #counters = new Map<string, number>();

  /** The next id with `prefix`, e.g. `next("call")` → `call_3`. */
  next(prefix: string): string {
    const n = (this.#counters.get(prefix) ?? 0) + 1;
    this.#counters.set(prefix, n);
    return `${prefix}_${n}`;
  }
}

/** `event: <type>\ndata: <json>\n\n`; JSON never holds a raw newline, so one data line always suffices. */
export function encodeSseEvent(event: SseEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/** A response that is answered with a stream (everything but an HTTP error). */
export type StreamedResponse = MockStream | MockFailure | MockStall | MockDisconnect;

/**
 * Every event `response` sends, in order. Streams end with `response.completed`, failures with
 * `response.failed`; stalls and disconnects stop after their outputs (the server then holds or
 * breaks the connection).
 */
export function responseEvents(response: StreamedResponse, ids: IdSource): SseEvent[] {
  const id = response.id ?? ids.next("resp");
  const events: SseEvent[] = [{ type: "response.created", response: { id } }];
  if (response.type === "fail") {
    events.push({
      type: "response.failed",
      response: { id, error: { code: response.code ?? DEFAULT_FAILURE_CODE, message: response.message } },
    });
    return events;
  }
  (response.outputs ?? []).forEach((output, index) => events.push(...outputEvents(output, index, ids)));
  if (response.type === "stream") {
    events.push({ type: "response.completed", response: { id, usage: mergeUsage(response.usage) } });
  }
  return events;
}

/** The events of one output at position `outputIndex` of its response. */
function outputEvents(output: MockOutput, outputIndex: number, ids: IdSource): SseEvent[] {
  switch (output.type) {
    case "message": {
      const id = output.id ?? ids.next("msg");
      const done = {
        type: "response.output_item.done",
        output_index: outputIndex,
        item: { type: "message", role: "assistant", id, content: [{ type: "output_text", text: output.text }] },
      };
      const chunks = deltaChunks(output.text, output.deltas);
      if (chunks === null) return [done];
      return [
        { type: "response.output_item.added", output_index: outputIndex, item: { type: "message", role: "assistant", id, content: [] } },
        ...chunks.map((delta) => ({ type: "response.output_text.delta", item_id: id, output_index: outputIndex, content_index: 0, delta })),
        done,
      ];
    }
    case "reasoning": {
      const id = output.id ?? ids.next("rs");
      const done = {
        type: "response.output_item.done",
        output_index: outputIndex,
        item: { type: "reasoning", id, summary: [{ type: "summary_text", text: output.text }] },
      };
      const chunks = deltaChunks(output.text, output.deltas);
      if (chunks === null) return [done];
      return [
        { type: "response.output_item.added", output_index: outputIndex, item: { type: "reasoning", id, summary: [] } },
        ...chunks.map((delta) => ({
          type: "response.reasoning_summary_text.delta",
          item_id: id,
          output_index: outputIndex,
          summary_index: 0,
          delta,
        })),
        done,
      ];
    }
    case "function_call": {
      const item: Record<string, unknown> = {
        type: "function_call",
        call_id: output.callId ?? ids.next("call"),
        name: output.name,
        arguments: output.arguments,
      };
      if (output.namespace !== undefined) item.namespace = output.namespace;
      return [{ type: "response.output_item.done", output_index: outputIndex, item }];
    }
    case "raw_event":
      return [output.event];
  }
}

/**
 * Splits `text` into the requested number of deltas (`null` = no deltas). Splits between code
 * points, never inside a surrogate pair, so every delta is valid text on its own.
 */
export function deltaChunks(text: string, option: DeltaOption | undefined): string[] | null {
  if (option === undefined || option === false) return null;
  const wanted = option === true ? DEFAULT_DELTA_CHUNKS : Math.floor(option);
  if (!(wanted >= 1)) return null;
  const points = Array.from(text);
  if (points.length === 0) return [];
  const count = Math.min(wanted, points.length);
  const chunks: string[] = [];
  for (let i = 0; i < count; i++) {
    chunks.push(points.slice(Math.floor((i * points.length) / count), Math.floor(((i + 1) * points.length) / count)).join(""));
  }
  return chunks;
}

/** `DEFAULT_USAGE` with `overrides` applied; `total_tokens` follows input + output unless overridden. */
export function mergeUsage(overrides: MockUsageOverrides = {}): MockUsage {
  const input = overrides.input_tokens ?? DEFAULT_USAGE.input_tokens;
  const output = overrides.output_tokens ?? DEFAULT_USAGE.output_tokens;
  return {
    input_tokens: input,
    input_tokens_details: { ...DEFAULT_USAGE.input_tokens_details, ...overrides.input_tokens_details },
    output_tokens: output,
    output_tokens_details: { ...DEFAULT_USAGE.output_tokens_details, ...overrides.output_tokens_details },
    total_tokens: overrides.total_tokens ?? input + output,
  };
}
