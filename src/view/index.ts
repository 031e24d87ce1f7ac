/**
 * The run viewer: a local web page with a thread's timeline (turns, commands, diffs, tool calls,
 * approvals, a waterfall of item durations, tokens per turn, errors), from an events file, from
 * codex's stored threads, or live from a client (`codex.view()`). `codexkit view` is its command.
 * `import "codexkit"` loads only `recordEvents` (recorder.ts); the rest loads when first used.
 */
export { recordEvents, type EventRecorder, type RecordEventsOptions } from "./recorder.js";
export { formatRecordedEvent, parseEventsFile, readEventsFile, type ParsedEventsFile, type RecordedEvent } from "./events-file.js";
export {
  ViewBuilder,
  MAX_TEXT_CHARS,
  UNKNOWN_THREAD,
  type TurnEndedEvent,
  type ViewApproval,
  type ViewEntry,
  type ViewEntryKind,
  type ViewError,
  type ViewEvent,
  type ViewRetry,
  type ViewThread,
  type ViewThreadHeader,
  type ViewTurn,
  type ViewTurnHeader,
  type ViewTurnStatus,
  type ViewUpdate,
} from "./model.js";
export { EventsFileSource, LiveSource, StoredSource, MAX_LIVE_THREADS, type ViewSource, type ViewSourceInfo } from "./sources.js";
export { StoredThreads, type StoredThreadsOptions, type StoredThreadSummary } from "./stored.js";
export { ViewServer, type ViewServerOptions } from "./server.js";
export type { ViewOptions } from "./options.js";
