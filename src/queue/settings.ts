/**
 * The queue's shared settings: its Redis key prefix, how long state is kept, and the scripts
 * every connection that writes thread state has defined.
 */
import type { Redis } from "ioredis";
import type { ScriptedRedis } from "./event-log.js";
import { APPEND_EVENT, BEGIN_TURN, COMMIT_TURN, INIT_THREAD, NEXT_SEQ, SKIP_TURN } from "./scripts.js";

/** BullMQ's key prefix for codexkit queues (its keys and codexkit's start `codexkit:<queue>:`). */
export const QUEUE_PREFIX = "codexkit";
/** A thread's state and checkpoint stay this long after its last turn (7 days). */
export const DEFAULT_THREAD_TTL_MS = 7 * 24 * 3600_000;
/** A turn's event stream stays this long after its last entry (1 hour), for a producer that reads late. */
export const DEFAULT_EVENTS_TTL_MS = 3600_000;
/** Finished jobs BullMQ keeps (by age, seconds), for inspection. */
export const KEEP_JOBS_S = 3600;

/** `redis` with the queue's scripts as commands (EVALSHA, loaded on first use). */
export function defineScripts(redis: Redis): ScriptedRedis {
  const scripted = redis as ScriptedRedis;
  if (typeof scripted.beginTurn === "function") return scripted;
  redis.defineCommand("initThread", { numberOfKeys: 3, lua: INIT_THREAD });
  redis.defineCommand("nextSeq", { numberOfKeys: 1, lua: NEXT_SEQ });
  redis.defineCommand("beginTurn", { numberOfKeys: 1, lua: BEGIN_TURN });
  redis.defineCommand("commitTurn", { numberOfKeys: 3, lua: COMMIT_TURN });
  redis.defineCommand("appendEvent", { numberOfKeys: 2, lua: APPEND_EVENT });
  redis.defineCommand("skipTurn", { numberOfKeys: 2, lua: SKIP_TURN });
  return scripted;
}
