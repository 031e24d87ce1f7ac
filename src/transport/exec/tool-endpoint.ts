/**
 * The loopback MCP endpoint through which `codex exec` calls codexkit tools: exec's wire for tool
 * calls, as `item/tool/call` is app-server's. It announces the turn's tool specs and hands each
 * call up to the turn layer (`call`); it runs nothing itself.
 *
 * On the exec transport codex cannot take `dynamicTools`, so each turn that has tools starts one
 * of these: `@modelcontextprotocol/sdk` streamable HTTP on `http://127.0.0.1:<random port>/mcp`,
 * guarded by a random bearer token, and handed to that one codex process with `--config`:
 *
 *   mcp_servers.<name>.url="http://127.0.0.1:<port>/mcp"
 *   mcp_servers.<name>.bearer_token_env_var="CODEXKIT_TOOLS_TOKEN"   (the token itself: env only)
 *   mcp_servers.<name>.default_tools_approval_mode="approve"
 *   mcp_servers.<name>.tool_timeout_sec=86400
 *   mcp_servers.<name>.required=true
 *   shell_environment_policy.set.CODEXKIT_TOOLS_TOKEN=""
 *
 * The token travels in the child's environment (`env()`), never in argv, which other users can
 * read with `ps`. codex sends it as `Authorization: Bearer <token>`; anything else gets a 401.
 *
 * Findings with codex 0.169.0 (test/integration/exec/tools.test.ts checks them):
 * - Without `default_tools_approval_mode="approve"` exec fails every call of the server with "MCP
 *   tool call requires approval, but approval policy is never" (exec cannot ask anyone) under
 *   approval policies never, on-request and on-failure with sandbox read-only or workspace-write;
 *   only danger-full-access lets them through. With "approve", calls go through under every
 *   policy (never, on-request, on-failure) and every sandbox mode (read-only, workspace-write,
 *   danger-full-access): our tools run in the SDK's process, outside codex's sandbox.
 * - codex 0.169.0 refuses to start at all with `approval_policy="untrusted"` ("is no longer
 *   supported"), tools or not.
 * - The model sees the tools in the namespace `mcp__<name>` (function name = tool name); codex
 *   reports the calls as `mcp_tool_call` items with `server: <name>`, which the exec transport
 *   rewrites into codexkit `tool_call` items.
 * - codex's default `tool_timeout_sec` is 60 s; codexkit tools carry their own timeouts (0 = none),
 *   so we lift codex's to a day and let the tool set decide.
 * - `required=true` makes codex fail the turn at startup if it cannot reach the server, instead of
 *   silently running without the tools.
 * - codex 0.169.0 passes its whole environment on to the commands the agent runs (no default
 *   excludes, not even `*TOKEN*`), so we also set `shell_environment_policy.set.<VAR>=""`: commands
 *   see the variable blank. A dotted key merges into the user's own `set` table. Remaining limit:
 *   the token is in codex's own process environment, so a process of the same user that can read
 *   /proc/<codex pid>/environ (possibly the agent's own commands, depending on the sandbox) can
 *   find it. It only grants calling this turn's tools, which the agent can do anyway, and dies
 *   with the turn.
 * - codex puts the model's call id in `tools/call` `_meta.callId` (and the thread and turn ids in
 *   `_meta.threadId` / `_meta["x-codex-turn-metadata"].turn_id`); the tools get those. Without
 *   them the call id is `mcp_<session>_<request id>`.
 * - codex prefixes what the model gets with a text item "Wall time: <s> seconds\nOutput:" before
 *   our content; data: URL images reach the model as `input_image`.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { CallToolRequestSchema, ListToolsRequestSchema, type CallToolResult, type Tool as McpTool } from "@modelcontextprotocol/sdk/types.js";
import type { Redactor } from "../../errors/index.js";
import type { Logger } from "../../logger.js";
import type { ToolCallOutcome, ToolContentItem, ToolSpec } from "../../tools/index.js";
import { abortError, anySignal } from "../../abort.js";
import type { ToolCallRequest } from "../types.js";
import { isJsonObject as isRecord } from "../../json.js";

/** The MCP server name codex knows our tools by (the model sees `mcp__codexkit`). */
export const DEFAULT_TOOL_SERVER_NAME = "codexkit";
/** The environment variable that carries the bearer token to codex. */
export const TOOL_SERVER_TOKEN_ENV = "CODEXKIT_TOOLS_TOKEN";
/** codex's per-call timeout we set: long, so the tools' own timeouts decide. */
export const TOOL_SERVER_TIMEOUT_SEC = 86_400;
/** The path the MCP endpoint is served on. */
const MCP_PATH = "/mcp";
const SERVER_NAME_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;

