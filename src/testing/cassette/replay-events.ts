/**
 * Recorded replies as replay sends them: SSE text again, with one adjustment for the transport
 * that replays. A codexkit tool is `mcp__codexkit/<name>` on exec (served over MCP) and a plain
 * function `<name>` on app-server (a dynamic tool), so the model's call of it names the namespace
 * on one and not on the other. When the request being answered offers the tool only the other
 * way, the call is rewritten to the way it is offered, so a session recorded on either transport
 * replays on both.
 */
import { isJsonObject, type JsonObject } from "../../json.js";
import type { RecordedEvent } from "./format.js";
import { CODEXKIT_NAMESPACE } from "./normalize.js";

/** The tools a request offers: plain names, and `namespace/name` for namespaced ones. */
export type OfferedTools = ReadonlySet<string>;

/** The names of the tools in a raw request body's `tools`. */
export function offeredTools(body: unknown): OfferedTools {
  const names = new Set<string>();
  const tools = isJsonObject(body) && Array.isArray(body.tools) ? (body.tools as unknown[]) : [];
  for (const tool of tools) {
    if (!isJsonObject(tool) || typeof tool.name !== "string") continue;
    if (tool.type === "namespace" && Array.isArray(tool.tools)) {
      for (const child of tool.tools as unknown[]) if (isJsonObject(child) && typeof child.name === "string") names.add(`${tool.name}/${child.name}`);
    } else {
      names.add(tool.name);
    }
  }
  return names;
}

/** `data` with its function calls of codexkit tools named the way `offered` has them (a copy when changed). */
export function adaptEventData(data: unknown, offered: OfferedTools): unknown {
  if (!isJsonObject(data)) return data;
  let out = data;
  if (isJsonObject(data.item)) {
    const item = adaptCall(data.item, offered);
    if (item !== data.item) out = { ...out, item };
  }
  const response = data.response;
  if (isJsonObject(response) && Array.isArray(response.output)) {
    const output = (response.output as unknown[]).map((entry) => (isJsonObject(entry) ? adaptCall(entry, offered) : entry));
    if (output.some((entry, i) => entry !== (response.output as unknown[])[i])) out = { ...out, response: { ...response, output } };
  }
  return out;
}

function adaptCall(item: JsonObject, offered: OfferedTools): JsonObject {
  if (item.type !== "function_call" || typeof item.name !== "string") return item;
  const namespaced = `${CODEXKIT_NAMESPACE}/${item.name}`;
  if (item.namespace === CODEXKIT_NAMESPACE && !offered.has(namespaced) && offered.has(item.name)) {
    const { namespace: _namespace, ...rest } = item;
    return rest;
  }
  if (item.namespace === undefined && !offered.has(item.name) && offered.has(namespaced)) return { ...item, namespace: CODEXKIT_NAMESPACE };
  return item;
}

/** One recorded event as SSE text (`event:` from the recording, else the data's `type`), with `data` for its data when given. */
export function encodeRecordedEvent(event: RecordedEvent, data: unknown = event.data): string {
  const name = event.event ?? (isJsonObject(data) && typeof data.type === "string" ? data.type : undefined);
  const text = event.text ?? JSON.stringify(data ?? null);
  const lines = text.split(/\r\n|\n|\r/).map((line) => `data: ${line}`);
  return `${name === undefined ? "" : `event: ${name}\n`}${lines.join("\n")}\n\n`;
}
