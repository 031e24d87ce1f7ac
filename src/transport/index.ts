/** The transports: codex's wire and processes. The turn layer talks to them through `Transport`. */
export type {
  ApprovalContext,
  ClientContext,
  ListThreadsOptions,
  ThreadPage,
  ThreadStore,
  ToolCallReport,
  ToolCallRequest,
  Transport,
  TransportEvent,
  TurnHost,
  TurnRequest,
} from "./types.js";
export { ExecTransport } from "./exec/transport.js";
export { codexVersion, platformPackage, resolveCodexBinary, type BinaryTarget, type ResolvedBinary } from "./binary.js";
export { AppServerTransport, DEFAULT_INTERRUPT_TIMEOUT_MS, type AppServerTransportOptions } from "./app-server/transport.js";
