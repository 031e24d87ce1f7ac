/**
 * V8 CPU profiles (`.cpuprofile`): `remapToSources` points a profile's frames at the original
 * sources (through the source maps of the process that took it), and `summarize` says where the
 * time went: self time by function, grouped as codexkit (under `src/` or `dist/`), libraries (by
 * package under node_modules), Node's internals, V8 builtins without a script, and GC; plus the
 * inclusive time of codexkit's functions (each counted once per sample, however deep the recursion).
 */
import { findSourceMap, type SourceMapping } from "node:module";

/** The parts of a `.cpuprofile` used here. */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a function's code comes from. */
export type Origin = "codexkit" | "library" | "node" | "native" | "gc" | "program" | "idle" | "other";

/** One function's time. */
export interface FunctionTime {
  /** `name (file:line)`, the line 1-based; codexkit's files relative to the repository. */
  name: string;
  origin: Origin;
  /** For libraries, the package; for codexkit, the file. */
  where: string;
  selfMs: number;
}

/** The summary. */
export interface ProfileSummary {
  /** Sampled time, idle excluded, in ms. */
  busyMs: number;
  byOrigin: Record<Origin, number>;
  /** Self time by library package, largest first. */
  byPackage: { name: string; selfMs: number }[];
  /** Self time of codexkit's files, largest first. */
  byCodexkitFile: { name: string; selfMs: number }[];
  /** Largest self times, each origin mixed, idle excluded. */
  topSelf: FunctionTime[];
  /** Largest self times of codexkit's own functions. */
  topCodexkitSelf: FunctionTime[];
  /** Largest inclusive times of codexkit's own functions. */
  topCodexkitTotal: { name: string; totalMs: number }[];
}

/** The package a node_modules path belongs to (`@scope/name` or `name`), the last node_modules winning. */
function packageOf(url: string): string {
  const parts = url.split("/node_modules/").at(-1)!.split("/");
  return parts[0]!.startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

/**
 * Points every frame of `profile` (taken in this process) at its original source where a source
 * map is known (tsx's for TypeScript, a build's own), in place; returns how many frames moved.
 */
export function remapToSources(profile: CpuProfile): number {
  let moved = 0;
  for (const { callFrame } of profile.nodes) {
    if (!callFrame.url.startsWith("file:")) continue;
    // An entry without a source (`{}`) when the position is not mapped.
    const entry: Partial<SourceMapping> | undefined = findSourceMap(callFrame.url)?.findEntry(callFrame.lineNumber, callFrame.columnNumber);
    if (entry?.originalSource === undefined || entry.originalLine === undefined) continue;
    callFrame.url = entry.originalSource;
    callFrame.lineNumber = entry.originalLine;
    callFrame.columnNumber = entry.originalColumn ?? 0;
    moved++;
  }
  return moved;
}

/** Classifies a call frame; `repoRoot` is the repository's URL (`file:///.../`), codexkit's code is under its `src/` or `dist/`. */
function classify(functionName: string, url: string, repoRoot: string): { origin: Origin; where: string } {
  if (functionName === "(garbage collector)") return { origin: "gc", where: "" };
  if (functionName === "(program)") return { origin: "program", where: "" };
  if (functionName === "(idle)") return { origin: "idle", where: "" };
  if (url === "") return { origin: "native", where: "" };
  if (url.startsWith("node:")) return { origin: "node", where: url };
  if (url.includes("/node_modules/")) return { origin: "library", where: packageOf(url) };
  if (url.startsWith(`${repoRoot}src/`) || url.startsWith(`${repoRoot}dist/`)) return { origin: "codexkit", where: url.slice(repoRoot.length) };
  return { origin: "other", where: url.startsWith(repoRoot) ? url.slice(repoRoot.length) : url };
}

const round = (value: number): number => Math.round(value * 100) / 100;

/** Sorted map entries as `{ name, selfMs }`, largest first. */
function ranked(map: Map<string, number>, limit: number): { name: string; selfMs: number }[] {
  return [...map].sort((a, b) => b[1] - a[1]).slice(0, limit).map(([name, ms]) => ({ name, selfMs: round(ms) }));
}

/** Summarises `profile`; `repoRoot` (the repository as a `file:` URL ending in `/`) tells codexkit's frames apart; `limit` rows per list. */
export function summarize(profile: CpuProfile, repoRoot: string, limit = 15): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const selfUs = new Map<number, number>();
  const totalByFunction = new Map<string, number>();
  const info = new Map<number, FunctionTime & { key: string }>();
  const describe = (id: number): FunctionTime & { key: string } => {
    let entry = info.get(id);
    if (entry === undefined) {
      const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
      const { origin, where } = classify(functionName, url, repoRoot);
      const name = functionName || "(anonymous)";
      const file = origin === "codexkit" || origin === "other" ? where : origin === "library" ? url.split("/node_modules/").at(-1)! : url;
      const label = file ? `${name} (${file}:${lineNumber + 1})` : name;
      entry = { key: `${origin}|${label}`, name: label, origin, where, selfMs: 0 };
      info.set(id, entry);
    }
    return entry;
  };
  // Each sample's time is the gap to the next sample (the last one's is unknown, so not counted).
  for (let i = 0; i < profile.samples.length - 1; i++) {
    const id = profile.samples[i]!;
    const us = profile.timeDeltas[i + 1] ?? 0;
    selfUs.set(id, (selfUs.get(id) ?? 0) + us);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const entry = describe(at);
      if (entry.origin !== "codexkit" || seen.has(entry.key)) continue;
      seen.add(entry.key);
      totalByFunction.set(entry.name, (totalByFunction.get(entry.name) ?? 0) + us / 1000);
    }
  }
  const byFunction = new Map<string, FunctionTime>();
  const byOrigin: Record<Origin, number> = { codexkit: 0, library: 0, node: 0, native: 0, gc: 0, program: 0, idle: 0, other: 0 };
  const byPackage = new Map<string, number>();
  const byFile = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const entry = describe(id);
    const ms = us / 1000;
    byOrigin[entry.origin] += ms;
    if (entry.origin === "library") byPackage.set(entry.where, (byPackage.get(entry.where) ?? 0) + ms);
    if (entry.origin === "codexkit") byFile.set(entry.where, (byFile.get(entry.where) ?? 0) + ms);
    const known = byFunction.get(entry.key);
    if (known) known.selfMs += ms;
    else byFunction.set(entry.key, { name: entry.name, origin: entry.origin, where: entry.where, selfMs: ms });
  }
  const functions = [...byFunction.values()].filter((f) => f.origin !== "idle").sort((a, b) => b.selfMs - a.selfMs).map((f) => ({ ...f, selfMs: round(f.selfMs) }));
  const busyMs = Object.entries(byOrigin).reduce((sum, [origin, ms]) => (origin === "idle" ? sum : sum + ms), 0);
  return {
    busyMs: round(busyMs),
    byOrigin: Object.fromEntries(Object.entries(byOrigin).map(([origin, ms]) => [origin, round(ms)])) as Record<Origin, number>,
    byPackage: ranked(byPackage, limit),
    byCodexkitFile: ranked(byFile, limit),
    topSelf: functions.slice(0, limit),
    topCodexkitSelf: functions.filter((f) => f.origin === "codexkit").slice(0, limit),
    topCodexkitTotal: [...totalByFunction].sort((a, b) => b[1] - a[1]).slice(0, limit).map(([name, totalMs]) => ({ name, totalMs: round(totalMs) })),
  };
}
