/**
 * The public shapes of codexkit's MCP client: how to reach a server, how it is supervised, what a
 * connection reports, and what its calls return.
 */

/** A server codexkit starts and talks to over its stdin and stdout. */
export interface McpStdioServer {
  /** The program to run. */
  command: string;
  /** Its arguments. */
  args?: string[];
  /**
   * The server's own variables, added to its environment. By default that environment is only the
   * MCP SDK's safe list (`getDefaultEnvironment()`: HOME, LOGNAME, PATH, SHELL, TERM, USER; on
   * Windows APPDATA, PATH, SYSTEMROOT, TEMP, USERPROFILE and a few more): give here what the server
   * needs (its API key, ...). Secret-looking values are redacted everywhere.
   */
  env?: Record<string, string>;
  /**
   * Start the server with this program's whole environment (plus `env`) instead of the safe list.
   * A risk: every secret the host program has (OPENAI_API_KEY, cloud credentials, tokens) reaches
   * the server and whatever it runs. Use it only for a server you trust as much as your program.
   */
  inheritEnv?: boolean;
  /** The server's working directory (default: the client's). */
  cwd?: string;
}

/** A server reached over streamable HTTP. */
export interface McpHttpServer {
  /** The server's endpoint. */
  url: string;
  /** Sent with every request; secret-looking values (Authorization, tokens) are redacted everywhere. */
  headers?: Record<string, string>;
}

/** Where an MCP server is. */
export type McpServerConfig = McpStdioServer | McpHttpServer;

/**
 * How a stdio server is restarted after a crash. The budget is counted in a sliding window, as
 * systemd's `StartLimitBurst` within `StartLimitIntervalSec`: a server that crashes now and then
 * is restarted for ever, one that keeps crashing gives up as `failed`.
 */
export interface McpRestartOptions {
  /** Restarts within `windowMs` after which the next crash is final: `failed` (default 5; 0 = never restart). */
  maxRestarts?: number;
  /** The sliding window the restarts are counted in, in milliseconds (default 60000). Keep it longer than the backoff. */
  windowMs?: number;
  /** The first wait before a restart, doubled for each restart still in the window (default 200 ms). */
  baseDelayMs?: number;
  /** The longest wait (default 5000 ms). */
  maxDelayMs?: number;
}

/** Options of `codex.mcp.connect`. */
export interface McpConnectOptions {
  /** How a stdio server is restarted after a crash. */
  restart?: McpRestartOptions;
  /** How long the server may take to answer `initialize` (default 30000). */
  initializeTimeoutMs?: number;
  /** Default limit of a call, waiting for a restart included (default 60000; 0 = none). */
  requestTimeoutMs?: number;
}

/** Per-call options. */
export interface McpCallOptions {
  /** Aborting cancels the call on the server (`notifications/cancelled`) and rejects it. */
  signal?: AbortSignal;
  /** Overrides the connection's default limit. */
  timeoutMs?: number;
}

/**
 * Where a connection codexkit made (`codex.mcp.connect`) is: starting, ready, restarting after a
 * crash, failed for good, or closed. Not to be confused with {@link McpServerStatus}, codex's own
 * view of the servers it runs (`codex.mcpStatus()`).
 */
export type McpConnectionState = "starting" | "ready" | "restarting" | "failed" | "closed";

/** Who the server says it is. */
export interface McpServerInfo {
  /** The server's name. */
  name: string;
  /** The server's version. */
  version: string;
  /** A display name, when the server gives one. */
  title?: string;
}

/** A tool the server offers. */
export interface McpTool {
  /** The tool's name. */
  name: string;
  /** What the tool does ("" when the server gives no description). */
  description: string;
  /** The tool's arguments, as the server describes them. */
  inputSchema: Record<string, unknown>;
  /** Hints about the tool's behaviour (e.g. `readOnlyHint`), when the server gives them. */
  annotations?: Record<string, unknown>;
}

