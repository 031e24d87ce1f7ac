export {
  startToolServer,
  toolServerConfigArgs,
  toCallToolResult,
  parseDataUrl,
  DEFAULT_TOOL_SERVER_NAME,
  TOOL_SERVER_TOKEN_ENV,
  TOOL_SERVER_TIMEOUT_SEC,
  type ToolServer,
  type ToolServerOptions,
} from "./tool-server.js";
export { ToolCallItemMapper, toToolCallItem } from "./items.js";
