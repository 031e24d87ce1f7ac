export { flattenConfig, toTomlValue, isPlainObject, type CodexConfigObject, type CodexConfigValue } from "./toml.js";
