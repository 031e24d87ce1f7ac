/**
 * `codexkit/queue`: threads as durable jobs on BullMQ over Redis, run by workers on any number of
 * machines. `bullmq` and `ioredis` are optional peer dependencies: install them to use this entry
 * point; the core package neither needs nor loads them.
 *
 * @module queue
 */
export { CodexQueue, type CodexQueueOptions } from "./queue.js";
export { QueuedThread, type QueuedStreamedTurn, type QueuedThreadEvent, type QueuedTurnOptions, type TurnRedeliveredEvent } from "./queued-thread.js";
export type { QueuedThreadOptions } from "./job-data.js";
export type { RedeliveryReason } from "./event-log.js";
export { CodexWorker, type CodexWorkerOptions } from "./worker.js";
export { QueueConnectionError } from "./errors.js";
export { checkRedis, DEFAULT_CONNECT_TIMEOUT_MS, type RedisCheck, type RedisConnection } from "./connection.js";
