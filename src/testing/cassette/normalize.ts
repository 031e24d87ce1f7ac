/**
 * What a cassette compares of a model request: the request reduced to what the test controls (the
 * user's input, tool calls and their outputs, the tools offered, the model and its output format),
 * with what changes between runs taken out: ids, codex's instructions and environment context,
 * absolute temp dir paths, and the timings and chunk ids in command output. Both transports reduce
 * to the same view for the same session (see docs/testing.md for the one difference left).
 */
import { realpathSync } from "node:fs";
import os from "node:os";
import { isJsonObject, type JsonObject } from "../../json.js";
import { jsonHash } from "./canonical.js";

/** One entry of a request's `input`, normalized. */
export type ViewItem = JsonObject;

/** One tool offered to the model, normalized (codexkit's tools unwrapped from their exec namespace). */
export type ViewTool = JsonObject;

/** A model request as a cassette compares it. */
export interface RequestView {
  /** The model asked for. */
  model?: string;
  /** The reasoning settings sent (effort, summary), when any. */
  reasoning?: unknown;
  /** The text settings sent: the output schema of a structured turn, verbosity. */
  text?: unknown;
  /** The hash of the tools offered (`tools` lines of the file hold the list). */
  tools: string;
  /** The conversation the model was given: user messages, its own messages, tool calls and their outputs. */
  input: ViewItem[];
}

/** A request's view and the tool list its `tools` hash stands for. */
export interface NormalizedRequest {
  /** The view. */
  view: RequestView;
  /** The tools offered, normalized and sorted. */
  tools: ViewTool[];
}

/** The namespace codex gives codexkit's tools on exec (they are served over MCP there). */
export const CODEXKIT_NAMESPACE = "mcp__codexkit";

/** Tools codex adds whenever any MCP server is configured: on exec, codexkit's own tool server is one. */
const MCP_RESOURCE_TOOLS = new Set(["list_mcp_resources", "list_mcp_resource_templates", "read_mcp_resource"]);

/** The header codex puts before the output of an MCP tool (exec's path for codexkit tools). */
const MCP_OUTPUT_HEADER = /^Wall time: [\d.]+ seconds\nOutput:$/;

/** The cwd codex announces in its environment context. */
const CWD_IN_CONTEXT = /<cwd>([^<]+)<\/cwd>/;

/** How to reduce values: redaction of secrets, and the temp dir roots whose child names are normalized. */
export interface NormalizeOptions {
  /** Redacts a JSON-like value (applied to the whole view and tool list last). */
  redact?: <T>(value: T) => T;
  /** Temp dir roots; default: the OS temp dir (and its real path), and `/tmp` outside Windows. */
  tmpRoots?: readonly string[];
}

/** Reduces the body of a `POST /responses` request to its view. */
export function normalizeRequest(body: unknown, options: NormalizeOptions = {}): NormalizedRequest {
  const request = isJsonObject(body) ? body : {};
  const input = Array.isArray(request.input) ? (request.input as unknown[]) : [];
  const strings = stringNormalizer(cwdOf(input), options.tmpRoots ?? defaultTmpRoots());
  const calls = new Map<string, string>();
  const callRef = (id: unknown): string => {
    const key = String(id);
    if (!calls.has(key)) calls.set(key, `#${calls.size + 1}`);
    return calls.get(key)!;
  };
  const items = input.flatMap((item) => {
    const out = viewItem(item, callRef, strings);
    return out === null ? [] : [out];
  });
  const tools = normalizeTools(request.tools, strings);
  const view: RequestView = { tools: jsonHash(tools), input: items };
  if (typeof request.model === "string") view.model = request.model;
  if (request.reasoning !== undefined && request.reasoning !== null) view.reasoning = deepStrings(request.reasoning, strings);
  if (request.text !== undefined && request.text !== null) view.text = deepStrings(request.text, strings);
  const redact = options.redact ?? (<T>(value: T): T => value);
  const redactedTools = redact(tools);
  return { view: { ...redact(view), tools: jsonHash(redactedTools) }, tools: redactedTools };
}

/** True for a user message text that is a block codex adds (environment context, AGENTS.md, skills, ...), not the user's input. */
export function isCodexContext(text: string): boolean {
  const trimmed = text.trim();
  if (trimmed.startsWith("# AGENTS.md instructions")) return true;
  const open = /^<([A-Za-z_][\w -]*)>/.exec(trimmed);
  return open !== null && trimmed.endsWith(`</${open[1]!}>`);
}

