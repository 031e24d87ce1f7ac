/**
 * The timing helpers every layer shares: exponential backoff, a reference-counted hold, and
 * racing work against a deadline. The folder's one door.
 */
export { backoffCap, backoffDelay, type BackoffPolicy } from "./backoff.js";
export { RefCount, type RefCountHooks } from "./ref-count.js";
export { askWithDeadline, race, within, type Raced, type RaceOptions, type RaceWork } from "./deadline.js";
export { MAX_TIMER_MS } from "./limits.js";