/** One piece of an MCP result: text, an image, a resource, ... (as the server sent it). */
export type McpContent = {
  /** The content's kind, e.g. `text`, `image` or `resource`. */
  type: string;
  [key: string]: unknown;
};

/** The result of `callTool`. A tool that failed says so with `isError` (the call itself went through). */
export interface McpToolResult {
  /** What the tool returned. */
  content: McpContent[];
  /** The tool's structured result, when it returned one. */
  structuredContent?: unknown;
  /** True when the tool reported a failure. */
  isError: boolean;
}

/** A resource the server offers. */
export interface McpResource {
  /** The resource's URI, for `readResource`. */
  uri: string;
  /** The resource's name. */
  name: string;
  /** What the resource is. */
  description?: string;
  /** Its MIME type, when known. */
  mimeType?: string;
}

/** A prompt the server offers. */
export interface McpPrompt {
  /** The prompt's name, for `getPrompt`. */
  name: string;
  /** What the prompt is for. */
  description?: string;
  /** The arguments the prompt takes. */
  arguments?: Array<{
    /** The argument's name. */
    name: string;
    /** What the argument is for. */
    description?: string;
    /** Whether the argument must be given. */
    required?: boolean;
  }>;
}

/** What `readResource` returns. */
export interface McpResourceContents {
  /** The resource's contents, one entry per part. */
  contents: Array<{
    /** The URI of this part. */
    uri: string;
    /** Its MIME type, when known. */
    mimeType?: string;
    /** The content, for text. */
    text?: string;
    /** The content base64-encoded, for binary data. */
    blob?: string;
  }>;
}

/** What `getPrompt` returns. */
export interface McpPromptResult {
  /** What the prompt is for. */
  description?: string;
  /** The prompt's messages, in order. */
  messages: Array<{
    /** Who speaks the message. */
    role: "user" | "assistant";
    /** The message's content. */
    content: McpContent;
  }>;
}

/** An MCP server (one codex runs for a thread) asks the user for input during a turn. */
export interface ElicitationRequest {
  /** The thread the server runs for. */
  threadId: string;
  /** The turn during which it asks, or null when unknown. */
  turnId: string | null;
  /** The MCP server's name. */
  server: string;
  /** `form` (answer `content` matching `requestedSchema`), `url` (the user visits `url`), or another mode codex added. */
  mode: string;
  /** What the server asks the user. */
  message: string;
  /** The JSON Schema `content` must match (form mode). */
  requestedSchema?: Record<string, unknown>;
  /** Where the user is sent (url mode). */
  url?: string;
  /** The params exactly as codex sent them. */
  raw: unknown;
}

/** The answer to an elicitation. */
export interface ElicitationResponse {
  /** `accept` to answer, `decline` to refuse, `cancel` to dismiss without a choice. */
  action: "accept" | "decline" | "cancel";
  /** The user's input, for `accept` in form mode. */
  content?: Record<string, unknown>;
}

/** Answers elicitations (`onElicitation`); none means decline. */
export type ElicitationHandler = (request: ElicitationRequest, context: { signal: AbortSignal }) => ElicitationResponse | Promise<ElicitationResponse>;

/**
 * An MCP server codex runs (from your codex config, or a thread's `mcpServers`), as codex reports
 * it (`codex.mcpStatus()`). Not to be confused with an {@link McpConnectionState}: the state of a
 * connection codexkit itself made (`codex.mcp`).
 */
export interface McpServerStatus {
  /** The name codex knows the server by. */
  name: string;
  /** codex's connection state: "connected", "starting", "failed", ...; null when codex does not know yet. */
  status: string | null;
  /** Who the server says it is, or null when codex does not know. */
  serverInfo: {
    /** The server's name. */
    name: string;
    /** The server's version. */
    version: string;
  } | null;
  /** The names of the tools codex sees. */
  tools: string[];
  /** Why listing the tools failed, when it did. */
  toolsError: string | null;
}
