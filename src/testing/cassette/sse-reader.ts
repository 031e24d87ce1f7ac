/**
 * Reads a server-sent event stream as it arrives, in chunks cut anywhere: `event:` and `data:`
 * fields (several data lines joined with a newline), comments and other fields skipped, any line
 * ending (`\n`, `\r\n`, `\r`), as the SSE specification reads them.
 */
import { StringDecoder } from "node:string_decoder";

/** One event as sent. */
export interface SseMessage {
  /** The `event:` field, when there was one. */
  event?: string;
  /** The `data:` lines joined with newlines. */
  data: string;
}

/** An incremental SSE reader: `push` chunks, get the events they complete. */
export class SseReader {
  readonly #decoder = new StringDecoder("utf8");
  #buffer = "";
  #event: string | undefined;
  #data: string[] = [];

  /** The events completed by `chunk` (UTF-8 bytes or text). */
  push(chunk: Buffer | string): SseMessage[] {
    this.#buffer += typeof chunk === "string" ? chunk : this.#decoder.write(chunk);
    const out: SseMessage[] = [];
    for (;;) {
      const match = /\r\n|\n|\r/.exec(this.#buffer);
      // A lone `\r` at the end may be the first half of `\r\n`: wait for the next chunk.
      if (!match || (match[0] === "\r" && match.index === this.#buffer.length - 1)) break;
      const line = this.#buffer.slice(0, match.index);
      this.#buffer = this.#buffer.slice(match.index + match[0].length);
      const message = this.#line(line);
      if (message) out.push(message);
    }
    return out;
  }

  /** The event still being assembled when the stream ends (a stream may end without a final blank line). */
  end(): SseMessage[] {
    const rest = this.#buffer + this.#decoder.end();
    this.#buffer = "";
    const out: SseMessage[] = [];
    if (rest !== "") {
      const message = this.#line(rest);
      if (message) out.push(message);
    }
    const last = this.#dispatch();
    if (last) out.push(last);
    return out;
  }

  #line(line: string): SseMessage | undefined {
    if (line === "") return this.#dispatch();
    if (line.startsWith(":")) return undefined;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") this.#event = value;
    else if (field === "data") this.#data.push(value);
    return undefined;
  }

  #dispatch(): SseMessage | undefined {
    const data = this.#data;
    const event = this.#event;
    this.#data = [];
    this.#event = undefined;
    if (data.length === 0) return undefined;
    return event === undefined ? { data: data.join("\n") } : { event, data: data.join("\n") };
  }
}
