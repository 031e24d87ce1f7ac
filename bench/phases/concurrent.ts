/**
 * Phase "concurrent": BENCH_PHASE_THREADS (64) threads × BENCH_PHASE_THREAD_TURNS (3) turns at
 * once on one client, codexkit on app-server against raw, interleaved. Each client is started
 * first (`start()`), so the wall time is the concurrent work, not the spawn; the client CPU of
 * this process over it is reported per turn. codexkit on exec and the official SDK start a process
 * per turn (192 here): they join only with BENCH_PHASE_CONCURRENT_ALL=1.
 */
import { performance } from "node:perf_hooks";
import { PROMPT, envInt, roundRobin } from "../harness.js";
import { contendersOf, type BenchClient, type ContenderId } from "../contenders.js";
import { markdownTable, ms, notAvailable, ratio } from "../table.js";
import { cpuMsSince } from "./turns.js";
import { ratioCheck, stat, type PhaseContext, type PhaseResult, type Stat } from "./types.js";

const THREADS = envInt("BENCH_PHASE_THREADS", 64);
const THREAD_TURNS = envInt("BENCH_PHASE_THREAD_TURNS", 3);
const ALL = process.env.BENCH_PHASE_CONCURRENT_ALL === "1";

interface ConcurrentRun {
  wallMs: number;
  cpuMsPerTurn: number;
}

/** Runs the phase. */
export async function concurrentPhase(ctx: PhaseContext): Promise<PhaseResult> {
  const contenders = ALL ? contendersOf("raw", "codexkit-app-server", "codexkit-exec", "official") : contendersOf("raw", "codexkit-app-server");
  const { samples, failed } = await roundRobin(
    "concurrent",
    ctx.repeat,
    ctx.failures,
    async (contender, rep) => {
      let client: BenchClient | undefined;
      try {
        client = await contender.open(ctx.workspace.setup(`m${rep}-${contender.id}`));
        await client.start();
        const threads = Array.from({ length: THREADS }, () => client!.startThread());
        const cpu = process.cpuUsage();
        const startedAt = performance.now();
        await Promise.all(
          threads.map(async (thread) => {
            for (let turn = 0; turn < THREAD_TURNS; turn++) await thread.run(PROMPT);
          }),
        );
        return { wallMs: performance.now() - startedAt, cpuMsPerTurn: cpuMsSince(cpu) / (THREADS * THREAD_TURNS) } satisfies ConcurrentRun;
      } finally {
        await client?.close().catch(() => undefined);
      }
    },
    contenders,
  );
  const stats = new Map<ContenderId, { wall: Stat; cpuPerTurn: Stat }>();
  for (const [id, runs] of samples) {
    if (!failed.has(id) && runs.length > 0) stats.set(id, { wall: stat(runs.map((r) => r.wallMs)), cpuPerTurn: stat(runs.map((r) => r.cpuMsPerTurn)) });
  }
  const raw = stats.get("raw");
  const rows = contenders.map((contender) => {
    const s = stats.get(contender.id);
    if (!s) return [contender.label, notAvailable(failed.get(contender.id) ?? "no runs"), "", "", "", ""];
    return [contender.label, ms(s.wall.median), `${ms(s.wall.min)}–${ms(s.wall.max)}`, ratio(s.wall.median, raw?.wall.median), ms(s.cpuPerTurn.median), ratio(s.cpuPerTurn.median, raw?.cpuPerTurn.median)];
  });
  return {
    id: "concurrent",
    markdown: [
      `### ${THREADS} threads × ${THREAD_TURNS} turns at once`,
      "",
      `One client, started first; wall time from the first turn's call until every thread finished, and this process's CPU over it per turn. Medians of ${ctx.repeat} interleaved runs.${ALL ? "" : " (codexkit on exec and the official SDK: BENCH_PHASE_CONCURRENT_ALL=1.)"}`,
      "",
      markdownTable(["contender", "wall (median)", "min–max", "× raw", "client CPU / turn", "× raw"], rows),
    ].join("\n"),
    data: { repeat: ctx.repeat, threads: THREADS, turnsPerThread: THREAD_TURNS, byContender: Object.fromEntries(stats), failed: Object.fromEntries(failed) },
    targets: [ratioCheck(`concurrent ${THREADS}×${THREAD_TURNS}`, "≤ 1.05× raw", stats.get("codexkit-app-server")?.wall.median, raw?.wall.median, 1.05, ms)],
  };
}
