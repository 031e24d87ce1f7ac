/** The environment codex runs with, the same for both transports. */
import path from "node:path";
import type { CodexOptions } from "../options/index.js";

/** The originator codex reports for codexkit sessions. */
export const ORIGINATOR = "codexkit";
const ORIGINATOR_ENV = "CODEX_INTERNAL_ORIGINATOR_OVERRIDE";

/** The given `env` (or ours), plus originator, API key, CODEX_HOME and the binary's PATH entries. */
export function codexEnv(options: CodexOptions, pathDirs: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  if (options.env) Object.assign(env, options.env);
  else for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  if (!env[ORIGINATOR_ENV]) env[ORIGINATOR_ENV] = ORIGINATOR;
  if (options.apiKey) env.CODEX_API_KEY = options.apiKey;
  if (options.codexHome) env.CODEX_HOME = path.resolve(options.codexHome);
  if (pathDirs.length > 0) prependPath(env, pathDirs);
  return env;
}

/**
 * Puts `dirs` first on the PATH of `env`. Windows: the variable's name is case-insensitive (often
 * `Path`) and entries are separated by ";"; elsewhere it is `PATH` with ":".
 */
export function prependPath(env: Record<string, string>, dirs: string[], platform: NodeJS.Platform = process.platform): void {
  const windows = platform === "win32";
  const delimiter = windows ? path.win32.delimiter : path.posix.delimiter;
  const key = windows ? (Object.keys(env).find((k) => k.toLowerCase() === "path") ?? "PATH") : "PATH";
  const rest = (env[key] ?? "").split(delimiter).filter((entry) => entry.length > 0 && !dirs.includes(entry));
  env[key] = [...dirs, ...rest].join(delimiter);
}
