/** codexkit's own version, read from its package.json (the same file from `src/` and `dist/`). */
import { createRequire } from "node:module";

/** The version of this codexkit package. */
export const CODEXKIT_VERSION: string = (createRequire(import.meta.url)("../package.json") as { version: string }).version;
