/**
 * The tools of one turn, as a transport uses them. Built per turn from the client's registry and
 * the thread's own tools, so later registry changes apply from the next turn.
 */
import { InvalidOptionsError, ToolError } from "../errors/index.js";
import type { Redactor } from "../errors/index.js";
import type { Logger } from "../logger.js";
import { ToolRegistry } from "./registry.js";
import { runCall } from "./run-call.js";
import { toToolSpec } from "./spec.js";
import { ensureTool } from "./tool.js";
import type { Tool, ToolCallContext, ToolCallOutcome, ToolFileResolver, ToolHooks, ToolSet } from "./types.js";

/** The default per-call time limit, in milliseconds. */
export const DEFAULT_TOOL_TIMEOUT_MS = 60_000;

/** Where a turn's tools come from. */
export interface ToolLayers {
  /** Tools of the client, offered on every thread. */
  client?: ToolRegistry | readonly Tool[];
  /** Tools of this thread; one named like a client tool replaces it on this thread. */
  thread?: readonly Tool[];
}

/** What calls need from the client. */
export interface ToolSetServices {
  /** The client's (redacting) logger; also handed to `execute` as `ctx.logger`. */
  logger: Logger;
  /** Hides secrets in every failure message before it can reach the model. */
  redactor: Redactor;
  /** Limit for tools without their own `timeoutMs` (default 60000; 0 = none). */
  defaultTimeoutMs?: number;
  /** `beforeToolCall` / `afterToolCall`, run around every call. */
  hooks?: ToolHooks;
  /** Places files tools return (the turn layer's). */
  files?: ToolFileResolver;
}

/**
 * Builds the tool set of one turn. Thread tools sit on top of the client's: a thread tool with a
 * client tool's name replaces it for that thread only. Duplicate names within the thread list (or
 * within a client array) throw `ToolError`.
 */
export function createToolSet(layers: ToolLayers, services: ToolSetServices): ToolSet {
  const defaultTimeoutMs = services.defaultTimeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS;
  if (!Number.isFinite(defaultTimeoutMs) || defaultTimeoutMs < 0) {
    throw new InvalidOptionsError("defaultTimeoutMs must be a finite number >= 0");
  }
  const client = layers.client instanceof ToolRegistry ? layers.client : new ToolRegistry(layers.client ?? []);
  const tools = new Map<string, Tool>();
  for (const t of client) tools.set(t.name, t);
  const threadNames = new Set<string>();
  for (const raw of layers.thread ?? []) {
    const t = ensureTool(raw);
    if (threadNames.has(t.name)) throw new ToolError(`duplicate thread tool name ${t.name}`, t.name);
    threadNames.add(t.name);
    tools.set(t.name, t);
  }
  const specs = Object.freeze([...tools.values()].map(toToolSpec));
  const callServices = {
    logger: services.logger,
    redactor: services.redactor,
    defaultTimeoutMs,
    ...(services.hooks ? { hooks: services.hooks } : {}),
    ...(services.files ? { files: services.files } : {}),
  };
  return Object.freeze({
    specs,
    has: (name: string): boolean => tools.has(name),
    call: (name: string, args: unknown, ctx: ToolCallContext): Promise<ToolCallOutcome> =>
      runCall(name, tools.get(name), args, ctx, callServices),
  });
}
