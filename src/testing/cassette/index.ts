/** Cassettes: record a real agent session once, replay it offline on either transport. */
export { Cassette, type CassetteCodexConfig, type CassetteCodexOptions, type CassetteCodexOptionsRequest } from "./cassette.js";
export { CassetteMismatchError, type CassetteMismatchKind } from "./errors.js";
export type { CassetteMode, CassetteRecordOptions, CassetteReplayOptions, CassetteUseOptions } from "./options.js";
export type { CassetteMatchMode } from "./match.js";
export type { CassetteTiming } from "./replayer.js";
