/**
 * The four ways the benchmark runs a turn, behind one small interface: codexkit on app-server,
 * codexkit on exec, the official `@openai/codex-sdk`, and the raw app-server loop (the floor).
 * Every contender uses the same pinned binary, the same mock model, and the same thread settings
 * (read-only sandbox, approval `never`, a git-less working directory).
 */
import { performance } from "node:perf_hooks";
import { Codex as OfficialCodex } from "@openai/codex-sdk";
import type { ThreadEvent, TransportKind } from "../src/index.js";
import { flattenConfig } from "../src/config/index.js";
import type { MockModelServer } from "../src/testing/index.js";
import { RawAppServer } from "./raw-app-server.js";

/**
 * Where the mock model is: a `MockModelServer` in this process, or one in a child process
 * (phases/remote-model.ts) that hands its options over.
 */
export type ModelEndpoint = Pick<MockModelServer, "codexOptions">;

/** Where one client runs: its own CODEX_HOME and working directory. */
export interface ClientSetup {
  model: ModelEndpoint;
  /** The codex binary every contender uses. */
  binary: string;
  /** A fresh CODEX_HOME, also the marker that finds this client's processes. */
  home: string;
  /** A fresh, git-less working directory. */
  cwd: string;
  /** HOME for codex: a fresh empty dir, or undefined to keep the user's (see `isolatedHome` in index.ts). */
  userHome: string | undefined;
  /** Upper bound on one turn; a turn over it fails the contender's run. */
  turnTimeoutMs: number;
}

/** One conversation. Turns on one thread run one after another. */
export interface BenchThread {
  /** Runs a turn to completion. */
  run(prompt: string): Promise<void>;
  /** Runs a turn to completion, streamed; resolves with when its first events came. */
  runStreamed(prompt: string): Promise<StreamTiming>;
}

/** When a streamed turn's first events arrived, in ms from the call that started the turn. */
export interface StreamTiming {
  /** The first event of any kind. */
  firstEventMs: number;
  /** Its type (`thread.started`, `turn.started`; raw: the notification method). */
  firstEventType: string;
  /** `turn.started` (raw: the `turn/started` notification): codex has taken the turn on. */
  turnStartedMs: number;
}

/** A client: owns its codex processes until `close()`. */
export interface BenchClient {
  startThread(): BenchThread;
  /** Starts codex ahead of the first turn (codexkit: `codex.start()`; raw: spawn and handshake); nothing on exec and the official SDK. */
  start(): Promise<void>;
  close(): Promise<void>;
}

/** A way of running turns. */
export interface Contender {
  /** Short stable id (used in targets). */
  id: ContenderId;
  /** Row label in the tables. */
  label: string;
  /** Opens a client; may reject (then the contender is reported as n/a). */
  open(setup: ClientSetup): Promise<BenchClient>;
}

/** Ids of the contenders. */
export type ContenderId = "raw" | "codexkit-app-server" | "codexkit-exec" | "official";

const THREAD_OPTIONS = { sandboxMode: "read-only", approvalPolicy: "never", skipGitRepoCheck: true } as const;

/** Environment and config for codex pointing at the mock model, with CODEX_HOME = `setup.home` (and HOME = `setup.userHome`). */
export function mockEnvironment(setup: ClientSetup): { config: ReturnType<MockModelServer["codexOptions"]>["config"]; env: Record<string, string> } {
  const { config, env } = setup.model.codexOptions({ codexHome: setup.home });
  return { config, env: { ...env, CODEX_HOME: setup.home, ...(setup.userHome === undefined ? {} : { HOME: setup.userHome }) } };
}

/** Drains a turn's events, noting when the first one and `turn.started` came; throws on a failed turn. */
async function drain(events: AsyncIterable<{ type: string }>, startedAt: number): Promise<StreamTiming> {
  let first: { ms: number; type: string } | undefined;
  let turnStartedMs = Number.NaN;
  for await (const event of events) {
    first ??= { ms: performance.now() - startedAt, type: event.type };
    if (event.type === "turn.started") turnStartedMs = performance.now() - startedAt;
    if (event.type === "turn.failed" || event.type === "error") throw new Error(`turn failed: ${JSON.stringify(event).slice(0, 300)}`);
  }
  if (first === undefined) throw new Error("the turn produced no events");
  return { firstEventMs: first.ms, firstEventType: first.type, turnStartedMs };
}

