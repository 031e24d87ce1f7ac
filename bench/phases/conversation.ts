/**
 * Phase "conversation": a BENCH_PHASE_CONVERSATION_TURNS (100) turn conversation, codexkit on
 * app-server and raw side by side: both clients started (`start()`), one thread each, turn i
 * run on one then on the other (who goes first alternates), so both see the same machine load.
 * Compared: codexkit's overhead over raw in the first 10 turns and in the last 10 (anything per
 * turn that grows with history shows as a larger overhead late), in wall time and client CPU.
 */
import { performance } from "node:perf_hooks";
import { PROMPT, envInt, errorMessage, progress, rotate } from "../harness.js";
import { contendersOf, type BenchClient, type BenchThread, type ContenderId } from "../contenders.js";
import { markdownTable, median, ms, notAvailable } from "../table.js";
import { cpuMsSince } from "./turns.js";
import type { PhaseContext, PhaseResult, TargetCheck } from "./types.js";

const TURNS = envInt("BENCH_PHASE_CONVERSATION_TURNS", 100);
/** Turns at each end that are compared. */
const WINDOW = Math.min(10, Math.floor(TURNS / 2));

type Side = "codexkit-app-server" | "raw";

/** One run: per-turn wall time and client CPU, by contender. */
interface ConversationRun {
  ms: Record<Side, number[]>;
  cpuMs: Record<Side, number[]>;
}

/** Figures of one window (early or late), medians over runs of each run's window median. */
interface WindowFigures {
  codexkitMs: number;
  rawMs: number;
  /** codexkit − raw, per run, then the median. */
  overheadMs: number;
  ratio: number;
  codexkitCpuMs: number;
  rawCpuMs: number;
}

function windowOf(runs: ConversationRun[], from: number, to: number): WindowFigures {
  const per = (side: Side, key: "ms" | "cpuMs"): number[] => runs.map((run) => median(run[key][side].slice(from, to)));
  const ck = per("codexkit-app-server", "ms");
  const raw = per("raw", "ms");
  return {
    codexkitMs: median(ck),
    rawMs: median(raw),
    overheadMs: median(ck.map((value, i) => value - raw[i]!)),
    ratio: median(ck.map((value, i) => value / raw[i]!)),
    codexkitCpuMs: median(per("codexkit-app-server", "cpuMs")),
    rawCpuMs: median(per("raw", "cpuMs")),
  };
}

/** A least-squares line through `(x, y)` points: slope and its standard error. */
export interface Trend {
  slope: number;
  stderr: number;
}

