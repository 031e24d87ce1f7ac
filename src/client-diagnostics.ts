/**
 * Assembles `codex.diagnostics()`: the binary (found and run), the configuration that decides
 * where codex looks and who it is (CODEX_HOME, credentials, provider; never a value that could be
 * secret), and what the client's recorder remembers. The report is redacted as a whole at the end.
 */
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { boundedTail, safeUrl, type Diagnostics, type McpConnectionReport, type Recorder } from "./diagnostics/index.js";
import type { Redactor } from "./errors/index.js";
import type { McpServerConnection } from "./mcp/index.js";
import type { CodexOptions } from "./options/index.js";
import type { Telemetry } from "./telemetry/index.js";
import { codexVersion, resolveCodexBinary } from "./transport/index.js";
import { CODEXKIT_VERSION } from "./version.js";

/** What the report is made from. */
export interface DiagnosticsSources {
  options: CodexOptions;
  transport: string;
  recorder: Recorder;
  redactor: Redactor;
  mcp: readonly McpServerConnection[];
  telemetry: Telemetry;
  /** The staging store's size, once there is one. */
  staging?: Diagnostics["staging"];
}

/** Builds the report. Never throws: what cannot be found out is said in the report. */
export async function collectDiagnostics(sources: DiagnosticsSources): Promise<Diagnostics> {
  const { options, recorder } = sources;
  const report: Diagnostics = {
    generatedAt: new Date().toISOString(),
    codexkit: { version: CODEXKIT_VERSION },
    node: { version: process.version, platform: process.platform, arch: process.arch },
    codex: await codexBinaryReport(options),
    transport: sources.transport,
    codexHome: codexHomeOf(options),
    login: "none",
    modelProvider: modelProviderOf(options),
    processes: recorder.processReports(),
    appServerRestarts: recorder.appServerRestarts,
    stderrTail: boundedTail(recorder.lastStderr()),
    recentErrors: recorder.errorReports(),
    runningTurns: recorder.runningTurns(),
    mcp: sources.mcp.map(mcpReport),
    staging: sources.staging ?? null,
    telemetry: { otelApi: sources.telemetry.apiInstalled, tracer: sources.telemetry.tracerSource, captureContent: sources.telemetry.captureContent },
  };
  report.login = loginOf(options, report.codexHome.path);
  return sources.redactor.redactValue(report);
}

async function codexBinaryReport(options: CodexOptions): Promise<Diagnostics["codex"]> {
  let binary;
  try {
    binary = resolveCodexBinary(options.codexPathOverride);
  } catch (error) {
    return { version: null, binary: null, resolvedFrom: null, problem: (error as Error).message };
  }
  try {
    return { version: await codexVersion(binary.executable), binary: binary.executable, resolvedFrom: binary.source };
  } catch (error) {
    return { version: null, binary: binary.executable, resolvedFrom: binary.source, problem: `the binary did not run: ${(error as Error).message}` };
  }
}

/** The environment codex gets: `env` when given, else ours. */
function codexEnvOf(options: CodexOptions): Record<string, string | undefined> {
  return options.env ?? process.env;
}

/** The CODEX_HOME codex will use, and why. */
export function codexHomeOf(options: CodexOptions): Diagnostics["codexHome"] {
  const [where, source]: [string, Diagnostics["codexHome"]["source"]] = options.codexHome
    ? [path.resolve(options.codexHome), "codexHome option"]
    : codexEnvOf(options).CODEX_HOME
      ? [path.resolve(codexEnvOf(options).CODEX_HOME!), "env.CODEX_HOME"]
      : [path.join(codexEnvOf(options).HOME ?? os.homedir(), ".codex"), "default"];
  return { path: where, source, exists: existsSync(where) };
}

/** Which credential codex will find first (its name only). */
export function loginOf(options: CodexOptions, codexHome: string): Diagnostics["login"] {
  if (options.apiKey) return "apiKey option";
  const env = codexEnvOf(options);
  if (env.CODEX_API_KEY) return "CODEX_API_KEY";
  if (env.OPENAI_API_KEY) return "OPENAI_API_KEY";
  if (existsSync(path.join(codexHome, "auth.json"))) return "auth.json";
  return "none";
}

/** The provider codex is configured with (`model_provider`, default "openai") and its base URL. */
export function modelProviderOf(options: CodexOptions): Diagnostics["modelProvider"] {
  const config = options.config ?? {};
  const name = typeof config.model_provider === "string" ? config.model_provider : "openai";
  const providers = config.model_providers;
  const entry = providers && typeof providers === "object" && !Array.isArray(providers) ? (providers as Record<string, unknown>)[name] : undefined;
  const fromProvider = entry && typeof entry === "object" ? (entry as { base_url?: unknown }).base_url : undefined;
  const baseUrl = typeof fromProvider === "string" ? fromProvider : (options.baseUrl ?? (typeof config.openai_base_url === "string" ? config.openai_base_url : undefined));
  return { name, baseUrl: baseUrl ? safeUrl(baseUrl) : null };
}

function mcpReport(connection: McpServerConnection): McpConnectionReport {
  return { name: connection.name, transport: "command" in connection.config ? "stdio" : "http", status: connection.status, restarts: connection.restarts };
}
