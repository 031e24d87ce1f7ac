/** Options → codex config: TOML overrides, thread settings, and the checks on both. */
export { flattenConfig, toTomlValue, isPlainObject, type CodexConfigObject, type CodexConfigValue } from "./toml.js";
export {
  threadConfigEntries,
  threadCwd,
  threadAdditionalDirectories,
  checkRemoteThreadPaths,
  REMOTE_WORKING_DIRECTORY,
  threadPermissions,
  type ThreadConfigValue,
} from "./thread.js";
export { hostAbsolutePath, hostPathRules, isHostAbsolute } from "./host-path.js";
export { appServerMcpServers, execMcpServers, type ExecMcpServers, type McpServerSettings } from "./mcp-servers.js";
