/** A tiny SSE client over `fetch`, to check what a MockModelServer puts on the wire byte for byte. */

/** One parsed SSE event: its `event:` name and its `data:` parsed as JSON. */
export interface ParsedEvent {
  event: string;
  data: { type: string; [key: string]: unknown };
}

/** Parses an SSE body, insisting on the exact `event: X\ndata: JSON\n\n` framing the mock promises. */
export function parseSse(text: string): ParsedEvent[] {
  if (text === "") return [];
  if (!text.endsWith("\n\n")) throw new Error(`SSE body does not end with a blank line: ${JSON.stringify(text.slice(-40))}`);
  return text
    .slice(0, -2)
    .split("\n\n")
    .map((block) => {
      const match = /^event: ([^\n]+)\ndata: ([^\n]+)$/.exec(block);
      if (!match) throw new Error(`malformed SSE block: ${JSON.stringify(block)}`);
      const data = JSON.parse(match[2] as string) as ParsedEvent["data"];
      if (data.type !== match[1]) throw new Error(`event name ${match[1]} differs from data.type ${data.type}`);
      return { event: match[1], data };
    });
}

/** POSTs a minimal Responses request to `<url>/responses`, as codex would. */
export function postResponses(url: string, body: unknown = { model: "mock-model", stream: true, input: [] }): Promise<Response> {
  return fetch(`${url}/responses`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "text/event-stream" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

/** POSTs and returns the parsed event stream of a normal (completing) response. */
export async function streamEvents(url: string, body?: unknown): Promise<ParsedEvent[]> {
  const res = await postResponses(url, body);
  if (res.status !== 200) throw new Error(`expected 200, got ${res.status}: ${await res.text()}`);
  return parseSse(await res.text());
}

/** Event types only, for compact sequence assertions. */
export function types(events: ParsedEvent[]): string[] {
  return events.map((e) => e.event);
}

/** Reads from `reader` until the accumulated text holds `needle`; returns the text. */
export async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, needle: string): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  while (!text.includes(needle)) {
    const { done, value } = await reader.read();
    if (done) throw new Error(`stream ended before ${needle}; got ${JSON.stringify(text)}`);
    text += decoder.decode(value, { stream: true });
  }
  return text;
}
