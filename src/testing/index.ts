/**
 * `codexkit/testing`: run the real codex binary against a scripted model on loopback, so agents
 * can be tested offline, deterministically, and without an API key.
 */
export { MockModelServer, DEFAULT_MOCK_MODEL, DEFAULT_WAIT_TIMEOUT_MS, type MockModelServerOptions } from "./mock-model-server.js";
export {
  say,
  think,
  runCommand,
  applyPatch,
  callTool,
  rawEvent,
  stream,
  fail,
  httpError,
  stall,
  disconnect,
  DEFAULT_USAGE,
  DEFAULT_DELTA_CHUNKS,
  DEFAULT_ESCALATION_JUSTIFICATION,
  type DeltaOption,
  type MockMessage,
  type MockReasoning,
  type MockFunctionCall,
  type MockRawEvent,
  type MockOutput,
  type MockUsage,
  type MockUsageOverrides,
  type MockStream,
  type MockFailure,
  type MockHttpError,
  type MockStall,
  type MockDisconnect,
  type MockResponse,
  type SayOptions,
  type ThinkOptions,
  type RunCommandOptions,
  type ApplyPatchOptions,
  type CallToolOptions,
  type StreamOptions,
  type FailOptions,
  type HttpErrorOptions,
  type StallOptions,
  type DisconnectOptions,
} from "./script.js";
export { assertMockResponse } from "./script-checks.js";
export { buildPatch, applyPatchCommand, type PatchFile } from "./patch.js";
export {
  MOCK_PROVIDER_ID,
  ISOLATED_ENV_KEYS,
  type MockCodexOptions,
  type MockCodexConfig,
  type MockProviderConfig,
  type CodexOptionsRequest,
} from "./codex-options.js";
export {
  functionCallOutput,
  inputItems,
  lastUserText,
  type RecordedRequest,
  type RequestOutcome,
  type ResponsesInputItem,
  type ResponsesRequestBody,
} from "./recorded-request.js";
export { DEFAULT_FAILURE_CODE } from "./sse.js";
export {
  Cassette,
  CassetteMismatchError,
  type CassetteCodexConfig,
  type CassetteCodexOptions,
  type CassetteCodexOptionsRequest,
  type CassetteMatchMode,
  type CassetteMismatchKind,
  type CassetteMode,
  type CassetteRecordOptions,
  type CassetteReplayOptions,
  type CassetteTiming,
  type CassetteUseOptions,
} from "./cassette/index.js";