/**
 * codexkit's `Codex` on `transport`. codexkit is imported when first used, so a codexkit that does
 * not load (a tree mid-edit) makes its contenders n/a instead of stopping the benchmark.
 */
function codexkit(transport: TransportKind): Contender {
  return {
    id: transport === "exec" ? "codexkit-exec" : "codexkit-app-server",
    label: `codexkit (${transport})`,
    async open(setup) {
      const { Codex } = await import("../src/index.js");
      const { config, env } = mockEnvironment(setup);
      const codex = new Codex({ transport, codexPathOverride: setup.binary, codexHome: setup.home, config, env });
      return {
        startThread() {
          const thread = codex.startThread({ ...THREAD_OPTIONS, workingDirectory: setup.cwd });
          return {
            async run(prompt) {
              await thread.run(prompt, { signal: AbortSignal.timeout(setup.turnTimeoutMs) });
            },
            async runStreamed(prompt) {
              const startedAt = performance.now();
              const { events } = await thread.runStreamed(prompt, { signal: AbortSignal.timeout(setup.turnTimeoutMs) });
              return drain(events as AsyncIterable<ThreadEvent>, startedAt);
            },
          };
        },
        start: () => codex.start(),
        close: () => codex.close(),
      };
    },
  };
}

/** The official `@openai/codex-sdk`: one `codex exec` per turn. It has no `close()`; its processes end with their turns. */
const official: Contender = {
  id: "official",
  label: "@openai/codex-sdk",
  open(setup) {
    const { config, env } = mockEnvironment(setup);
    const codex = new OfficialCodex({ codexPathOverride: setup.binary, config, env });
    return Promise.resolve({
      startThread() {
        const thread = codex.startThread({ ...THREAD_OPTIONS, workingDirectory: setup.cwd });
        return {
          async run(prompt) {
            await thread.run(prompt, { signal: AbortSignal.timeout(setup.turnTimeoutMs) });
          },
          async runStreamed(prompt) {
            const startedAt = performance.now();
            const { events } = await thread.runStreamed(prompt, { signal: AbortSignal.timeout(setup.turnTimeoutMs) });
            return drain(events, startedAt);
          },
        };
      },
      start: () => Promise.resolve(),
      close: () => Promise.resolve(),
    });
  },
};

/**
 * The raw JSON-RPC loop. Like codexkit, it starts its process lazily (on the first turn) and
 * creates each thread on its first turn, so all contenders pay the same setup inside the timing.
 */
const raw: Contender = {
  id: "raw",
  label: "raw app-server (floor)",
  open(setup) {
    const { config, env } = mockEnvironment(setup);
    let server: Promise<RawAppServer> | undefined;
    const connect = (): Promise<RawAppServer> => (server ??= RawAppServer.start({ binary: setup.binary, config: flattenConfig(config), env }));
    return Promise.resolve({
      startThread() {
        let threadId: Promise<string> | undefined;
        const turn = async (prompt: string): Promise<StreamTiming> => {
          const rpc = await connect();
          threadId ??= rpc.startThread(setup.cwd);
          return rpc.runTurn(await threadId, prompt, setup.turnTimeoutMs);
        };
        return {
          async run(prompt) {
            await turn(prompt);
          },
          runStreamed: turn,
        };
      },
      async start() {
        await connect();
      },
      async close() {
        const started = server;
        server = undefined;
        await started?.then((rpc) => rpc.close(), () => undefined);
      },
    });
  },
};

/** Every contender, in table order: the floor first, the official SDK last. */
export const CONTENDERS: readonly Contender[] = [raw, codexkit("app-server"), codexkit("exec"), official];

/** The contenders with these ids, in table order. */
export function contendersOf(...ids: ContenderId[]): Contender[] {
  return CONTENDERS.filter((contender) => ids.includes(contender.id));
}
