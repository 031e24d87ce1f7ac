/**
 * A private `redis-server` per test file: its own free port on 127.0.0.1 and its own Unix socket
 * in a temp directory, nothing saved to disk, never daemonized, so it dies with its test and no
 * test relies on (or touches) a system Redis. Needs Debian's `redis-server` on PATH (`.ci/run`
 * installs it); where it is missing, `redisOnly` skips a test by name, saying so.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { onExit } from "signal-exit";
import { it } from "vitest";
import { freePort } from "./network.js";
import type { Gated } from "./platform.js";

export { freePort };

/** What to do when redis-server is missing. */
const INSTALL_HINT = "redis-server is not installed: install Debian's redis-server (apt-get install redis-server; .ci/run does)";

/** Whether `redis-server` runs here. */
export const REDIS_INSTALLED = spawnSync("redis-server", ["--version"], { stdio: "ignore" }).status === 0;

/** `it`, skipped (with the reason in its name) where redis-server is not installed. */
export const redisOnly: Gated = (name, fn, timeout) => it.skipIf(!REDIS_INSTALLED)(REDIS_INSTALLED ? name : `${name} [skipped: ${INSTALL_HINT}]`, fn, timeout);

/** A running private Redis. */
export interface PrivateRedis {
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** The Unix socket it also listens on. */
  readonly socket: string;
  /** The redis-server process id. */
  readonly pid: number;
  /** Stops it (SIGTERM, nothing saved), waits for the exit and removes its directory; idempotent. */
  close(): Promise<void>;
}

/** How long redis-server may take to say it is ready, and to exit once told to. */
const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;
/** Tries at finding a free port (another process can take it between our look and redis' bind). */
const PORT_ATTEMPTS = 5;

/** Starts a private redis-server and resolves once it accepts connections. */
export async function startRedis(): Promise<PrivateRedis> {
  if (!REDIS_INSTALLED) throw new Error(INSTALL_HINT);
  const dir = mkdtempSync(path.join(os.tmpdir(), "codexkit-redis-"));
  try {
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const started = await launch(dir, port);
      if (started.ok) return started.redis;
      if (!started.portTaken || attempt === PORT_ATTEMPTS) throw new Error(`redis-server did not start: ${started.reason}`);
    }
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}


type Launch = { ok: true; redis: PrivateRedis } | { ok: false; portTaken: boolean; reason: string };

/** One redis-server on `port`, in `dir`. */
function launch(dir: string, port: number): Promise<Launch> {
  const socket = path.join(dir, "redis.sock");
  // prettier-ignore
  const args = [
    "--port", String(port), "--bind", "127.0.0.1", "--unixsocket", socket, "--unixsocketperm", "700",
    "--save", "", "--appendonly", "no", "--dir", dir, "--daemonize", "no", "--logfile", "",
  ];
  const child = spawn("redis-server", args, { stdio: ["ignore", "pipe", "pipe"] });
  // Should the test process die before close(), its redis-server dies with it.
  const forget = onExit(() => void child.kill("SIGKILL"));
  let output = "";
  const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
  return new Promise<Launch>((resolve) => {
    let settled = false;
    const fail = (reason: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill("SIGKILL");
      void exited.then(() => {
        forget();
        resolve({ ok: false, portTaken: /address already in use/i.test(output), reason: `${reason}${output ? `; it said: ${tail(output)}` : ""}` });
      });
    };
    const timer = setTimeout(() => fail(`not ready within ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS);
    const onData = (chunk: Buffer): void => {
      output = (output + chunk.toString("utf8")).slice(-8_000);
      // Redis 7 says it once per listener ("... tcp", "... unix"); older versions once, for all.
      if (settled || !/Ready to accept connections/.test(output)) return;
      settled = true;
      clearTimeout(timer);
      child.stdout?.off("data", onData);
      // Keep draining: a full pipe would block redis-server's logging.
      child.stdout?.resume();
      resolve({ ok: true, redis: running(child, exited, forget, dir, port, socket) });
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (chunk: Buffer) => (output = (output + chunk.toString("utf8")).slice(-8_000)));
    child.once("error", (error) => fail(error.message));
    child.once("exit", (code, signal) => fail(`exited (${signal ?? `code ${code}`}) before it was ready`));
  });
}

function running(child: ChildProcess, exited: Promise<void>, forget: () => void, dir: string, port: number, socket: string): PrivateRedis {
  let closing: Promise<void> | undefined;
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    socket,
    pid: child.pid!,
    close() {
      closing ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill("SIGTERM");
          const kill = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
          await exited;
          clearTimeout(kill);
        }
        forget();
        rmSync(dir, { recursive: true, force: true });
      })();
      return closing;
    },
  };
}

function tail(text: string): string {
  return text.trim().split("\n").slice(-5).join(" | ");
}
