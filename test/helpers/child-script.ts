/**
 * A user's program, for real: a child Node process running a script that imports codexkit,
 * started in a process group of its own (as a shell starts a foreground job), so a test can send
 * it what a terminal would (Ctrl-C to the group) or what a supervisor would (SIGTERM to the pid).
 * The script reports progress as JSON lines on stdout; the test awaits them instead of sleeping.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The package entry the scripts import (the sources, run through tsx). */
export const CODEXKIT_ENTRY = fileURLToPath(new URL("../../src/index.ts", import.meta.url));
/** The testing kit entry, for scripts that need it. */
export const TESTING_ENTRY = fileURLToPath(new URL("../../src/testing/index.ts", import.meta.url));

/** How a child script ended. */
export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Milliseconds since `start()`. */
  afterMs: number;
}

/** A running child script. */
export interface ChildScript {
  readonly pid: number;
  /** Resolves with the first progress message whose `stage` is `stage`. */
  waitFor(stage: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Every progress message so far. */
  readonly messages: Record<string, unknown>[];
  /** Resolves when the process has exited. */
  readonly exited: Promise<ChildExit>;
  /** What the script printed on stderr so far. */
  stderr(): string;
  /** Sends `signal` to the script's process group, as a terminal's Ctrl-C does. */
  signalGroup(signal: NodeJS.Signals): void;
  /** Sends `signal` to the script's process only. */
  signal(signal: NodeJS.Signals): void;
  /** Writes a line to the script's stdin. */
  send(line: string): void;
  /** Kills whatever is left and removes the script's directory. */
  dispose(): Promise<void>;
}

/**
 * Writes `source` to a temp file and runs it with `node [nodeArgs] --import tsx`. `env` is added to
 * the child's environment; `CODEXKIT_ENTRY` and `TESTING_ENTRY` are substituted into the source.
 */
export function startScript(source: string, env: Record<string, string> = {}, nodeArgs: string[] = []): ChildScript {
  const dir = mkdtempSync(path.join(os.tmpdir(), "codexkit-script-"));
  const file = path.join(dir, "script.mts");
  writeFileSync(file, source.replaceAll("CODEXKIT_ENTRY", JSON.stringify(CODEXKIT_ENTRY)).replaceAll("TESTING_ENTRY", JSON.stringify(TESTING_ENTRY)));
  const started = performance.now();
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, "--import", "tsx", file], {
    env: { ...process.env, ...env },
    stdio: ["pipe", "pipe", "pipe"],
    detached: true,
  });
  const messages: Record<string, unknown>[] = [];
  const waiters = new Set<{ stage: string; resolve: (m: Record<string, unknown>) => void }>();
  let stderr = "";
  let pending = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    pending += chunk;
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      let message: Record<string, unknown>;
      try {
        message = JSON.parse(line) as Record<string, unknown>;
      } catch {
        continue;
      }
      messages.push(message);
      for (const waiter of [...waiters]) {
        if (waiter.stage === message.stage) {
          waiters.delete(waiter);
          waiter.resolve(message);
        }
      }
    }
  });
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const exited = new Promise<ChildExit>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal, afterMs: performance.now() - started }));
  });
  const pid = child.pid!;
  return {
    pid,
    messages,
    exited,
    stderr: () => stderr,
    waitFor(stage, timeoutMs = 20_000) {
      const seen = messages.find((m) => m.stage === stage);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const fail = (why: string): void => {
          if (!waiters.delete(waiter)) return;
          clearTimeout(timer);
          reject(new Error(`${why}; it printed ${JSON.stringify(messages)}; stderr: ${stderr.slice(-2000)}`));
        };
        const waiter = {
          stage,
          resolve: (message: Record<string, unknown>) => {
            clearTimeout(timer);
            resolve(message);
          },
        };
        waiters.add(waiter);
        const timer = setTimeout(() => fail(`the script did not report "${stage}" within ${timeoutMs} ms`), timeoutMs);
        void exited.then((exit) => fail(`the script exited (${JSON.stringify(exit)}) before reporting "${stage}"`));
      });
    },
    signalGroup(signal) {
      process.kill(-pid, signal);
    },
    signal(signal) {
      process.kill(pid, signal);
    },
    send(line) {
      child.stdin!.write(`${line}\n`);
    },
    async dispose() {
      try {
        // Windows has no process groups: there the script alone is ended.
        if (process.platform === "win32") child.kill("SIGKILL");
        else process.kill(-pid, "SIGKILL");
      } catch {
        // Already gone.
      }
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 2_000))]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The lines a script uses to report progress, and to wait for a line from the test (paste into its source). */
export const REPORT = `const report = (stage, extra = {}) => console.log(JSON.stringify({ stage, ...extra }));
const nextLine = () => new Promise((resolve) => { process.stdin.once("data", (data) => { process.stdin.destroy(); resolve(String(data).trim()); }); });`;
