/**
 * What every benchmark section shares: settings read from the environment, progress lines on
 * stderr, fresh per-client directories (`Workspace`), and the interleaved, rotated runs of the
 * contenders (`roundRobin`).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { resolveCodexBinary } from "../src/transport/binary.js";
import { CONTENDERS, type BenchClient, type ClientSetup, type Contender, type ContenderId, type ModelEndpoint } from "./contenders.js";
import { RssSampler } from "./rss.js";
import { ms } from "./table.js";

/** A positive integer from the environment, or `fallback`. */
export function envInt(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

/** A comma-separated list from the environment (trimmed, lower-case, empty entries dropped); undefined when unset or empty. */
export function envList(name: string): string[] | undefined {
  const list = (process.env[name] ?? "").split(",").map((entry) => entry.trim().toLowerCase()).filter(Boolean);
  return list.length > 0 ? list : undefined;
}

/** Upper bound on one turn (BENCH_TURN_TIMEOUT_MS); a turn over it fails the contender's run. */
export const TURN_TIMEOUT_MS = envInt("BENCH_TURN_TIMEOUT_MS", 60_000);
/**
 * codex snapshots the user's login shell (`bash -lc` reading ~/.bashrc) for every thread on
 * app-server and for every process on exec. What that costs depends on the machine's profile,
 * not on the SDK (a profile running `pyenv init` takes seconds of CPU, and concurrent snapshots
 * contend), so by default each client gets an empty HOME. BENCH_KEEP_HOME=1 keeps the real one.
 */
export const ISOLATE_HOME = process.env.BENCH_KEEP_HOME !== "1";
/** What every turn of the benchmark asks; the mock model answers "ok". */
export const PROMPT = "Reply with ok.";
/** The pinned codex binary every contender runs. */
export const BINARY: string = resolveCodexBinary().executable;

/** Failures by contender: set by the warm-up (the contender is skipped everywhere) or per scenario. */
export type Failures = Map<ContenderId, string>;

/** A progress line on stderr (the report itself goes to stdout). */
export function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

/** An error as one short line, without a plain `Error: ` prefix. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return `${error.name === "Error" ? "" : `${error.name}: `}${error.message}`;
  return String(error);
}

/** `list` rotated left by `by`, so each repetition starts with a different contender. */
export function rotate<T>(list: readonly T[], by: number): T[] {
  const shift = by % Math.max(list.length, 1);
  return [...list.slice(shift), ...list.slice(0, shift)];
}

/** The load averages, to judge how busy the machine was. */
export function loadAverage(): string {
  return os.loadavg().map((load) => load.toFixed(2)).join(", ");
}

/** Fresh directories for each client (CODEX_HOME, cwd, and HOME unless BENCH_KEEP_HOME=1), all under one temp root. */
export class Workspace {
  readonly root = mkdtempSync(path.join(os.tmpdir(), "codexkit-bench-"));
  /** Every CODEX_HOME handed out: the markers of every process the benchmark started. */
  readonly homes: string[] = [];

  constructor(private readonly model: ModelEndpoint) {}

  /** Directories and settings for one client; `tag` names its directories. */
  setup(tag: string): ClientSetup {
    const home = mkdtempSync(path.join(this.root, `home-${tag}-`));
    const cwd = mkdtempSync(path.join(this.root, `cwd-${tag}-`));
    const userHome = ISOLATE_HOME ? mkdtempSync(path.join(this.root, `user-${tag}-`)) : undefined;
    this.homes.push(home);
    return { model: this.model, binary: BINARY, home, cwd, userHome, turnTimeoutMs: TURN_TIMEOUT_MS };
  }

  /** Waits for stragglers carrying any of our markers, kills those that stay, removes the root. Returns a status line. */
  async cleanUp(): Promise<string> {
    const leftovers = (): number[] => this.homes.flatMap((home) => new RssSampler(`CODEX_HOME=${home}`).processes());
    let left = leftovers();
    for (let waited = 0; left.length > 0 && waited < 5_000; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      left = leftovers();
    }
    const described = left.map((pid) => `${pid} ${commandOf(pid)}`);
    for (const pid of left) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Gone in the meantime.
      }
    }
    rmSync(this.root, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    return left.length === 0 ? "none" : `${left.length}, killed now (${described.join("; ")})`;
  }
}

/** The command line of `pid`, shortened, for reports. */
function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ").trim().slice(0, 80);
  } catch {
    return "?";
  }
}

/** Opens a client of `contender`, runs `body`, and closes the client whatever happens. */
export async function withClient<T>(contender: Contender, setup: ClientSetup, body: (client: BenchClient) => Promise<T>): Promise<T> {
  const client = await contender.open(setup);
  try {
    return await body(client);
  } finally {
    await client.close();
  }
}

/** One warm-up turn per contender, so the binary is in the page cache (and codexkit loaded) for whoever goes first. */
export async function warmUp(workspace: Workspace, failures: Failures): Promise<void> {
  for (const contender of CONTENDERS) {
    const startedAt = performance.now();
    try {
      await withClient(contender, workspace.setup(`warm-${contender.id}`), (client) => client.startThread().run(PROMPT));
      progress(`warm-up ${contender.label}: ${ms(performance.now() - startedAt)}`);
    } catch (error) {
      failures.set(contender.id, errorMessage(error));
      progress(`warm-up ${contender.label} failed: ${errorMessage(error)}`);
    }
  }
}

/**
 * Runs `measure` for every contender of `contenders` not in `failures`, `repeat` times,
 * round-robin with a different one first each time; returns the samples and the failures
 * (`failures` plus this scenario's own: a contender that throws is skipped from then on).
 */
export async function roundRobin<T>(
  name: string,
  repeat: number,
  failures: Failures,
  measure: (contender: Contender, rep: number) => Promise<T>,
  contenders: readonly Contender[] = CONTENDERS,
): Promise<{ samples: Map<ContenderId, T[]>; failed: Failures }> {
  const samples = new Map<ContenderId, T[]>(contenders.map((c) => [c.id, []]));
  const failed: Failures = new Map([...failures].filter(([id]) => contenders.some((c) => c.id === id)));
  for (let rep = 0; rep < repeat; rep++) {
    for (const contender of rotate(contenders, rep)) {
      if (failed.has(contender.id)) continue;
      const startedAt = performance.now();
      try {
        samples.get(contender.id)!.push(await measure(contender, rep));
        progress(`${name} rep ${rep + 1}/${repeat} ${contender.label}: ${ms(performance.now() - startedAt)}`);
      } catch (error) {
        failed.set(contender.id, errorMessage(error));
        progress(`${name} rep ${rep + 1}/${repeat} ${contender.label} failed: ${errorMessage(error)}`);
      }
    }
  }
  return { samples, failed };
}
