/** Options → codex config: TOML overrides, thread settings, and the checks on both. */
export { flattenConfig, toTomlValue, isPlainObject, type CodexConfigObject, type CodexConfigValue } from "./toml.js";
export {
  checkThreadOptions,
  threadConfigEntries,
  threadCwd,
  threadAdditionalDirectories,
  checkRemoteThreadPaths,
  REMOTE_WORKING_DIRECTORY,
  threadPermissions,
  APPROVAL_MODES,
  REASONING_EFFORTS,
  SANDBOX_MODES,
  WEB_SEARCH_MODES,
  type ThreadConfigValue,
} from "./thread.js";
export { hostAbsolutePath, hostPathRules, isHostAbsolute } from "./host-path.js";
export { appServerMcpServers, execMcpServers, checkMcpServers, type ExecMcpServers, type McpServerSettings } from "./mcp-servers.js";
