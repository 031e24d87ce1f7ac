/**
 * The benchmark's first section, by phase, each against the raw app-server floor in the same run:
 * import, one-shot script, cold first turn / steady turn / client CPU / close(), first turn
 * after `start()`, turn 100 against turn 1, concurrent threads, memory per idle thread; then the
 * issue's targets, met or not. The mock model runs in another process (remote-model.ts), so the
 * client CPU measured here is the client's alone. BENCH_PHASES picks phases (comma-separated ids:
 * import, oneshot, turns, start, conversation, concurrent, memory); BENCH_PROFILE=1 adds a CPU
 * profile of steady turns (profile.ts; BENCH_PROFILE=dist profiles the built package).
 */
import { Workspace, envInt, envList, errorMessage, progress, warmUp, type Failures } from "../harness.js";
import { markdownTable } from "../table.js";
import { afterStartPhase } from "./after-start.js";
import { ensureBuilt } from "./build.js";
import { concurrentPhase } from "./concurrent.js";
import { conversationPhase } from "./conversation.js";
import { importPhase } from "./import-time.js";
import { memoryPhase } from "./memory.js";
import { oneShotPhase } from "./one-shot.js";
import { PROFILE, profileSection } from "./profile.js";
import { RemoteModel } from "./remote-model.js";
import { turnsPhase } from "./turns.js";
import type { PhaseContext, PhaseResult, TargetCheck } from "./types.js";

/** Every phase, in report order. */
const PHASES: { id: string; run: (ctx: PhaseContext) => Promise<PhaseResult> }[] = [
  { id: "import", run: importPhase },
  { id: "oneshot", run: oneShotPhase },
  { id: "turns", run: turnsPhase },
  { id: "start", run: afterStartPhase },
  { id: "conversation", run: conversationPhase },
  { id: "concurrent", run: concurrentPhase },
  { id: "memory", run: memoryPhase },
];
/** The issue's table order, by the start of each check's measure. */
const TARGET_ORDER = ["steady turn", "client CPU per turn", "first turn after start()", "cold first turn", "import cost", "one-shot", "turn ", "concurrent", "close()"];

/** Runs per measurement (BENCH_PHASE_REPEAT). */
export const PHASE_REPEAT = envInt("BENCH_PHASE_REPEAT", 5);

/** What the section hands back to `npm run bench`. */
export interface PhasesOutcome {
  markdown: string;
  data: Record<string, unknown>;
}

/** `checks` in the issue's order. */
function inIssueOrder(checks: TargetCheck[]): TargetCheck[] {
  const rank = (check: TargetCheck): number => {
    const at = TARGET_ORDER.findIndex((prefix) => check.measure.startsWith(prefix));
    return at < 0 ? TARGET_ORDER.length : at;
  };
  return [...checks].sort((a, b) => rank(a) - rank(b));
}

/** The targets as a markdown table. */
function targetsTable(sorted: TargetCheck[]): string {
  const verdict = (met: boolean | null): string => (met === null ? "n/a" : met ? "met" : "**not met**");
  return markdownTable(["measure", "target", "result", "measured"], sorted.map((c) => [c.measure, c.target, verdict(c.met), c.measured]));
}

/** Runs the selected phases; `failures` gets the contenders that failed the warm-up. */
export async function phasesSection(failures: Failures): Promise<PhasesOutcome> {
  const selected = envList("BENCH_PHASES");
  const phases = PHASES.filter((phase) => !selected || selected.includes(phase.id));
  const needsDist = PROFILE === "dist" || phases.some((phase) => phase.id === "import" || phase.id === "oneshot");
  let dist: PhaseContext["dist"] = { error: "not needed" };
  let build = "not needed";
  if (needsDist) {
    try {
      const outcome = ensureBuilt(progress);
      dist = { url: outcome.entryUrl };
      build = outcome.status;
    } catch (error) {
      dist = { error: errorMessage(error) };
      build = `failed: ${errorMessage(error)}`;
    }
  }
  const model = await RemoteModel.start();
  const phased = new Workspace(model);
  const ctx: PhaseContext = { workspace: phased, failures, repeat: PHASE_REPEAT, dist, steady: new Map() };
  const results: PhaseResult[] = [];
  const data: Record<string, unknown> = { repeat: PHASE_REPEAT, build, mockModel: "another process (remote-model.ts)" };
  let leftovers = "not checked";
  try {
    await warmUp(phased, failures);
    for (const phase of phases) {
      progress(`phase ${phase.id}`);
      try {
        results.push(await phase.run(ctx));
      } catch (error) {
        const why = errorMessage(error);
        progress(`phase ${phase.id} failed: ${why}`);
        results.push({ id: phase.id, markdown: `### ${phase.id}\n\nn/a (${why})`, data: { error: why }, targets: [] });
      }
    }
    if (PROFILE) {
      try {
        const profile = await profileSection(ctx);
        results.push({ id: "profile", markdown: profile.markdown, data: profile.data, targets: [] });
      } catch (error) {
        results.push({ id: "profile", markdown: `### CPU profile\n\nn/a (${errorMessage(error)})`, data: { error: errorMessage(error) }, targets: [] });
      }
    }
    data.modelRequests = await model.requests().catch(() => Number.NaN);
  } finally {
    await model.close();
    leftovers = await phased.cleanUp();
  }
  const targets = inIssueOrder(results.flatMap((result) => result.targets));
  for (const result of results) data[result.id] = result.data;
  data.targets = targets;
  data.leftovers = leftovers;
  const markdown = [
    "## Phases, each against the raw app-server floor",
    "",
    `Medians of ${PHASE_REPEAT} interleaved runs (BENCH_PHASE_REPEAT) unless a phase says otherwise; the mock model runs in a process of its own. codexkit's built package: ${build}.`,
    "",
    ...results.map((result) => `${result.markdown}\n`),
    "### Targets",
    "",
    targetsTable(targets),
    "",
    `Model requests served: ${String(data.modelRequests)}. Processes left behind: ${leftovers}.`,
  ].join("\n");
  return { markdown, data };
}
