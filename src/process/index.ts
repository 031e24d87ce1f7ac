/**
 * Process care, shared by the transports (codex itself) and MCP (the servers codexkit starts):
 * spawning, reading lines, keeping stderr's tail, killing whole process trees, exit hooks.
 */
export { ManagedProcess, DEFAULT_KILL_GRACE_MS, stderrSummary, type ExitInfo, type SpawnSpec } from "./managed-process.js";
export { LineDecoder, parseJsonLine, excerpt, DEFAULT_MAX_LINE_BYTES } from "./line-decoder.js";
export { StderrTail } from "./stderr-tail.js";
export { removeOnExit, registerForExit } from "./exit-hooks.js";
export { processRssBytes } from "./rss.js";
export { isProcessAlive } from "./alive.js";
export { SYSTEM, listProcesses, descendantsOf, killAll, type ProcessSystem, type ListedProcess } from "./tree.js";
