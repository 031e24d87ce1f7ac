/**
 * Dependencies loaded at their first use rather than at `import "codexkit"`: a plain turn needs
 * none of them, and loading each costs tens of milliseconds. `require` (their CommonJS build)
 * because the first use may be synchronous: a constructor's option check, a rule compiled.
 */
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** A getter of module `id`, which loads it at the first call. */
export function lazyModule<T>(id: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(id) as T);
}
