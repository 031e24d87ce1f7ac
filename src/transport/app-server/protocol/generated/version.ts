// Generated from codex-cli 0.169.0 (`codex app-server generate-ts --experimental`) by
// scripts/gen-protocol.ts. Do not edit; run `npm run gen:protocol`.

/** The codex release these protocol types were generated from. */
export const CODEX_PROTOCOL_VERSION = "0.169.0";
