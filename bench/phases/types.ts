/**
 * What the phases (`npm run bench`'s first section) share: the context they run in, what each
 * returns (markdown for the report, data for the JSON report, target checks), and the small
 * statistics they report with.
 */
import type { Failures, Workspace } from "../harness.js";
import type { ContenderId } from "../contenders.js";
import { median } from "../table.js";

/** What a phase runs with. */
export interface PhaseContext {
  /** Per-client directories; its model is the mock model in another process. */
  workspace: Workspace;
  /** Contenders that failed the warm-up (skipped in every phase). */
  failures: Failures;
  /** Interleaved runs per measurement (BENCH_PHASE_REPEAT). */
  repeat: number;
  /** codexkit's built entry point (`dist/index.js`) as a file URL, or why there is none. */
  dist: { url: string } | { error: string };
  /** Steady-turn medians by contender, once the turns phase has run (the first turn after `start()` is compared with them). */
  steady: Map<ContenderId, number>;
}

/** A target of the issue, checked against this run's figures. */
export interface TargetCheck {
  /** What is measured, e.g. "steady turn". */
  measure: string;
  /** The target as the issue words it, e.g. "≤ 1.03× raw". */
  target: string;
  /** true met, false not met, null not measured (a contender failed or the phase was skipped). */
  met: boolean | null;
  /** The figures behind it, e.g. "1.01× (81.2 ms vs 80.4 ms)". */
  measured: string;
  /** The same as numbers, for the JSON report: the measured value, what it is compared with, their ratio, the limit. */
  figures?: { value: number; base?: number; ratio?: number; limit: number };
}

/** What a phase hands back. */
export interface PhaseResult {
  /** Stable id (the key in the JSON report and in BENCH_PHASES). */
  id: string;
  /** The report's text for the phase: a heading, what was measured, a table. */
  markdown: string;
  /** Samples, medians and ratios, for the JSON report. */
  data: Record<string, unknown>;
  /** The targets this phase measures. */
  targets: TargetCheck[];
}

/** Samples of one measurement with their median and range. */
export interface Stat {
  samples: number[];
  median: number;
  min: number;
  max: number;
}

/** `samples` summarised (median NaN when empty). */
export function stat(samples: readonly number[]): Stat {
  return {
    samples: samples.map((value) => Math.round(value * 1000) / 1000),
    median: median(samples),
    min: samples.length ? Math.min(...samples) : Number.NaN,
    max: samples.length ? Math.max(...samples) : Number.NaN,
  };
}

/**
 * `value / base ≤ limit` as a target check; `describe` formats the two figures (default ms).
 * Not measured when either is missing or not finite.
 */
export function ratioCheck(
  measure: string,
  target: string,
  value: number | undefined,
  base: number | undefined,
  limit: number,
  describe: (value: number) => string,
): TargetCheck {
  if (value === undefined || base === undefined || !Number.isFinite(value) || !Number.isFinite(base) || base <= 0) {
    return { measure, target, met: null, measured: "not measured" };
  }
  const r = value / base;
  return { measure, target, met: r <= limit, measured: `${r.toFixed(2)}× (${describe(value)} vs ${describe(base)})`, figures: { value, base, ratio: r, limit } };
}

/** A check that could not be made, with why. */
export function unmeasured(measure: string, target: string, why: string): TargetCheck {
  return { measure, target, met: null, measured: `not measured (${why})` };
}

/** `value ≤ limit` as a target check; `describe` formats the value. */
export function limitCheck(measure: string, target: string, value: number | undefined, limit: number, describe: (value: number) => string): TargetCheck {
  if (value === undefined || !Number.isFinite(value)) return { measure, target, met: null, measured: "not measured" };
  return { measure, target, met: value <= limit, measured: describe(value), figures: { value, limit } };
}
