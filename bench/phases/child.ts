/**
 * Runs a plain Node child (no tsx, no inherited NODE_OPTIONS) and times it from spawn to exit;
 * used by the import and one-shot phases.
 */
import { spawn } from "node:child_process";
import { performance } from "node:perf_hooks";

/** What a timed child did. */
export interface TimedChild {
  /** From `spawn()` to the `exit` event, in ms. */
  wallMs: number;
  /** Its stdout. */
  stdout: string;
}

/** The environment for a plain Node child: ours without NODE_OPTIONS (the benchmark runs under tsx), plus `extra`. */
export function plainEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && key !== "NODE_OPTIONS") env[key] = value;
  return { ...env, ...extra };
}

/**
 * Spawns `node <args>` in `cwd` and resolves when it exits with code 0; rejects on another exit
 * (with the end of its stderr) or after `timeoutMs` (the child is killed).
 */
export function timeNode(args: string[], options: { cwd?: string; env?: Record<string, string>; timeoutMs: number }): Promise<TimedChild> {
  return new Promise((resolve, reject) => {
    const startedAt = performance.now();
    const child = spawn(process.execPath, args, { cwd: options.cwd, env: options.env ?? plainEnv(), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr = (stderr + chunk).slice(-2_000)));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("exit", (code, signal) => {
      const wallMs = performance.now() - startedAt;
      clearTimeout(timer);
      // The pipes may still hold the last output: wait for them to close before reading it.
      child.once("close", () => {
        if (code === 0) resolve({ wallMs, stdout });
        else reject(new Error(`node exited with ${signal ?? code}${signal === "SIGKILL" ? ` (over ${options.timeoutMs} ms?)` : ""}: ${stderr.trim().slice(-300)}`));
      });
    });
  });
}
