/**
 * The diagnostics report: what a bug report needs, and nothing secret. Built from what the client
 * remembers and what it can find out cheaply (the binary's version); the whole report is redacted
 * before it is returned.
 */
import type { ErrorReport, ProcessReport, RunningTurnReport } from "./recorder.js";

/** An MCP server codexkit is connected to, in the report. */
export interface McpConnectionReport {
  /** The server's name. */
  name: string;
  /** How codexkit reaches it: a command it runs, or an HTTP url. */
  transport: "stdio" | "http";
  /** The connection's state (an `McpConnectionState`). */
  status: string;
  /** How many times the server was restarted after a crash. */
  restarts: number;
}

/** What `codex.diagnostics()` returns. */
export interface Diagnostics {
  /** When the report was made (ISO 8601). */
  generatedAt: string;
  /** codexkit itself. */
  codexkit: {
    /** codexkit's version. */
    version: string;
  };
  /** The Node.js runtime. */
  node: {
    /** `process.version`. */
    version: string;
    /** `process.platform`. */
    platform: string;
    /** `process.arch`. */
    arch: string;
  };
  /** The codex binary. */
  codex: {
    /** `codex --version`, or null when the binary could not be found or run (see `problem`). */
    version: string | null;
    /** The binary's path, when it was found. */
    binary: string | null;
    /** How it was found: `codexPathOverride`, or the `@openai/codex` platform package. */
    resolvedFrom: string | null;
    /** Why the binary could not be found or run. */
    problem?: string;
  };
  /** The transport that runs turns. */
  transport: string;
  /** The CODEX_HOME codex uses, and where that setting came from. */
  codexHome: {
    /** The directory, absolute. */
    path: string;
    /** Where it came from: the `codexHome` option, `CODEX_HOME` in codex's environment, or the default `~/.codex`. */
    source: "codexHome option" | "env.CODEX_HOME" | "default";
    /** Whether the directory exists. */
    exists: boolean;
  };
  /** Where codex will find its credential (never the value); named so that redaction leaves it. */
  login: "apiKey option" | "CODEX_API_KEY" | "OPENAI_API_KEY" | "auth.json" | "none";
  /** The model provider codex is configured with, and its base URL (user info stripped), when set. */
  modelProvider: {
    /** The provider's name (`model_provider`, default `openai`). */
    name: string;
    /** Its base URL without user info or query, or null when none is set. */
    baseUrl: string | null;
  };
  /** Processes this client started: running ones, then the last few that ended. */
  processes: ProcessReport[];
  /** How many app-servers were started to replace one that died. */
  appServerRestarts: number;
  /** The last lines of the newest codex process's stderr (bounded, redacted). */
  stderrTail: string;
  /** The client's most recent errors, oldest first, with their codes. */
  recentErrors: ErrorReport[];
  /** Turns running now. */
  runningTurns: RunningTurnReport[];
  /** MCP servers this client is connected to (`codex.mcp`). */
  mcp: McpConnectionReport[];
  /** The staging store of `codex.files`, when files are staged. */
  staging: {
    /** The staging directory. */
    dir: string;
    /** How many files are staged. */
    files: number;
    /** Their total size in bytes. */
    bytes: number;
  } | null;
  /** How telemetry is set up. */
  telemetry: {
    /** Whether `@opentelemetry/api` is installed. */
    otelApi: boolean;
    /** Where spans go: the `tracer` option, the global provider, or nowhere (no API installed). */
    tracer: "option" | "global" | "none";
    /** Whether spans carry content (prompts, answers, tool arguments and results). */
    captureContent: boolean;
  };
}

/** The longest stderr tail in a report. */
const STDERR_LINES = 50;
const STDERR_CHARS = 8_192;

/** The last lines of `text`, bounded in lines and characters. */
export function boundedTail(text: string): string {
  const lines = text.replace(/\s+$/, "").split("\n");
  let tail = lines.slice(-STDERR_LINES).join("\n");
  if (tail.length > STDERR_CHARS) tail = tail.slice(tail.length - STDERR_CHARS);
  return tail;
}

/** A base URL without user info or query (either may carry a credential). */
export function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = "";
    parsed.password = "";
    parsed.search = "";
    return parsed.toString();
  } catch {
    return "(not a URL)";
  }
}
