/**
 * `codexkit/queue`: threads as durable jobs on BullMQ over Redis, run by workers on any number of
 * machines. `bullmq` and `ioredis` are optional peer dependencies: install them to use this entry
 * point; the core package neither needs nor loads them.
 *
 * @module queue
 */
export { QueueConnectionError } from "./errors.js";
export { checkRedis, DEFAULT_CONNECT_TIMEOUT_MS, type RedisConnection } from "./connection.js";
