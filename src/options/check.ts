/**
 * Options checked against their schema once, where they are given, so a bad value or a misspelt
 * key is an `InvalidOptionsError` naming the field before codex is asked anything. The options
 * most programs give pass the quick checks first (quick-check.ts), and the schema is not built.
 */
import type { z } from "zod";
import { InvalidOptionsError } from "../errors/index.js";
import type { McpConnectOptions, McpServerConfig } from "../mcp/types.js";
import { quickCodexOptions, quickThreadOptions, quickTurnOptions } from "./quick-check.js";
import { optionSchemas, UNKNOWN_KEY } from "./schema.js";
import type { CodexOptions, ThreadOptions, TurnOptions } from "./types.js";

type Issue = z.core.$ZodIssue;

/** `a.b[0]["odd key"]`; after a label ending in ":" the first key follows a space. */
function subject(where: string, path: readonly PropertyKey[]): string {
  let out = where;
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else if (typeof part === "string" && /^[A-Za-z_$][\w$]*$/.test(part)) out += out.endsWith(":") ? ` ${part}` : `.${part}`;
    else out += `[${JSON.stringify(String(part))}]`;
  }
  return out;
}

function sentence(where: string, issue: Issue): string {
  // A bad record key (an MCP server's name) carries its own message inside.
  const message = issue.code === "invalid_key" ? (issue.issues[0]?.message ?? issue.message) : issue.message;
  return `${subject(where, issue.path)} ${message}`;
}

/**
 * The message for a failed check: every unknown key (they often explain the rest: a `comand`
 * leaves `command` missing), else the first problem. zod's own unknown-key issue is dropped, as
 * the schema reports each key itself, with a hint.
 */
export function optionsMessage(where: string, issues: readonly Issue[]): string {
  const own = issues.filter((issue) => issue.code !== "unrecognized_keys");
  const unknown = own.filter((issue) => issue.code === "custom" && issue.params?.[UNKNOWN_KEY] === true);
  const chosen = unknown.length > 0 ? unknown : own.slice(0, 1);
  if (chosen.length === 0) return `${where} has options it does not know: ${issues.map((issue) => issue.message).join("; ")}`;
  return chosen.map((issue) => sentence(where, issue)).join(" — ");
}

/** Throws `InvalidOptionsError` unless `value` fits `schema`; `where` names the value in the message. */
export function checkOptions<T>(schema: z.ZodType<T>, value: unknown, where: string): asserts value is T {
  const result = schema.safeParse(value);
  if (!result.success) throw new InvalidOptionsError(optionsMessage(where, result.error.issues));
}

/** Throws `InvalidOptionsError` unless `options` are options of `new Codex()`. */
export function checkCodexOptions(options: unknown): asserts options is CodexOptions {
  if (!quickCodexOptions(options)) checkOptions(optionSchemas().codexOptionsSchema, options, "codexOptions");
}

/** Throws `InvalidOptionsError` unless `options` are thread options (`startThread`, `resumeThread`, `fork`). */
export function checkThreadOptions(options: unknown): asserts options is ThreadOptions {
  if (!quickThreadOptions(options)) checkOptions(optionSchemas().threadOptionsSchema, options, "threadOptions");
}

/** Throws `InvalidOptionsError` unless `options` are turn options (`run`, `runStreamed`). */
export function checkTurnOptions(options: unknown): asserts options is TurnOptions {
  if (!quickTurnOptions(options)) checkOptions(optionSchemas().turnOptionsSchema, options, "turnOptions");
}

/** Throws `InvalidOptionsError` unless `config` describes a stdio or HTTP MCP server; `name` is the server's. */
export function checkMcpServerConfig(name: string, config: unknown): asserts config is McpServerConfig {
  checkOptions(optionSchemas().mcpServerConfigSchema, config, `MCP server ${name}:`);
}

/** Throws `InvalidOptionsError` unless `options` are options of `codex.mcp.connect`. */
export function checkMcpConnectOptions(name: string, options: unknown): asserts options is McpConnectOptions {
  checkOptions(optionSchemas().mcpConnectOptionsSchema, options, `MCP server ${name}:`);
}

/** Throws `InvalidOptionsError` unless `codex.mcp.connect(name, config, options)` was given a server and options it knows. */
export function checkMcpConnect(name: string, config: unknown, options: unknown): void {
  checkMcpServerConfig(name, config);
  checkMcpConnectOptions(name, options);
}
