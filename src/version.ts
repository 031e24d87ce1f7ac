/** codexkit's own version, read from its package.json by the package's own name (so from `src/`, `dist/` and any bundle chunk alike). */
import { createRequire } from "node:module";

/** The version of this codexkit package. */
export const CODEXKIT_VERSION: string = (createRequire(import.meta.url)("codexkit/package.json") as { version: string }).version;