/** What the endpoint offers, and who answers its calls (the turn layer, through the `TurnHost`). */
export interface ToolEndpointTools {
  readonly specs: readonly ToolSpec[];
  call(call: ToolCallRequest): Promise<ToolCallOutcome>;
}

/** Options of `startToolServer`. */
export interface ToolServerOptions {
  logger: Logger;
  redactor: Redactor;
  /** The MCP server name codex gets (default `"codexkit"`); `^[a-zA-Z0-9_-]{1,64}$`. */
  serverName?: string;
  /** The thread and turn the calls belong to, read at each call. */
  context: () => { threadId: string | null; turnId: string | null };
  /** Aborting it aborts running calls and closes the server. */
  signal?: AbortSignal;
}

export interface ToolServer {
  /** The MCP endpoint, `http://127.0.0.1:<port>/mcp`. */
  readonly url: string;
  /** The bearer token requests must carry. Keep it out of argv and logs. */
  readonly token: string;
  readonly serverName: string;
  /** The values of codex's `--config` flags (one `key=value` per entry, without the flag). */
  configArgs(): string[];
  /** Environment additions for codex (the token variable). */
  env(): Record<string, string>;
  /** Aborts running calls, closes every session and the HTTP server. Idempotent. */
  close(): Promise<void>;
}

interface Session {
  transport: StreamableHTTPServerTransport;
  server: Server;
}

