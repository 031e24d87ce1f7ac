/**
 * Tests that cannot run on every platform of the CI matrix, skipped there by name with the
 * reason, so a skipped test says why in the output instead of passing without asserting.
 */
import { existsSync } from "node:fs";
import { it, type TestFunction } from "vitest";

/** Whether live processes' environments, working directories and command lines can be read (`/proc`). */
export const PROCESS_TABLE_READABLE = existsSync("/proc/self/environ");

/** A test function that skips on `skip`, naming the reason in the skipped test's name. */
export type Gated = (name: string, fn: TestFunction, timeout?: number) => void;

function gated(skip: boolean, where: string, reason: string): Gated {
  return (name, fn, timeout) => it.skipIf(skip)(skip ? `${name} [skipped on ${where}: ${reason}]` : name, fn, timeout);
}

/**
 * `it`, skipped on Windows: for what Windows lacks (POSIX signals and process groups, a POSIX
 * shell for the commands the mock model scripts, executable scripts with a shebang).
 */
export function unixOnly(reason: string): Gated {
  return gated(process.platform === "win32", "Windows", reason);
}

/**
 * `it`, skipped where `/proc` is missing (macOS, Windows): for tests whose point is which
 * processes live, found by their environment, working directory or command line.
 */
export function linuxOnly(reason: string): Gated {
  return gated(!PROCESS_TABLE_READABLE, process.platform, reason);
}
