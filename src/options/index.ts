/** The options of a client, a thread and a turn: their public types, and how they are checked. */
export type * from "./types.js";
export { checkCodexOptions, checkMcpConnect, checkMcpConnectOptions, checkMcpServerConfig, checkThreadOptions, checkTurnOptions } from "./check.js";
export { optionSchemas, type OptionSchemas } from "./schema.js";
export { APPROVAL_MODES, CYBER_ACCESS_PROGRAMS, MAX_LOADED_THREADS, REASONING_EFFORTS, SANDBOX_MODES, TRANSPORTS, WEB_SEARCH_MODES } from "./values.js";