/** Starts the loopback MCP server for `tools`. */
export async function startToolServer(tools: ToolEndpointTools, options: ToolServerOptions): Promise<ToolServer> {
  const serverName = options.serverName ?? DEFAULT_TOOL_SERVER_NAME;
  if (!SERVER_NAME_PATTERN.test(serverName)) {
    throw new TypeError(`invalid MCP server name ${JSON.stringify(serverName)}: use letters, digits, "_" and "-" (at most 64)`);
  }
  if (options.signal?.aborted) throw abortError(options.signal);
  const { logger, redactor } = options;
  const token = randomBytes(32).toString("base64url");
  const expected = digest(`Bearer ${token}`);
  const closing = new AbortController();
  const sessions = new Map<string, Session>();
  const pending = new Set<Session>();
  let nextSession = 0;

  const newSession = (): Session => {
    const index = ++nextSession;
    const server = new Server({ name: serverName, version: "1.0.0" }, { capabilities: { tools: {} } });
    server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: tools.specs.map(toMcpTool) }));
    server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
      const name = request.params.name;
      const meta = codexMeta(request.params._meta);
      const callId = meta.callId ?? `mcp_${index}_${String(extra.requestId)}`;
      if (!tools.specs.some((spec) => spec.name === name)) return errorResult(`unknown tool ${JSON.stringify(name)}`);
      const combined = anySignal([closing.signal, extra.signal, options.signal].filter((s): s is AbortSignal => s !== undefined));
      const context = options.context();
      const threadId = context.threadId ?? meta.threadId ?? "";
      const turnId = context.turnId ?? meta.turnId ?? null;
      logger.debug({ tool: name, callId, threadId }, "tool call started (mcp)");
      try {
        const outcome = await tools.call({ tool: name, arguments: request.params.arguments ?? {}, threadId, turnId, callId, signal: combined.signal });
        logger.debug({ tool: name, callId, success: outcome.success, durationMs: outcome.durationMs }, "tool call finished (mcp)");
        return toCallToolResult(outcome);
      } catch (error) {
        // `call` must not reject; if it does anyway, the model gets an error, not a hang.
        const message = redactor.redact(error instanceof Error ? error.message : String(error));
        logger.warn({ tool: name, callId, error: message }, "tool call rejected (mcp)");
        return errorResult(message);
      } finally {
        combined.dispose();
      }
    });
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        sessions.set(id, session);
        pending.delete(session);
      },
      onsessionclosed: (id) => {
        sessions.delete(id);
      },
    });
    const session: Session = { transport, server };
    transport.onerror = (error) => logger.debug({ error: redactor.redact(error.message) }, "tool server transport error");
    pending.add(session);
    return session;
  };

  const closeSession = async (session: Session): Promise<void> => {
    pending.delete(session);
    const id = session.transport.sessionId;
    if (id) sessions.delete(id);
    await session.server.close().catch(() => {});
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (!authorized(req.headers.authorization, expected)) {
      res.writeHead(401, { "content-type": "application/json", "www-authenticate": 'Bearer realm="codexkit"' });
      res.end(JSON.stringify({ jsonrpc: "2.0", error: { code: -32001, message: "Unauthorized" }, id: null }));
      return;
    }
    const pathname = (req.url ?? "").split("?")[0];
    if (pathname !== MCP_PATH) return void jsonError(res, 404, "Not found");
    if (closing.signal.aborted) return void jsonError(res, 503, "Server is closing");
    const header = req.headers["mcp-session-id"];
    const sessionId = Array.isArray(header) ? header[0] : header;
    if (sessionId !== undefined) {
      const session = sessions.get(sessionId);
      if (!session) return void jsonError(res, 404, "Session not found");
      await session.transport.handleRequest(req, res);
      return;
    }
    if (req.method !== "POST") return void jsonError(res, 400, "Bad Request: no session id");
    // A POST without a session must be `initialize`; the transport checks that and answers 400
    // otherwise, in which case the session never started and is dropped at once.
    const session = newSession();
    await session.server.connect(session.transport);
    await session.transport.handleRequest(req, res);
    if (!session.transport.sessionId) await closeSession(session);
  };

  const http = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      logger.warn({ error: redactor.redact(error instanceof Error ? error.message : String(error)) }, "tool server request failed");
      if (!res.headersSent) jsonError(res, 500, "Internal error");
      else res.end();
    });
  });
  await listen(http);
  const { port } = http.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}${MCP_PATH}`;
  logger.debug({ url, tools: tools.specs.map((s) => s.name) }, "tool server started");

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= (async () => {
      options.signal?.removeEventListener("abort", onAbort);
      closing.abort();
      const all = [...sessions.values(), ...pending];
      sessions.clear();
      pending.clear();
      await Promise.all(all.map((session) => session.server.close().catch(() => {})));
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      });
      logger.debug({ url }, "tool server closed");
    })();
    return closed;
  };
  const onAbort = (): void => void close();
  options.signal?.addEventListener("abort", onAbort, { once: true });

  const tokenEnv = serverName === DEFAULT_TOOL_SERVER_NAME ? TOOL_SERVER_TOKEN_ENV : `${TOOL_SERVER_TOKEN_ENV}_${serverName.toUpperCase().replace(/-/g, "_")}`;
  return {
    url,
    token,
    serverName,
    configArgs: () => toolServerConfigArgs(serverName, url, tokenEnv),
    env: () => ({ [tokenEnv]: token }),
    close,
  };
}

/** The `--config` values that point codex at the server; the token itself stays in the env. */
export function toolServerConfigArgs(serverName: string, url: string, tokenEnv: string): string[] {
  const key = `mcp_servers.${serverName}`;
  return [
    `${key}.url=${JSON.stringify(url)}`,
    `${key}.bearer_token_env_var=${JSON.stringify(tokenEnv)}`,
    `${key}.default_tools_approval_mode="approve"`,
    `${key}.tool_timeout_sec=${TOOL_SERVER_TIMEOUT_SEC}`,
    `${key}.required=true`,
    // codex hands its whole environment to the commands the agent runs (0.169.0 applies no
    // default excludes); blank the token there. A dotted key merges into the user's own `set`.
    `shell_environment_policy.set.${tokenEnv}=""`,
  ];
}

/** The MCP result for a tool outcome: text and image content, `isError` when it failed. */
export function toCallToolResult(outcome: ToolCallOutcome): CallToolResult {
  const content = outcome.content.map(toMcpContent);
  if (!outcome.success && content.length === 0) content.push({ type: "text", text: outcome.error ?? "the tool call failed" });
  return { content, isError: !outcome.success };
}

function toMcpContent(item: ToolContentItem): CallToolResult["content"][number] {
  if (item.type === "text") return { type: "text", text: item.text };
  const data = parseDataUrl(item.imageUrl);
  return data ? { type: "image", data: data.base64, mimeType: data.mimeType } : { type: "text", text: item.imageUrl };
}

/** `data:<mime>[;params][;base64],<payload>` as base64 and a MIME type; null for other URLs. */
export function parseDataUrl(url: string): { mimeType: string; base64: string } | null {
  const match = /^data:([^,]*),(.*)$/is.exec(url);
  if (!match) return null;
  const params = (match[1] ?? "").split(";").map((part) => part.trim());
  const payload = match[2] ?? "";
  const isBase64 = params.slice(1).some((p) => p.toLowerCase() === "base64");
  const mimeType = params[0] || "application/octet-stream";
  try {
    const base64 = isBase64 ? payload.replace(/\s+/g, "") : Buffer.from(decodeURIComponent(payload), "utf8").toString("base64");
    return { mimeType, base64 };
  } catch {
    return null;
  }
}

function toMcpTool(spec: ToolSpec): McpTool {
  const schema = spec.inputSchema;
  const inputSchema = (typeof schema.type === "string" ? schema : { type: "object", ...schema }) as McpTool["inputSchema"];
  return { name: spec.name, description: spec.description, inputSchema };
}

/**
 * What codex 0.169.0 puts in `tools/call` `_meta`: `callId` (the model's call id), `threadId`, and
 * `x-codex-turn-metadata.turn_id`. Undocumented, so every field is optional.
 */
function codexMeta(meta: unknown): { callId?: string; threadId?: string; turnId?: string } {
  if (!isRecord(meta)) return {};
  const turn = meta["x-codex-turn-metadata"];
  const pick = (value: unknown): string | undefined => (typeof value === "string" && value.length > 0 ? value : undefined);
  const out: { callId?: string; threadId?: string; turnId?: string } = {};
  const callId = pick(meta.callId);
  const threadId = pick(meta.threadId) ?? (isRecord(turn) ? pick(turn.thread_id) : undefined);
  const turnId = isRecord(turn) ? pick(turn.turn_id) : undefined;
  if (callId) out.callId = callId;
  if (threadId) out.threadId = threadId;
  if (turnId) out.turnId = turnId;
  return out;
}


function errorResult(message: string): CallToolResult {
  return { content: [{ type: "text", text: message }], isError: true };
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}

/** Constant-time check of the Authorization header (hashing first hides the length too). */
function authorized(header: string | undefined, expected: Buffer): boolean {
  return timingSafeEqual(digest(header ?? ""), expected);
}

function jsonError(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify({ jsonrpc: "2.0", error: { code: -32000, message }, id: null }));
}

function listen(http: HttpServer): Promise<void> {
  return new Promise((resolve, reject) => {
    http.once("error", reject);
    http.listen({ host: "127.0.0.1", port: 0, exclusive: true }, () => {
      http.off("error", reject);
      resolve();
    });
  });
}
