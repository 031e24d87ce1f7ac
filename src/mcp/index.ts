export {
  startToolServer,
  toCallToolResult,
  parseDataUrl,
  DEFAULT_TOOL_SERVER_NAME,
  TOOL_SERVER_TOKEN_ENV,
  type ToolServer,
  type ToolServerOptions,
} from "./tool-server.js";
export { ToolCallItemMapper, toToolCallItem } from "./items.js";
