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
import { expectNoProcesses } from "./processes.js";

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
  /** Closes everything and checks that no process of this fixture survived. */
  close(): Promise<void>;
}

export async function harness(transport: TransportKind = "exec", extra: Partial<CodexOptions> = {}): Promise<Harness> {
  const model = await MockModelServer.start();
  const cwd = mkdtempSync(path.join(os.tmpdir(), "codexkit-work-"));
  const base = model.codexOptions();
  const clients: Codex[] = [];
  const client = (options: Partial<CodexOptions> = {}): Codex => {
    const c = new Codex({ ...base, transport, killGraceMs: 1_000, ...extra, ...options });
    clients.push(c);
    return c;
  };
  const codex = client();
  const marker = `CODEX_HOME=${path.resolve(base.codexHome)}`;
  return {
    model,
    codex,
    cwd,
    codexHome: base.codexHome,
    marker,
    thread: (options = {}) => codex.startThread({ skipGitRepoCheck: true, workingDirectory: cwd, ...options }),
    client,
    async close() {
      await Promise.all(clients.map((c) => c.close()));
      try {
        await expectNoProcesses(marker);
      } finally {
        await model.close();
        rmSync(cwd, { recursive: true, force: true });
      }
    },
  };
}

/** Collects a turn's events. */
export async function collect<T>(events: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const event of events) out.push(event);
  return out;
}
