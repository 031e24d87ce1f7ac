/**
 * Phase "turns": one client per run and contender, all four contenders, interleaved and rotated:
 * - cold first turn: from creating the client (codex not started) to the first turn's end;
 * - steady turn: the next BENCH_PHASE_STEADY_TURNS (20) turns on that thread, their median;
 * - client CPU per turn: `process.cpuUsage()` of this process over those turns, divided by their
 *   number (the mock model runs in another process, so it is not counted);
 * - time to `turn.started`: BENCH_LATENCY_TURNS (5) more turns, streamed, from the call to the
 *   turn's `turn.started` (raw: the `turn/started` notification);
 * - `close()` of the client with its one idle thread (raw: stdin EOF and wait for the exit).
 * Each figure is the median over BENCH_PHASE_REPEAT runs of the run's own value.
 */
import { performance } from "node:perf_hooks";
import { PROMPT, envInt, roundRobin } from "../harness.js";
import { CONTENDERS, type BenchClient, type ContenderId } from "../contenders.js";
import { markdownTable, median, ms, notAvailable, ratio } from "../table.js";
import { ratioCheck, stat, type PhaseContext, type PhaseResult, type Stat } from "./types.js";

const STEADY_TURNS = envInt("BENCH_PHASE_STEADY_TURNS", 20);
const LATENCY_TURNS = envInt("BENCH_LATENCY_TURNS", 5);

/** What one run of one contender measured. */
interface TurnsRun {
  coldMs: number;
  steadyMs: number;
  cpuMsPerTurn: number;
  /** The kernel's share of `cpuMsPerTurn` (pipes, process starts): time no JS profile shows. */
  systemCpuMsPerTurn: number;
  turnStartedMs: number;
  firstEventMs: number;
  closeMs: number;
}

