/**
 * The queue's atomic steps, as Lua run by Redis: they decide, in one step that no other worker can
 * interleave with, whether a turn may run, which attempt holds the thread (its fence), and whether
 * a finished attempt may write. A stale attempt (its worker lost the job and another took it)
 * has a lower fence than the thread's, and every write of it is refused.
 */

/**
 * The first turn of a new thread saw its rollout: record the thread with its first checkpoint
 * (the rollout's session line), fence 1. KEYS: thread, chunks, jobThread. ARGV: rel, bytes,
 * jobId, ttlMs, threadId, nowMs. Returns 1; 0 when the thread already exists; -1 when the job
 * already recorded a thread (this is a stale attempt at the first turn, which started its own).
 */
export const INIT_THREAD = `
if redis.call('EXISTS', KEYS[3]) == 1 then return -1 end
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'seq', 1, 'done', 0, 'fence', 1, 'len', string.len(ARGV[2]), 'rel', ARGV[1], 'job', ARGV[3], 'turn:1', ARGV[3] .. ':' .. ARGV[6], 'att:1', 1)
redis.call('RPUSH', KEYS[2], ARGV[2])
redis.call('SET', KEYS[3], ARGV[5])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
redis.call('PEXPIRE', KEYS[3], ARGV[4])
return 1
`;

/**
 * A producer submits a turn of a known thread: its number in the thread's order, recorded as
 * `turn:<seq>` = "<jobId>:<nowMs>" until the turn ends (so a turn lost before it was queued can be
 * found and skipped). KEYS: thread. ARGV: jobId, nowMs. Returns the turn's seq, or 0 when the
 * thread is unknown (never started, or expired).
 */
export const NEXT_SEQ = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'job', ARGV[1])
local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
redis.call('HSET', KEYS[1], 'turn:' .. seq, ARGV[1] .. ':' .. ARGV[2])
return seq
`;

/**
 * An attempt at turn ARGV[1] of a known thread. KEYS: thread. Returns {status, fence, len, rel,
 * attempt, failedBefore}: "run" (this attempt now holds the thread: a new fence; `attempt` counts
 * the turn's attempts that ran, `failedBefore` is 1 when the last one failed rather than being
 * lost), "done" (an earlier attempt finished it),
 * "wait" (an earlier turn has not finished: then {wait, its seq, 0, "<jobId>:<submittedMs>"}),
 * "gone" (no such thread).
 */
export const BEGIN_TURN = `
if redis.call('EXISTS', KEYS[1]) == 0 then return {'gone', 0, 0, ''} end
local done = tonumber(redis.call('HGET', KEYS[1], 'done'))
local seq = tonumber(ARGV[1])
if done >= seq then return {'done', 0, 0, ''} end
if done < seq - 1 then return {'wait', done + 1, 0, redis.call('HGET', KEYS[1], 'turn:' .. (done + 1)) or ''} end
local fence = redis.call('HINCRBY', KEYS[1], 'fence', 1)
local attempt = redis.call('HINCRBY', KEYS[1], 'att:' .. seq, 1)
local failed = redis.call('HGET', KEYS[1], 'failed:' .. seq)
redis.call('HDEL', KEYS[1], 'failed:' .. seq)
return {'run', fence, tonumber(redis.call('HGET', KEYS[1], 'len')), redis.call('HGET', KEYS[1], 'rel'), attempt, failed and 1 or 0}
`;

/**
 * A finished attempt writes its checkpoint and its end entry, if it still holds the thread.
 * KEYS: thread, chunks, events. ARGV: fence, base len, new bytes, seq, end entry, ttlMs, eventsTtlMs.
 * Returns 1, 0 when a later attempt holds the thread (nothing written), -1 when the checkpoint
 * moved under this attempt (nothing written).
 */
export const COMMIT_TURN = `
if redis.call('HGET', KEYS[1], 'fence') ~= ARGV[1] then return 0 end
if redis.call('HGET', KEYS[1], 'len') ~= ARGV[2] then return -1 end
if string.len(ARGV[3]) > 0 then redis.call('RPUSH', KEYS[2], ARGV[3]) end
redis.call('HSET', KEYS[1], 'len', tonumber(ARGV[2]) + string.len(ARGV[3]), 'done', ARGV[4])
redis.call('HDEL', KEYS[1], 'turn:' .. ARGV[4], 'att:' .. ARGV[4], 'failed:' .. ARGV[4])
redis.call('XADD', KEYS[3], '*', 'e', ARGV[5])
redis.call('PEXPIRE', KEYS[1], ARGV[6])
redis.call('PEXPIRE', KEYS[2], ARGV[6])
redis.call('PEXPIRE', KEYS[3], ARGV[7])
return 1
`;

/**
 * An event of an attempt, written only while the attempt holds the thread. KEYS: thread, events.
 * ARGV: fence, entry, eventsTtlMs. Returns 1, or 0 for a stale attempt.
 */
export const APPEND_EVENT = `
if redis.call('HGET', KEYS[1], 'fence') ~= ARGV[1] then return 0 end
redis.call('XADD', KEYS[2], '*', 'e', ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return 1
`;

/**
 * A turn that can never run (its job failed for good, or its producer died before queuing it) is
 * skipped, so the turns after it run: it ends with the given entry, and the thread's history goes
 * on without it. KEYS: thread, its events. ARGV: seq, end entry, eventsTtlMs. Returns 1, or 0 when
 * the thread has moved on meanwhile.
 */
export const SKIP_TURN = `
if tonumber(redis.call('HGET', KEYS[1], 'done')) ~= tonumber(ARGV[1]) - 1 then return 0 end
redis.call('HSET', KEYS[1], 'done', ARGV[1])
redis.call('HDEL', KEYS[1], 'turn:' .. ARGV[1], 'att:' .. ARGV[1], 'failed:' .. ARGV[1])
-- An attempt that still runs the skipped turn somewhere becomes stale: it can write nothing.
redis.call('HINCRBY', KEYS[1], 'fence', 1)
redis.call('XADD', KEYS[2], '*', 'e', ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return 1
`;
