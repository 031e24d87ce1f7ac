/**
 * The benchmark's JSON report: every phase's samples, medians, ratios and target checks, the
 * other sections' markdown, and what the machine was (CPUs, load, Node and codex versions, the
 * commit).
 * Written to `.bench/bench-<time>.json` and `.bench/latest.json` (the nightly workflow keeps
 * `.bench/`). The time is ISO 8601 with `-` for `:`, which artifact uploads refuse in names.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { REPO } from "./phases/build.js";

/** Where reports and profiles go. */
export const BENCH_DIR = path.join(REPO, ".bench");
/** This run's time stamp, for file names: e.g. `2025-01-31T03-17-00Z`. */
export const STAMP = new Date().toISOString().replace(/\.\d+Z$/, "Z").replace(/:/g, "-");

/** The machine and versions, for the report. */
export function machineInfo(binary: string): Record<string, unknown> {
  const cpus = os.cpus();
  let codex = "unknown";
  try {
    codex = execFileSync(binary, ["--version"], { encoding: "utf8" }).trim();
  } catch {
    // Reported as unknown.
  }
  const pkg = JSON.parse(readFileSync(path.join(REPO, "package.json"), "utf8")) as { version: string };
  let commit = "unknown";
  try {
    const head = execFileSync("git", ["rev-parse", "HEAD"], { cwd: REPO, encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], { cwd: REPO, encoding: "utf8" }).trim() !== "";
    commit = dirty ? `${head} (with uncommitted changes)` : head;
  } catch {
    // Not a git checkout.
  }
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? "unknown",
    totalMemBytes: os.totalmem(),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
    codex,
    codexkit: pkg.version,
    commit,
  };
}

/** Writes `report` as `.bench/bench-<STAMP>.json` and `.bench/latest.json`; returns the first path. */
export function writeJsonReport(report: Record<string, unknown>): string {
  mkdirSync(BENCH_DIR, { recursive: true });
  const text = `${JSON.stringify(report, null, 2)}\n`;
  const file = path.join(BENCH_DIR, `bench-${STAMP}.json`);
  writeFileSync(file, text);
  writeFileSync(path.join(BENCH_DIR, "latest.json"), text);
  return file;
}
