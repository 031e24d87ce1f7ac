/**
 * Paths on the machine a remote app-server (`appServer.url`) runs on. They follow that machine's
 * rules, never this one's: `C:\repo` is absolute on Windows and a file name on Linux, `/home/x`
 * is absolute on Linux and drive-relative on Windows. So a host path is never resolved with this
 * machine's `path`: it must be absolute already, and it is normalized by the host's rules (its
 * platform family when `initialize` reported it, else the rules the path's own form follows).
 */
import path from "node:path";
import { InvalidOptionsError } from "../errors/index.js";

/** True when `value` is an absolute path on some host: POSIX (`/x`) or Windows (`C:\x`, `\\server\share`, `\x`). */
export function isHostAbsolute(value: unknown): value is string {
  return typeof value === "string" && (path.posix.isAbsolute(value) || path.win32.isAbsolute(value));
}

/**
 * The path functions `value` follows on the host: its platform family's ("windows", "unix") when
 * known and `value` is absolute there, else those of `value`'s form (a drive letter, UNC or
 * backslash root is Windows; a `/` root is POSIX).
 */
export function hostPathRules(value: string, platformFamily?: string | null): path.PlatformPath {
  const known = platformFamily === "windows" ? path.win32 : platformFamily === "unix" ? path.posix : undefined;
  if (known?.isAbsolute(value)) return known;
  return value.startsWith("/") ? path.posix : path.win32;
}

/**
 * `value` as a path on the agent's host: absolute by some host's rules, normalized by the host's
 * (`.` and `..` folded, repeated and trailing separators dropped). Anything else is an
 * `InvalidOptionsError` that says `message`.
 */
export function hostAbsolutePath(value: string | undefined, message: string, platformFamily?: string | null): string {
  if (!isHostAbsolute(value)) throw new InvalidOptionsError(`${message} (got ${JSON.stringify(value)})`);
  const rules = hostPathRules(value, platformFamily);
  const normal = rules.normalize(value);
  const root = rules.parse(normal).root;
  // A trailing separator names the same directory; dropped as `path.resolve` does for local paths.
  const trailing = rules === path.win32 ? /\\$/ : /\/$/;
  return normal.length > root.length && trailing.test(normal) ? normal.slice(0, -1) : normal;
}
