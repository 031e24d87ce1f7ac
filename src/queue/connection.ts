/**
 * Redis connections for the queue. `bullmq` and `ioredis` are optional peers of codexkit, loaded
 * the first time a queue or worker needs them, so the core package neither grows nor pays for
 * them at import. A connection is opened and checked within a time limit: a missing or
 * unreachable Redis is a `QueueConnectionError`, never a hang. Endpoints in messages never carry
 * a password.
 */
import type { Redis, RedisOptions } from "ioredis";
import { within } from "../timing/index.js";
import { withoutUrlCredentials } from "../errors/index.js";
import { QueueConnectionError } from "./errors.js";

/** A Redis URL (`redis://`, `rediss://`), ioredis options, or an ioredis instance (it is duplicated, never closed by codexkit). */
export type RedisConnection = string | RedisOptions | Redis;

/** How long opening a connection may take before it is a `QueueConnectionError` (10 s). */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

type Libraries = { bullmq: typeof import("bullmq"); Redis: typeof import("ioredis").Redis };
let libraries: Promise<Libraries> | undefined;

/** bullmq and ioredis, imported once; a typed error names the install command when they are missing. */
export function queueLibraries(): Promise<Libraries> {
  libraries ??= Promise.all([import("bullmq"), import("ioredis")]).then(
    ([bullmq, ioredis]) => ({ bullmq, Redis: ioredis.Redis }),
    (error: unknown) => {
      libraries = undefined;
      throw new QueueConnectionError("codexkit/queue needs the bullmq and ioredis packages: npm install bullmq ioredis", "", { cause: error, retryable: false });
    },
  );
  return libraries;
}

/** True for an ioredis client instance (rather than options or a URL). */
function isClient(connection: RedisConnection): connection is Redis {
  return typeof connection === "object" && connection !== null && typeof (connection as { duplicate?: unknown }).duplicate === "function";
}

/** Where `connection` points, for messages: host and port, or socket path; never a user or password. */
export function endpointOf(connection: RedisConnection): string {
  if (typeof connection === "string") {
    try {
      const url = new URL(connection);
      return `${url.protocol}//${url.hostname}${url.port ? `:${url.port}` : ""}`;
    } catch {
      return "an unparsable Redis URL";
    }
  }
  const options = isClient(connection) ? connection.options : connection;
  if (options.path) return `unix:${options.path}`;
  return `${options.host ?? "localhost"}:${options.port ?? 6379}`;
}

/**
 * A worker's connections wait for Redis to come back (BullMQ's blocking calls must never give up
 * on their own); a producer's give up after a few reconnects, so a caller gets an error, not a hang.
 */
export type ConnectionRole = "worker" | "producer";
// A short `disconnectTimeout`: a client closed after its socket already failed must not hold the process for ioredis' 2 s.
const ROLE_OPTIONS: Record<ConnectionRole, RedisOptions> = {
  worker: { maxRetriesPerRequest: null, lazyConnect: true, disconnectTimeout: 100 },
  // A command Redis takes over 15 s to answer fails (a blocking read waits 2 s at most).
  producer: { maxRetriesPerRequest: 3, lazyConnect: true, disconnectTimeout: 100, commandTimeout: 15_000 },
};

/**
 * A new, connected ioredis client for `connection` (a user's instance is duplicated). Rejects with
 * `QueueConnectionError` when Redis does not answer within `timeoutMs`, and leaves nothing open.
 */
export async function openRedis(connection: RedisConnection, timeoutMs = DEFAULT_CONNECT_TIMEOUT_MS, role: ConnectionRole = "producer", onError?: (error: Error) => void): Promise<Redis> {
  const REQUIRED = ROLE_OPTIONS[role];
  const endpoint = endpointOf(connection);
  if (typeof connection === "string" && !/^rediss?:\/\//.test(connection)) {
    // "localhost:6379" parses with "localhost:" as its scheme: only a value with "//" after its scheme is shown back, credentials left out.
    const shown = /^[a-z][a-z0-9+.-]*:\/\//i.test(connection) && endpoint !== "an unparsable Redis URL" ? JSON.stringify(endpoint) : "a value that is not a URL";
    throw new QueueConnectionError(`a Redis URL starts with redis:// or rediss:// (got ${shown})`, endpoint, { retryable: false });
  }
  const { Redis } = await queueLibraries();
  const client = isClient(connection)
    ? connection.duplicate(REQUIRED)
    : typeof connection === "string"
      ? new Redis(connection, { ...REQUIRED, connectTimeout: timeoutMs })
      : new Redis({ connectTimeout: timeoutMs, ...connection, ...REQUIRED });
  // Until it is ready, failures are reported by the check below, not as unhandled 'error' events.
  let lastError: unknown;
  const remember = (error: unknown): void => {
    lastError = error;
  };
  client.on("error", remember);
  try {
    const ready = await within(
      (async () => {
        await client.connect();
        await client.ping();
      })(),
      timeoutMs,
    );
    if (ready === "timeout") throw new Error("no answer");
    // From now on a lost connection shows as failed commands (and reconnects); the event goes to the caller's log, never to stderr as ioredis' "Unhandled error event".
    client.on("error", onError ?? (() => undefined));
    return client;
  } catch (error) {
    client.disconnect();
    const why = describe(lastError ?? error);
    // A refused password does not get better by trying again.
    const refused = /NOAUTH|WRONGPASS|invalid password/i.test(why);
    throw new QueueConnectionError(`cannot reach Redis at ${endpoint} within ${timeoutMs} ms${why ? `: ${why}` : ""}`, endpoint, { cause: lastError ?? error, retryable: !refused });
  } finally {
    client.off("error", remember);
  }
}

/** A short reason, without anything a URL might have carried. */
function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : typeof error === "string" ? error : "";
  return withoutUrlCredentials(message);
}

/** What `checkRedis` found. */
export interface RedisCheck {
  /** Where Redis answered, without credentials. */
  endpoint: string;
  /** The server's `redis_version`. */
  version: string;
}

/** Checks that Redis answers at `connection` within `timeoutMs`; resolves with its version (`codexkit doctor --redis`). */
export async function checkRedis(connection: RedisConnection, timeoutMs = DEFAULT_CONNECT_TIMEOUT_MS): Promise<RedisCheck> {
  const client = await openRedis(connection, timeoutMs);
  try {
    const info = await client.info("server");
    const version = /redis_version:(\S+)/.exec(info)?.[1] ?? "unknown";
    return { endpoint: endpointOf(connection), version };
  } finally {
    client.disconnect();
  }
}