/** The least-squares slope of `points` and its standard error (NaN with fewer than 3 points). */
export function trend(points: readonly [number, number][]): Trend {
  const n = points.length;
  if (n < 3) return { slope: Number.NaN, stderr: Number.NaN };
  const mx = points.reduce((sum, [x]) => sum + x, 0) / n;
  const my = points.reduce((sum, [, y]) => sum + y, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (const [x, y] of points) {
    sxx += (x - mx) ** 2;
    sxy += (x - mx) * (y - my);
  }
  const slope = sxy / sxx;
  const residual = points.reduce((sum, [x, y]) => sum + (y - my - slope * (x - mx)) ** 2, 0);
  return { slope, stderr: Math.sqrt(residual / (n - 2) / sxx) };
}

/** How codexkit's overhead over raw (wall and CPU) moves per turn, over every turn of every run. */
function overheadTrends(runs: ConversationRun[]): { wall: Trend; cpu: Trend } {
  const points = (key: "ms" | "cpuMs"): [number, number][] =>
    runs.flatMap((run) => run[key]["codexkit-app-server"].map((value, turn): [number, number] => [turn, value - run[key].raw[turn]!]));
  return { wall: trend(points("ms")), cpu: trend(points("cpuMs")) };
}

/** Runs the phase. */
export async function conversationPhase(ctx: PhaseContext): Promise<PhaseResult> {
  const contenders = contendersOf("raw", "codexkit-app-server");
  const target = `codexkit's overhead over raw no larger at turn ${TURNS} than at turn 1`;
  const runs: ConversationRun[] = [];
  let failure = [...ctx.failures].filter(([id]) => contenders.some((c) => c.id === id)).map(([id, why]) => `${id}: ${why}`)[0];
  for (let rep = 0; rep < ctx.repeat && failure === undefined; rep++) {
    const clients: BenchClient[] = [];
    const startedAt = performance.now();
    try {
      const threads = new Map<ContenderId, BenchThread>();
      for (const contender of contenders) {
        const client = await contender.open(ctx.workspace.setup(`c${rep}-${contender.id}`));
        clients.push(client);
        await client.start();
        threads.set(contender.id, client.startThread());
      }
      const run: ConversationRun = { ms: { "codexkit-app-server": [], raw: [] }, cpuMs: { "codexkit-app-server": [], raw: [] } };
      for (let turn = 0; turn < TURNS; turn++) {
        for (const contender of rotate(contenders, turn + rep)) {
          const side = contender.id as Side;
          const cpu = process.cpuUsage();
          const at = performance.now();
          await threads.get(side)!.run(PROMPT);
          run.ms[side].push(performance.now() - at);
          run.cpuMs[side].push(cpuMsSince(cpu));
        }
      }
      runs.push(run);
      progress(`conversation rep ${rep + 1}/${ctx.repeat}: ${ms(performance.now() - startedAt)}`);
    } catch (error) {
      failure = errorMessage(error);
      progress(`conversation rep ${rep + 1}/${ctx.repeat} failed: ${failure}`);
    } finally {
      await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
    }
  }
  const title = `### Turn ${TURNS} against turn 1`;
  if (runs.length === 0) {
    const why = failure ?? "no runs";
    return { id: "conversation", markdown: `${title}\n\n${notAvailable(why)}`, data: { error: why }, targets: [{ measure: `turn ${TURNS} vs turn 1`, target, met: null, measured: `not measured (${why})` }] };
  }
  const early = windowOf(runs, 0, WINDOW);
  const late = windowOf(runs, TURNS - WINDOW, TURNS);
  const trends = overheadTrends(runs);
  const span = TURNS - 1;
  const drift = (t: Trend): string => `${t.slope * span >= 0 ? "+" : ""}${ms(t.slope * span)} ± ${ms(2 * t.stderr * span)}`;
  const row = (label: string, w: WindowFigures): string[] => [label, ms(w.rawMs), ms(w.codexkitMs), `${w.overheadMs >= 0 ? "+" : ""}${ms(w.overheadMs)}`, `${w.ratio.toFixed(2)}×`, ms(w.rawCpuMs), ms(w.codexkitCpuMs)];
  // Met unless the overhead grows measurably: the trend's range (±2 standard errors) reaches below zero.
  const growth = trends.wall.slope * span;
  const margin = 2 * trends.wall.stderr * span;
  const check: TargetCheck = {
    measure: `turn ${TURNS} vs turn 1`,
    target,
    met: Number.isFinite(growth) ? growth - margin <= 0 : null,
    measured: `overhead ${ms(early.overheadMs)} at turns 1–${WINDOW}, ${ms(late.overheadMs)} at ${TURNS - WINDOW + 1}–${TURNS} (medians); trend ${drift(trends.wall)} from turn 1 to ${TURNS}`,
    figures: { value: growth, base: margin, limit: 0 },
  };
  return {
    id: "conversation",
    markdown: [
      title,
      "",
      `Both clients started, one thread each, turns alternating between them (${TURNS} each). Per run, the median of turns 1–${WINDOW} and of turns ${TURNS - WINDOW + 1}–${TURNS}; then the median over ${runs.length} runs (overhead and × are per run, codexkit against raw). Single turns vary by tens of ms on a busy machine, so the target is judged on the trend below: met unless the overhead grows measurably (the trend's range lies above 0).${failure ? ` A later run failed: ${failure}.` : ""}`,
      "",
      markdownTable(["turns", "raw", "codexkit (app-server)", "overhead", "×", "raw CPU / turn", "codexkit CPU / turn"], [row(`1–${WINDOW}`, early), row(`${TURNS - WINDOW + 1}–${TURNS}`, late)]),
      "",
      `Trend over every turn of every run (least squares, ±2 standard errors): codexkit's overhead over raw changes by ${drift(trends.wall)} of wall time and ${drift(trends.cpu)} of client CPU from turn 1 to turn ${TURNS}; a range that includes 0 is no measurable growth.`,
    ].join("\n"),
    data: { turns: TURNS, window: WINDOW, trendPerTurn: trends, runs: runs.map((run) => ({ ms: roundAll(run.ms), cpuMs: roundAll(run.cpuMs) })), early, late, ...(failure ? { failure } : {}) },
    targets: [check],
  };
}

/** Each list rounded to 0.01 ms, to keep the JSON report small. */
function roundAll(lists: Record<Side, number[]>): Record<Side, number[]> {
  const round = (list: number[]): number[] => list.map((value) => Math.round(value * 100) / 100);
  return { "codexkit-app-server": round(lists["codexkit-app-server"]), raw: round(lists.raw) };
}
