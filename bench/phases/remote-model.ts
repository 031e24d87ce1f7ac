/**
 * The benchmark's side of mock-process.ts: starts the mock model in a child process and stands
 * in for a `MockModelServer` where only `codexOptions()` is needed (contenders.ts's
 * `ModelEndpoint`). Every client still gets its own CODEX_HOME; HOME is set per client by
 * `mockEnvironment`.
 */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { MockCodexOptions, CodexOptionsRequest } from "../../src/testing/index.js";
import type { ModelEndpoint } from "../contenders.js";
import { REPO } from "./build.js";

const PROGRAM = fileURLToPath(new URL("./mock-process.ts", import.meta.url));
/** How long the child may take to start listening. */
const START_TIMEOUT_MS = 30_000;

/** A mock model server running in a child process. */
export class RemoteModel implements ModelEndpoint {
  private constructor(
    private readonly child: ChildProcess,
    private readonly options: MockCodexOptions,
  ) {}

  /** Starts the child and waits for its options. */
  static async start(): Promise<RemoteModel> {
    const child = fork(PROGRAM, [], { cwd: REPO, execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
    try {
      const options = await new Promise<MockCodexOptions>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the mock model process did not start within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
        child.once("exit", (code) => reject(new Error(`the mock model process exited with ${code} before it was ready`)));
        child.once("message", (message: { options?: MockCodexOptions }) => {
          clearTimeout(timer);
          if (message.options) resolve(message.options);
          else reject(new Error("the mock model process sent no options"));
        });
      });
      return new RemoteModel(child, options);
    } catch (error) {
      child.kill("SIGKILL");
      throw error;
    }
  }

  /** The child's pid (its CPU is not the client's). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The mock's `codexOptions()`, with CODEX_HOME `request.codexHome` when given (other request fields are not supported). */
  codexOptions(request: CodexOptionsRequest = {}): MockCodexOptions {
    const codexHome = request.codexHome ?? this.options.codexHome;
    return { codexHome, config: structuredClone(this.options.config), env: { ...this.options.env } };
  }

  /** How many model requests the server has answered. */
  requests(): Promise<number> {
    return new Promise((resolve, reject) => {
      if (!this.child.connected) return reject(new Error("the mock model process is gone"));
      this.child.once("message", (message: { requests?: number }) => resolve(message.requests ?? Number.NaN));
      this.child.send("count");
    });
  }

  /** Stops the server and waits for the child to exit. */
  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    if (this.child.connected) this.child.send("close");
    else this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
  }
}
