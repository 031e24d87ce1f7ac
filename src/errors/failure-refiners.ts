/**
 * Failures that a part of codexkit can recognise as its own, more precise error: a cassette's
 * replay server answers a request it cannot match with an HTTP error whose message is its
 * `CassetteMismatchError`'s, and codex fails the turn with that message; the cassette registers a
 * refiner, so the turn fails with that very error. A refiner sees the message and status of every
 * failed turn, and returns its error or undefined; it may be asked more than once about the same
 * failure (the turn layer classifies a failure where it decides on a retry and where it throws), so
 * it answers the same each time.
 */
import type { TurnFailedError, TurnFailure } from "./errors.js";

/** Recognises a failed turn's message as a more precise error. */
export type FailureRefiner = (message: string, failure: TurnFailure) => TurnFailedError | undefined;

const refiners = new Set<FailureRefiner>();

/** Registers `refiner` until the returned function is called. */
export function addFailureRefiner(refiner: FailureRefiner): () => void {
  refiners.add(refiner);
  return () => refiners.delete(refiner);
}

/** The first refiner's error for this failure, if any recognises it. */
export function refinedFailure(message: string, failure: TurnFailure): TurnFailedError | undefined {
  for (const refiner of refiners) {
    const refined = refiner(message, failure);
    if (refined !== undefined) return refined;
  }
  return undefined;
}