/** CPU time (user + system) of this process since `since`, in ms. */
export function cpuMsSince(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

const MEASURES: { key: keyof TurnsRun; heading: string }[] = [
  { key: "coldMs", heading: "cold first turn" },
  { key: "steadyMs", heading: "steady turn" },
  { key: "cpuMsPerTurn", heading: "client CPU / turn" },
  { key: "turnStartedMs", heading: "to turn.started" },
  { key: "closeMs", heading: "close()" },
];

/** Runs the phase; fills `ctx.steady` with the steady-turn medians. */
export async function turnsPhase(ctx: PhaseContext): Promise<PhaseResult> {
  const { samples, failed } = await roundRobin("turns", ctx.repeat, ctx.failures, async (contender, rep) => {
    const setup = ctx.workspace.setup(`t${rep}-${contender.id}`);
    let client: BenchClient | undefined;
    try {
      const coldStart = performance.now();
      client = await contender.open(setup);
      const thread = client.startThread();
      await thread.run(PROMPT);
      const coldMs = performance.now() - coldStart;
      const steady: number[] = [];
      const cpuStart = process.cpuUsage();
      for (let turn = 0; turn < STEADY_TURNS; turn++) {
        const startedAt = performance.now();
        await thread.run(PROMPT);
        steady.push(performance.now() - startedAt);
      }
      const cpuMsPerTurn = cpuMsSince(cpuStart) / STEADY_TURNS;
      const systemCpuMsPerTurn = process.cpuUsage(cpuStart).system / 1000 / STEADY_TURNS;
      const started: number[] = [];
      const first: number[] = [];
      for (let turn = 0; turn < LATENCY_TURNS; turn++) {
        const timing = await thread.runStreamed(PROMPT);
        started.push(timing.turnStartedMs);
        first.push(timing.firstEventMs);
      }
      const closeStart = performance.now();
      const closing = client;
      client = undefined;
      await closing.close();
      const closeMs = performance.now() - closeStart;
      return { coldMs, steadyMs: median(steady), cpuMsPerTurn, systemCpuMsPerTurn, turnStartedMs: median(started), firstEventMs: median(first), closeMs } satisfies TurnsRun;
    } finally {
      await client?.close().catch(() => undefined);
    }
  });
  const stats = new Map<ContenderId, Record<keyof TurnsRun, Stat>>();
  for (const [id, runs] of samples) {
    if (failed.has(id) || runs.length === 0) continue;
    const entry = {} as Record<keyof TurnsRun, Stat>;
    for (const key of ["coldMs", "steadyMs", "cpuMsPerTurn", "systemCpuMsPerTurn", "turnStartedMs", "firstEventMs", "closeMs"] as const) entry[key] = stat(runs.map((run) => run[key]));
    stats.set(id, entry);
    ctx.steady.set(id, entry.steadyMs.median);
  }
  const of = (id: ContenderId, key: keyof TurnsRun): number | undefined => stats.get(id)?.[key].median;
  const rows = CONTENDERS.map((contender) => {
    const s = stats.get(contender.id);
    if (!s) return [contender.label, notAvailable(failed.get(contender.id) ?? "no runs"), ...MEASURES.slice(1).flatMap(() => ["", ""]), ""];
    return [
      contender.label,
      ...MEASURES.flatMap(({ key }) => {
        // The official SDK has no close(); its processes end with their turns.
        if (key === "closeMs" && contender.id === "official") return ["–", "–"];
        return [ms(s[key].median), ratio(s[key].median, of("raw", key))];
      }),
    ];
  });
  const spread = CONTENDERS.filter((c) => stats.has(c.id)).map((contender) => {
    const s = stats.get(contender.id)!;
    return [contender.label, ...MEASURES.map(({ key }) => (key === "closeMs" && contender.id === "official" ? "–" : `${ms(s[key].min)}–${ms(s[key].max)}`))];
  });
  const app = "codexkit-app-server";
  const kernel = CONTENDERS.filter((c) => stats.has(c.id)).map((c) => `${c.label} ${ms(stats.get(c.id)!.systemCpuMsPerTurn.median)}`);
  return {
    id: "turns",
    markdown: [
      "### Cold first turn, steady turn, client CPU, close()",
      "",
      `One client per run: the cold first turn (creating the client, spawning codex, the thread, the turn), then ${STEADY_TURNS} steady turns on that thread (their median, and this process's CPU over them per turn; the mock model runs in another process), ${LATENCY_TURNS} streamed turns (from the call to \`turn.started\`), and \`close()\` with the one idle thread (raw: stdin EOF, wait for exit). Medians of ${ctx.repeat} interleaved runs; "×" is against the raw app-server floor.`,
      "",
      markdownTable(["contender", ...MEASURES.flatMap(({ heading }) => [heading, "×"])], rows),
      "",
      `Of the client CPU per turn, the kernel's share (system time: pipes, process starts): ${kernel.join("; ")}.`,
      "",
      "Spread (min–max of the runs):",
      "",
      markdownTable(["contender", ...MEASURES.map(({ heading }) => heading)], spread),
    ].join("\n"),
    data: { repeat: ctx.repeat, steadyTurns: STEADY_TURNS, latencyTurns: LATENCY_TURNS, byContender: Object.fromEntries(stats), failed: Object.fromEntries(failed) },
    targets: [
      ratioCheck("steady turn", "≤ 1.03× raw", of(app, "steadyMs"), of("raw", "steadyMs"), 1.03, ms),
      ratioCheck("client CPU per turn (app-server)", "≤ 1.3× the raw client's", of(app, "cpuMsPerTurn"), of("raw", "cpuMsPerTurn"), 1.3, ms),
      ratioCheck("client CPU per turn (exec)", "≤ 1.3× the raw client's", of("codexkit-exec", "cpuMsPerTurn"), of("raw", "cpuMsPerTurn"), 1.3, ms),
      ratioCheck("cold first turn", "≤ 1.05× raw cold", of(app, "coldMs"), of("raw", "coldMs"), 1.05, ms),
      ratioCheck("close()", "≤ 1.1× raw's EOF-and-wait", of(app, "closeMs"), of("raw", "closeMs"), 1.1, ms),
    ],
  };
}