/** Command and MCP tool output with codex's timings and chunk ids replaced, and paths normalized. */
export function normalizeOutputText(text: string, strings: (s: string) => string = (s) => s): string {
  return strings(text)
    .replace(/^Chunk ID: [0-9A-Za-z]+$/gm, "Chunk ID: <id>")
    .replace(/Wall time: [\d.]+ seconds/g, "Wall time: <t> seconds");
}

/** The temp dir roots looked for by default. */
export function defaultTmpRoots(): string[] {
  const roots = new Set<string>([os.tmpdir()]);
  try {
    roots.add(realpathSync(os.tmpdir()));
  } catch {
    // A temp dir that cannot be resolved is looked for as given.
  }
  if (process.platform !== "win32") roots.add("/tmp");
  return [...roots].filter((root) => root.length > 1).map((root) => root.replace(/[\\/]+$/, ""));
}

/**
 * Replaces the working directory with `<cwd>`, and under each temp root the names mkdtemp makes
 * (a prefix ending in `-`, `_` or `.`, then six letters or digits) with `<tmp>/<prefix>XXXXXX`.
 */
export function stringNormalizer(cwd: string | undefined, tmpRoots: readonly string[]): (text: string) => string {
  const patterns = [...tmpRoots]
    .sort((a, b) => b.length - a.length)
    .map((root) => new RegExp(`${escapeRegExp(root)}([\\\\/])([A-Za-z0-9._-]*?[-_.])[A-Za-z0-9]{6}(?![A-Za-z0-9])`, "g"));
  const rootPatterns = [...tmpRoots].sort((a, b) => b.length - a.length).map((root) => new RegExp(`${escapeRegExp(root)}(?=[\\\\/])`, "g"));
  return (text) => {
    let out = cwd !== undefined && cwd.length > 1 ? text.split(cwd).join("<cwd>") : text;
    for (const pattern of patterns) out = out.replace(pattern, "<tmp>$1$2XXXXXX");
    for (const pattern of rootPatterns) out = out.replace(pattern, "<tmp>");
    return out;
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The working directory named in the request's environment context, if any. */
function cwdOf(input: unknown[]): string | undefined {
  for (const item of input) {
    if (!isJsonObject(item) || item.type !== "message" || item.role !== "user") continue;
    for (const text of textsOf(item.content)) {
      const match = CWD_IN_CONTEXT.exec(text);
      if (match && isCodexContext(text)) return match[1]!.trim();
    }
  }
  return undefined;
}

function textsOf(content: unknown): string[] {
  if (typeof content === "string") return [content];
  if (!Array.isArray(content)) return [];
  return content.flatMap((part) => (isJsonObject(part) && typeof part.text === "string" ? [part.text] : []));
}

function viewItem(item: unknown, callRef: (id: unknown) => string, strings: (s: string) => string): ViewItem | null {
  if (!isJsonObject(item)) return { value: deepStrings(item, strings) };
  switch (item.type) {
    case "reasoning":
      // The model's own reasoning (encrypted for real models) echoed back: nothing the test controls.
      return null;
    case "message":
      return messageItem(item, strings);
    case "function_call": {
      const out: ViewItem = { type: "function_call", call: callRef(item.call_id), name: item.name, arguments: parseArguments(item.arguments, strings) };
      if (typeof item.namespace === "string" && item.namespace !== CODEXKIT_NAMESPACE) out.namespace = item.namespace;
      return out;
    }
    case "function_call_output":
    case "custom_tool_call_output":
      return { type: item.type, call: callRef(item.call_id), output: normalizeOutput(item.output, strings) };
    case "custom_tool_call":
      return { type: "custom_tool_call", call: callRef(item.call_id), name: item.name, input: deepStrings(item.input, strings) };
    default: {
      const out: ViewItem = {};
      for (const [key, value] of Object.entries(item)) {
        if (key === "id") continue;
        out[key === "call_id" ? "call" : key] = key === "call_id" ? callRef(value) : deepStrings(value, strings);
      }
      return out;
    }
  }
}

function messageItem(item: JsonObject, strings: (s: string) => string): ViewItem | null {
  const role = typeof item.role === "string" ? item.role : "user";
  // codex's own instructions (developer and system messages) change with codex and the thread's settings.
  if (role === "developer" || role === "system") return null;
  let content: unknown;
  if (typeof item.content === "string") {
    if (role === "user" && isCodexContext(item.content)) return null;
    content = strings(item.content);
  } else {
    const parts = (Array.isArray(item.content) ? (item.content as unknown[]) : []).filter(
      (part) => !(role === "user" && isJsonObject(part) && typeof part.text === "string" && isCodexContext(part.text)),
    );
    if (parts.length === 0) return null;
    content = contentParts(parts, strings);
  }
  return { type: "message", role, content };
}

/** Text parts joined into one string; otherwise the parts, normalized (images by a hash of their data). */
function contentParts(parts: unknown[], strings: (s: string) => string, text: (s: string) => string = strings): unknown {
  if (parts.every((part) => isJsonObject(part) && typeof part.text === "string" && /^(input|output)_text$/.test(String(part.type)))) {
    return text(parts.map((part) => (part as { text: string }).text).join(""));
  }
  return parts.map((part) => {
    if (!isJsonObject(part)) return deepStrings(part, strings);
    if (part.type === "input_image" && typeof part.image_url === "string") return { type: "input_image", image: imageRef(part.image_url, strings) };
    if (typeof part.text === "string") return { type: part.type, text: text(part.text) };
    return deepStrings(part, strings);
  });
}

/** A data URL by its media type and a hash of its bytes (the same image gives the same text); other URLs as they are. */
function imageRef(url: string, strings: (s: string) => string): string {
  const data = /^data:([^;,]*)[;,]/.exec(url);
  return data ? `data:${data[1]!};${jsonHash(url)}` : strings(url);
}

function normalizeOutput(output: unknown, strings: (s: string) => string): unknown {
  if (typeof output === "string") return normalizeOutputText(output, strings);
  if (!Array.isArray(output)) return deepStrings(output, strings);
  const parts = [...(output as unknown[])];
  const first = parts[0];
  if (isJsonObject(first) && typeof first.text === "string" && MCP_OUTPUT_HEADER.test(first.text)) parts.shift();
  return contentParts(parts, strings, (text) => normalizeOutputText(text, strings));
}

/** Function call arguments as a JSON value (so key order and spacing do not matter), or the raw text when it is not JSON. */
function parseArguments(args: unknown, strings: (s: string) => string): unknown {
  if (typeof args !== "string") return deepStrings(args, strings);
  try {
    return deepStrings(JSON.parse(args) as unknown, strings);
  } catch {
    return strings(args);
  }
}

/** The tools offered: codexkit's exec namespace unwrapped, other namespaces' tools tagged with theirs, MCP resource helpers left out, sorted. */
export function normalizeTools(tools: unknown, strings: (s: string) => string = (s) => s): ViewTool[] {
  const out: ViewTool[] = [];
  for (const tool of Array.isArray(tools) ? (tools as unknown[]) : []) {
    if (!isJsonObject(tool)) continue;
    if (tool.type === "namespace" && Array.isArray(tool.tools)) {
      for (const child of tool.tools as unknown[]) {
        if (!isJsonObject(child)) continue;
        out.push(tool.name === CODEXKIT_NAMESPACE ? child : { ...child, namespace: tool.name });
      }
      continue;
    }
    if (tool.type === "function" && typeof tool.name === "string" && MCP_RESOURCE_TOOLS.has(tool.name)) continue;
    out.push(tool);
  }
  return out.map((tool) => deepStrings(tool, strings) as ViewTool).sort((a, b) => toolKey(a).localeCompare(toolKey(b)));
}

/** `namespace/name` (or the type, for tools without a name such as web search). */
export function toolKey(tool: ViewTool): string {
  const name = typeof tool.name === "string" ? tool.name : String(tool.type);
  return typeof tool.namespace === "string" ? `${tool.namespace}/${name}` : name;
}

/** Every string inside a JSON-like value passed through `strings`. */
function deepStrings(value: unknown, strings: (s: string) => string): unknown {
  if (typeof value === "string") return strings(value);
  if (Array.isArray(value)) return value.map((entry) => deepStrings(entry, strings));
  if (!isJsonObject(value)) return value;
  const out: JsonObject = {};
  for (const [key, entry] of Object.entries(value)) Object.defineProperty(out, key, { value: deepStrings(entry, strings), enumerable: true, writable: true, configurable: true });
  return out;
}
