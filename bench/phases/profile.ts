/**
 * BENCH_PROFILE=1: a CPU profile of codexkit's client side over steady turns. profile-child.ts
 * runs codexkit on app-server (BENCH_PROFILE_TURNS, 100 turns, after 10 untimed; the mock model in
 * another process) and writes `.bench/profile-<time>.cpuprofile` (open it in Chrome DevTools or
 * VS Code). BENCH_PROFILE=1 profiles the sources under tsx (frames point at src/ lines);
 * BENCH_PROFILE=dist the built package as it ships (a bundle: frames point at dist/ unless the
 * build has source maps). The report lists where the time went (cpu-profile.ts).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { PROMPT, TURN_TIMEOUT_MS, envInt, progress } from "../harness.js";
import { mockEnvironment } from "../contenders.js";
import { BENCH_DIR, STAMP } from "../json-report.js";
import { markdownTable, ms } from "../table.js";
import { REPO } from "./build.js";
import { plainEnv, timeNode } from "./child.js";
import type { ProfileJob, ProfileRun } from "./profile-child.js";
import { summarize, type CpuProfile } from "./cpu-profile.js";
import type { PhaseContext } from "./types.js";

const TURNS = envInt("BENCH_PROFILE_TURNS", 100);
const WARM_TURNS = envInt("BENCH_PROFILE_WARM_TURNS", 10);
/** Node's own `--cpu-prof` default; at 250 µs the sampling alone doubled the child's CPU per turn. */
const INTERVAL_US = envInt("BENCH_PROFILE_INTERVAL_US", 1000);
const PROGRAM = fileURLToPath(new URL("./profile-child.ts", import.meta.url));
/** What BENCH_PROFILE asks for: the sources (`1`) or the built package (`dist`); undefined: no profile. */
export const PROFILE: "src" | "dist" | undefined = process.env.BENCH_PROFILE === "dist" ? "dist" : process.env.BENCH_PROFILE === "1" ? "src" : undefined;

/** Runs the profile; returns its report section and its data. */
export async function profileSection(ctx: PhaseContext): Promise<{ markdown: string; data: Record<string, unknown> }> {
  const title = `### CPU profile of steady turns (BENCH_PROFILE=${PROFILE === "dist" ? "dist" : "1"})`;
  let moduleUrl = pathToFileURL(path.join(REPO, "src", "index.ts")).href;
  if (PROFILE === "dist") {
    if ("error" in ctx.dist) return { markdown: `${title}\n\nn/a (${ctx.dist.error})`, data: { error: ctx.dist.error } };
    moduleUrl = ctx.dist.url;
  }
  const setup = ctx.workspace.setup("profile");
  const { config, env } = mockEnvironment(setup);
  const out = path.join(BENCH_DIR, `profile-${STAMP}.cpuprofile`);
  const job: ProfileJob = { moduleUrl, binary: setup.binary, codexHome: setup.home, cwd: setup.cwd, config, env, prompt: PROMPT, warmTurns: WARM_TURNS, turns: TURNS, intervalUs: INTERVAL_US, out };
  progress(`profile: ${TURNS} steady turns`);
  const { stdout } = await timeNode(["--import", "tsx", PROGRAM], {
    cwd: REPO,
    env: plainEnv({ CODEXKIT_BENCH_PROFILE: JSON.stringify(job) }),
    timeoutMs: (TURNS + WARM_TURNS) * TURN_TIMEOUT_MS,
  });
  const run = JSON.parse(stdout.trim().split("\n").at(-1)!) as ProfileRun;
  const summary = summarize(JSON.parse(readFileSync(out, "utf8")) as CpuProfile, pathToFileURL(REPO).href.replace(/\/?$/, "/"));
  const perTurn = (value: number): string => ms(value / TURNS);
  const origins = Object.entries(summary.byOrigin).filter(([origin, value]) => origin !== "idle" && value > 0).sort((a, b) => b[1] - a[1]);
  const markdown = [
    title,
    "",
    `codexkit (${PROFILE === "dist" ? "the built package" : "its sources under tsx"}) on app-server, ${TURNS} steady turns after ${WARM_TURNS} untimed, this client process only (the mock model runs elsewhere); sampled every ${INTERVAL_US} µs. Client CPU ${ms(run.cpuMsPerTurn)} per turn (${ms(run.systemCpuMsPerTurn)} of it the kernel's, which the profile does not see), wall ${ms(run.wallMsPerTurn)} per turn; ${ms(summary.busyMs)} sampled busy in all. Profile: \`${path.relative(REPO, out)}\`. Times below are per turn.`,
    "",
    markdownTable(["where", "self / turn"], origins.map(([origin, value]) => [origin, perTurn(value)])),
    "",
    "Top self time (any origin):",
    "",
    markdownTable(["function", "origin", "self / turn"], summary.topSelf.map((f) => [f.name, f.origin === "library" ? f.where : f.origin, perTurn(f.selfMs)])),
    "",
    "codexkit's functions, self and inclusive:",
    "",
    markdownTable(["function (self)", "self / turn"], summary.topCodexkitSelf.map((f) => [f.name, perTurn(f.selfMs)])),
    "",
    markdownTable(["function (inclusive)", "total / turn"], summary.topCodexkitTotal.map((f) => [f.name, perTurn(f.totalMs)])),
    "",
    "Libraries by package:",
    "",
    markdownTable(["package", "self / turn"], summary.byPackage.map((p) => [p.name, perTurn(p.selfMs)])),
  ].join("\n");
  return { markdown, data: { file: path.relative(REPO, out), code: PROFILE === "dist" ? "dist" : "src", turns: TURNS, warmTurns: WARM_TURNS, intervalUs: INTERVAL_US, run, summary } };
}
