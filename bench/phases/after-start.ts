/**
 * Phase "start": the first turn after codex was started ahead of it. codexkit on app-server
 * calls `await codex.start()`, raw completes its handshake; then the first turn on a new thread
 * (thread creation included) is timed. How long `start()` took is reported beside it.
 */
import { performance } from "node:perf_hooks";
import { PROMPT, roundRobin } from "../harness.js";
import { contendersOf, type BenchClient, type ContenderId } from "../contenders.js";
import { markdownTable, ms, notAvailable, ratio } from "../table.js";
import { ratioCheck, stat, unmeasured, type PhaseContext, type PhaseResult, type Stat } from "./types.js";

interface StartRun {
  startMs: number;
  firstTurnMs: number;
}

/** Runs the phase; compares with `ctx.steady` when the turns phase ran. */
export async function afterStartPhase(ctx: PhaseContext): Promise<PhaseResult> {
  const contenders = contendersOf("raw", "codexkit-app-server");
  const { samples, failed } = await roundRobin(
    "start",
    ctx.repeat,
    ctx.failures,
    async (contender, rep) => {
      let client: BenchClient | undefined;
      try {
        client = await contender.open(ctx.workspace.setup(`s${rep}-${contender.id}`));
        const startedAt = performance.now();
        await client.start();
        const startMs = performance.now() - startedAt;
        const turnAt = performance.now();
        await client.startThread().run(PROMPT);
        return { startMs, firstTurnMs: performance.now() - turnAt } satisfies StartRun;
      } finally {
        await client?.close().catch(() => undefined);
      }
    },
    contenders,
  );
  const stats = new Map<ContenderId, { start: Stat; firstTurn: Stat }>();
  for (const [id, runs] of samples) {
    if (!failed.has(id) && runs.length > 0) stats.set(id, { start: stat(runs.map((r) => r.startMs)), firstTurn: stat(runs.map((r) => r.firstTurnMs)) });
  }
  const rawFirst = stats.get("raw")?.firstTurn.median;
  const rows = contenders.map((contender) => {
    const s = stats.get(contender.id);
    if (!s) return [contender.label, notAvailable(failed.get(contender.id) ?? "no runs"), "", "", "", "", ""];
    const steady = ctx.steady.get(contender.id);
    return [
      contender.label,
      ms(s.start.median),
      ms(s.firstTurn.median),
      `${ms(s.firstTurn.min)}–${ms(s.firstTurn.max)}`,
      ratio(s.firstTurn.median, rawFirst),
      steady === undefined ? "–" : ms(steady),
      ratio(s.firstTurn.median, steady),
    ];
  });
  return {
    id: "start",
    markdown: [
      "### First turn after `start()`",
      "",
      `\`await codex.start()\` (raw: spawn and \`initialize\`), then the first turn on a new thread (\`thread/start\` included), timed alone. Medians of ${ctx.repeat} interleaved runs; the steady turn is the turns phase's.`,
      "",
      markdownTable(["contender", "start() (median)", "first turn after it", "min–max", "× raw", "steady turn", "× steady"], rows),
    ].join("\n"),
    data: { repeat: ctx.repeat, byContender: Object.fromEntries(stats), failed: Object.fromEntries(failed) },
    targets: [
      ctx.steady.has("codexkit-app-server")
        ? ratioCheck("first turn after start()", "≤ 1.2× a steady turn", stats.get("codexkit-app-server")?.firstTurn.median, ctx.steady.get("codexkit-app-server"), 1.2, ms)
        : unmeasured("first turn after start()", "≤ 1.2× a steady turn", "no steady turn: the turns phase did not run"),
    ],
  };
}
