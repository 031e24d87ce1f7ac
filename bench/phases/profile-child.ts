/**
 * The program BENCH_PROFILE runs (profile.ts): codexkit on app-server (its sources under tsx, or
 * the built package), started, one thread, BENCH_PROFILE_WARM_TURNS (10) untimed turns (lazy
 * imports, JIT), then a CPU profile (node:inspector, this process only; the mock model is in
 * another process) of BENCH_PROFILE_TURNS (100) steady turns. Its frames are pointed at the
 * original sources (tsx's source maps) and it is written to the path in the job. Configured by the
 * JSON in CODEXKIT_BENCH_PROFILE; prints one JSON line with the CPU and wall time per turn.
 */
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { performance } from "node:perf_hooks";
import type { CodexConfigObject } from "../../src/index.js";
import { remapToSources, type CpuProfile } from "./cpu-profile.js";

/** What profile.ts sends. */
export interface ProfileJob {
  /** codexkit's entry point as a file URL: `src/index.ts` or `dist/index.js`. */
  moduleUrl: string;
  binary: string;
  codexHome: string;
  cwd: string;
  config: CodexConfigObject;
  env: Record<string, string>;
  prompt: string;
  warmTurns: number;
  turns: number;
  /** Sampling interval, µs. */
  intervalUs: number;
  /** Where the `.cpuprofile` goes. */
  out: string;
}

/** What the program prints. */
export interface ProfileRun {
  turns: number;
  cpuMsPerTurn: number;
  /** The kernel's share of `cpuMsPerTurn`. */
  systemCpuMsPerTurn: number;
  wallMsPerTurn: number;
  /** Frames pointed at their original source. */
  remappedFrames: number;
}

const job = JSON.parse(process.env.CODEXKIT_BENCH_PROFILE ?? "{}") as ProfileJob;
const { Codex } = (await import(job.moduleUrl)) as typeof import("../../src/index.js");
const codex = new Codex({ transport: "app-server", codexPathOverride: job.binary, codexHome: job.codexHome, config: job.config, env: job.env });
const session = new Session();
try {
  await codex.start();
  const thread = codex.startThread({ workingDirectory: job.cwd, skipGitRepoCheck: true, sandboxMode: "read-only", approvalPolicy: "never" });
  for (let i = 0; i < job.warmTurns; i++) await thread.run(job.prompt);
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: job.intervalUs });
  await session.post("Profiler.start");
  const cpu = process.cpuUsage();
  const startedAt = performance.now();
  for (let i = 0; i < job.turns; i++) await thread.run(job.prompt);
  const wallMs = performance.now() - startedAt;
  const used = process.cpuUsage(cpu);
  const { profile } = await session.post("Profiler.stop");
  const remappedFrames = remapToSources(profile as CpuProfile);
  writeFileSync(job.out, JSON.stringify(profile));
  const run: ProfileRun = { turns: job.turns, cpuMsPerTurn: (used.user + used.system) / 1000 / job.turns, systemCpuMsPerTurn: used.system / 1000 / job.turns, wallMsPerTurn: wallMs / job.turns, remappedFrames };
  process.stdout.write(`${JSON.stringify(run)}\n`);
} finally {
  session.disconnect();
  await codex.close();
}
