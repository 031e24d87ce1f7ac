/** Timer limits shared by every option that becomes a `setTimeout`. */

/** Node fires a timer above this (2^31-1 ms, about 24.8 days) at once; longer means "no timer". */
export const MAX_TIMER_MS = 2 ** 31 - 1;
