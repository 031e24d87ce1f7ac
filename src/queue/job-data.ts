/**
 * What a queued turn carries from producer to worker: JSON only. A producer's closures cannot
 * travel, so tools and approval handlers live in the worker and a thread names its tools; a
 * Standard Schema travels as its JSON Schema (the producer validates the answer with the original).
 */
import { InvalidOptionsError, isSecretName } from "../errors/index.js";
import type { CyberAccessProgram, Input, RetrySetting, ThreadOptions } from "../options/index.js";
import type { TraceContext } from "./trace.js";

/** A queued thread's options: a thread's, with tools named (the worker registers them) and no callbacks. */
export type QueuedThreadOptions = Omit<ThreadOptions, "tools" | "onApproval" | "onElicitation"> & {
  /** Names of tools registered on the worker (`CodexWorker`'s `tools`) this thread offers the agent; default: all of them. */
  tools?: string[];
};

/** One turn as a job. */
export interface TurnJobData {
  /** The shape's version. */
  v: 1;
  /** The thread, or null for the first turn of a new one. */
  threadId: string | null;
  /** The turn's place in its thread (1 for the first). */
  seq: number;
  input: Input;
  thread: QueuedThreadOptions;
  outputSchema?: Record<string, unknown>;
  retry?: RetrySetting;
  cyberAccessProgram?: CyberAccessProgram;
  /** The producer's trace context, continued by the worker's spans. */
  trace?: TraceContext;
  /** When the producer submitted the turn (ms since the epoch). */
  enqueuedAt: number;
}

const CALLBACKS = ["onApproval", "onElicitation"] as const;

/** Checks that `options` can travel; throws `InvalidOptionsError` naming what cannot. */
export function checkQueuedThreadOptions(options: object): void {
  const record = options as Record<string, unknown>;
  for (const key of CALLBACKS) {
    if (record[key] !== undefined) throw new InvalidOptionsError(`${key} cannot travel through the queue: give it to the CodexWorker, which decides for every thread it runs`);
  }
  const tools = record.tools;
  if (tools !== undefined && (!Array.isArray(tools) || tools.some((name) => typeof name !== "string"))) {
    throw new InvalidOptionsError("a queued thread names its tools (tools: [\"lookup\", ...]); the tools themselves are registered on the CodexWorker");
  }
  checkNoSecrets(record.mcpServers);
  assertJson(options, "thread options");
}

/**
 * A job sits in Redis in plain text (and in any BullMQ dashboard): an MCP server's secret
 * environment values, auth headers and URL passwords must not travel in it. The worker's own
 * environment holds them (`bearerTokenEnvVar`, or variables the server reads from the worker).
 */
function checkNoSecrets(servers: unknown): void {
  if (typeof servers !== "object" || servers === null) return;
  for (const [name, server] of Object.entries(servers as Record<string, Record<string, unknown> | null>)) {
    if (typeof server !== "object" || server === null) continue;
    const where = `mcpServers.${name}`;
    for (const field of ["env", "headers"] as const) {
      const values = server[field];
      if (typeof values !== "object" || values === null) continue;
      const secret = Object.keys(values).find((key) => isSecretName(key) || /^(authorization|cookie|x-api-key)$/i.test(key));
      if (secret !== undefined) {
        throw new InvalidOptionsError(`${where}.${field}.${secret} would be stored in Redis in plain text with the queued turn; set it in the worker's environment instead (bearerTokenEnvVar names a variable of the worker for an HTTP server's token)`);
      }
    }
    if (typeof server.url === "string" && /\/\/[^/@\s]*:[^/@\s]*@/.test(server.url)) {
      throw new InvalidOptionsError(`${where}.url carries a password, which would be stored in Redis in plain text with the queued turn; use bearerTokenEnvVar`);
    }
  }
}

/** Checks that a turn's input can travel: text, images and file mentions by path (paths on the worker's host), no staged attachments. */
export function checkQueuedInput(input: Input): void {
  if (typeof input === "string") return;
  if (!Array.isArray(input)) throw new InvalidOptionsError("input must be a string or an array of inputs");
  for (const [index, part] of input.entries()) {
    if (typeof part !== "object" || part === null) throw new InvalidOptionsError(`input[${index}] must be an input object such as { type: "text", text: "..." }`);
    if ((part as { type?: unknown }).type === "attachment") {
      throw new InvalidOptionsError("a staged attachment cannot travel through the queue (it lives in this host's store); pass a local_image or file path on the worker's host, or text");
    }
  }
  assertJson(input, "input");
}

function assertJson(value: unknown, what: string): void {
  const seen = new Set<unknown>();
  const walk = (v: unknown, at: string): void => {
    if (v === null || typeof v === "string" || typeof v === "boolean" || v === undefined) return;
    if (typeof v === "number") {
      if (!Number.isFinite(v)) throw new InvalidOptionsError(`${what}: ${at} is not a finite number, which JSON cannot carry`);
      return;
    }
    if (typeof v !== "object") throw new InvalidOptionsError(`${what}: ${at} is a ${typeof v}, which cannot travel through the queue (JSON only)`);
    if (seen.has(v)) throw new InvalidOptionsError(`${what}: ${at} refers to itself, which JSON cannot carry`);
    seen.add(v);
    const proto = Object.getPrototypeOf(v) as unknown;
    if (!Array.isArray(v) && proto !== Object.prototype && proto !== null) throw new InvalidOptionsError(`${what}: ${at} is not plain data (JSON only)`);
    for (const [key, child] of Object.entries(v)) walk(child, Array.isArray(v) ? `${at}[${key}]` : `${at}.${key}`);
    seen.delete(v);
  };
  walk(value, "it");
}
