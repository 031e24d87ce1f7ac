/**
 * A `codex app-server --listen` started by a test, as a user would run it on another machine:
 * the pinned binary, the mock model's config, its own CODEX_HOME and an empty HOME, on loopback
 * (`ws://127.0.0.1:<port>`) or a unix socket. Resolves once it accepts connections.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { flattenConfig } from "../../src/config/index.js";
import type { MockModelServer } from "../../src/testing/index.js";
import { resolveCodexBinary } from "../../src/transport/index.js";
import { freePort } from "./network.js";

export { freePort };

/** A running app-server. */
export interface ListeningAppServer {
  /** What `appServer.url` takes. */
  url: string;
  /** The server's CODEX_HOME (uploads go under it by default). */
  codexHome: string;
  readonly child: ChildProcess;
  /** Stops it (SIGKILL when `hard`). */
  stop(hard?: boolean): Promise<void>;
  /** Starts it again on the same address. */
  restart(): Promise<void>;
  /** Stops it and removes its directories. */
  close(): Promise<void>;
}


/** Starts `codex app-server --listen` for `model`; `token` turns on capability-token auth. */
export async function listeningAppServer(model: MockModelServer, options: { unix?: boolean; token?: string } = {}): Promise<ListeningAppServer> {
  const root = mkdtempSync(path.join(os.tmpdir(), "codexkit-remote-"));
  const { config, env, codexHome } = model.codexOptions({ codexHome: path.join(root, "home") });
  const listen = options.unix ? `unix://${path.join(root, "codex.sock")}` : `ws://127.0.0.1:${await freePort()}`;
  const args = ["app-server", "--listen", listen];
  for (const pair of flattenConfig(config)) args.push("--config", pair);
  if (options.token) {
    const tokenFile = path.join(root, "token");
    writeFileSync(tokenFile, options.token, { mode: 0o600 });
    args.push("--ws-auth", "capability-token", "--ws-token-file", tokenFile);
  }
  const executable = resolveCodexBinary().executable;
  let child!: ChildProcess;
  const running = (): boolean => child.exitCode === null && child.signalCode === null;
  const stop = async (hard = false): Promise<void> => {
    if (!running()) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill(hard ? "SIGKILL" : "SIGTERM");
    // A server that ignores SIGTERM is killed: stopping never hangs a test.
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
  };
  const start = async (): Promise<void> => {
    if (child && running()) throw new Error("the app-server is still running; stop it before starting it again");
    child = spawn(executable, args, { env: { ...env, CODEX_HOME: codexHome }, stdio: ["ignore", "ignore", "ignore"] });
    const exited = new Promise<never>((_, reject) => child.once("exit", (code, signal) => reject(new Error(`codex app-server exited before it listened (${signal ?? code})`))));
    exited.catch(() => {});
    await Promise.race([ready(listen), exited]);
  };
  try {
    await start();
  } catch (error) {
    // Nothing of a server that never came up outlives the attempt.
    await stop(true);
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
  return {
    url: listen,
    codexHome,
    get child() {
      return child;
    },
    stop,
    restart: start,
    async close() {
      try {
        await stop();
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  };
}

/** Waits until the server accepts a connection (up to 15 s). */
async function ready(listen: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (await accepts(listen)) return;
    if (Date.now() > deadline) throw new Error(`codex app-server did not listen on ${listen}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function accepts(listen: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socketPath = listen.startsWith("unix://") ? listen.slice("unix://".length) : null;
    if (socketPath !== null && !existsSync(socketPath)) return resolve(false);
    const socket = socketPath !== null ? net.connect({ path: socketPath }) : net.connect({ host: "127.0.0.1", port: Number(listen.split(":").pop()) });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
