/**
 * Per-test fixture for integration tests: a MockModelServer, an isolated CODEX_HOME and working
 * directory, and a `Codex` on the chosen transport pointed at the mock. `marker` identifies every
 * process this fixture's codex started (and their children), for no-orphan checks.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Codex, type CodexOptions, type ThreadOptions, type TransportKind } from "../../src/index.js";
import { MockModelServer } from "../../src/testing/index.js";
import { PROCESS_TABLE_READABLE } from "./platform.js";
import { expectNoProcesses, processesWithEnv } from "./processes.js";

export interface Harness {
  model: MockModelServer;
  codex: Codex;
  cwd: string;
  codexHome: string;
  /** `CODEX_HOME=<dir>`: present in the environment of every process of this fixture. */
  marker: string;
  /** A new thread in the fixture's working directory. */
  thread(options?: ThreadOptions): ReturnType<Codex["startThread"]>;
  /** Another client on the same mock and CODEX_HOME (e.g. to resume from a "new process"). */
  client(options?: Partial<CodexOptions>): Codex;
  /** Closes everything and, where `/proc` lets it look (Linux), checks that no process of this fixture survived. */
  close(): Promise<void>;
}

export async function harness(transport: TransportKind = "exec", extra: Partial<CodexOptions> = {}): Promise<Harness> {
  const model = await MockModelServer.start();
  let cwd: string | undefined;
  let filesDir: string | undefined;
  const clients: Codex[] = [];
  let codex: Codex;
  let base: ReturnType<MockModelServer["codexOptions"]>;
  const client = (options: Partial<CodexOptions> = {}): Codex => {
    // A private staging store per fixture: nothing a test stages lands in the user's cache.
    const c = new Codex({ ...base, transport, killGraceMs: 1_000, files: { dir: filesDir! }, ...extra, ...options });
    clients.push(c);
    return c;
  };
  try {
    cwd = mkdtempSync(path.join(os.tmpdir(), "codexkit-work-"));
    filesDir = mkdtempSync(path.join(os.tmpdir(), "codexkit-files-"));
    base = model.codexOptions();
    codex = client();
  } catch (error) {
    // A fixture that cannot be built must not leave its server or directory behind.
    await model.close();
    if (cwd) rmSync(cwd, { recursive: true, force: true });
    if (filesDir) rmSync(filesDir, { recursive: true, force: true });
    throw error;
  }
  const workdir = cwd;
  const marker = `CODEX_HOME=${path.resolve(base.codexHome)}`;
  let closed: Promise<void> | null = null;
  return {
    model,
    codex,
    cwd: workdir,
    codexHome: base.codexHome,
    marker,
    thread: (options = {}) => codex.startThread({ skipGitRepoCheck: true, workingDirectory: workdir, ...options }),
    client,
    close() {
      closed ??= (async () => {
        const results = await Promise.allSettled(clients.map((c) => c.close()));
        try {
          if (PROCESS_TABLE_READABLE) await expectNoProcesses(marker);
        } catch (error) {
          // Report the survivors, but do not let them outlive the test or recreate CODEX_HOME.
          for (const pid of processesWithEnv(marker)) {
            try {
              process.kill(pid, "SIGKILL");
            } catch {
              // Gone meanwhile.
            }
          }
          throw error;
        } finally {
          await model.close();
          rmSync(workdir, { recursive: true, force: true });
          rmSync(filesDir, { recursive: true, force: true });
        }
        const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
        if (failed) throw failed.reason;
      })();
      return closed;
    },
  };
}

/** Collects a turn's events. */
export async function collect<T>(events: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const event of events) out.push(event);
  return out;
}
