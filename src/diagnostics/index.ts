/** Diagnostics: what a client remembers for `codex.diagnostics()` and the doctor. */
export { Recorder } from "./recorder.js";
export type { ErrorReport, ProcessEnd, ProcessKind, ProcessReport, RunningTurnReport } from "./recorder.js";
export { boundedTail, safeUrl, type Diagnostics, type McpConnectionReport } from "./report.js";
