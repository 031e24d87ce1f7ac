/** codexkit tools: the public surface of `src/tools`; other modules import from here only. */
export type {
  AfterToolCallHook,
  AfterToolCallResult,
  BeforeToolCallHook,
  BeforeToolCallResult,
  JsonSchema,
  Tool,
  ToolArguments,
  ToolCallContext,
  ToolCallInfo,
  ToolCallOutcome,
  ToolCallOutcomeInfo,
  ToolContentItem,
  ToolContext,
  ToolFileItem,
  ToolFileResolver,
  ToolHooks,
  ToolParameters,
  ToolResult,
  ToolResultValue,
  ToolSet,
  ToolSpec,
} from "./types.js";
export { tool, TOOL_NAME_PATTERN, type ToolDefinition } from "./tool.js";
export { ToolRegistry, type ToolInfo } from "./registry.js";
export { createToolSet, DEFAULT_TOOL_TIMEOUT_MS, type ToolLayers, type ToolSetServices } from "./tool-set.js";
export { toToolSpec } from "./spec.js";
