/**
 * Peak memory of a run's codex processes. Every `intervalMs` the sampler lists /proc, picks the
 * processes whose environment carries a marker unique to the run (`CODEX_HOME=<that run's dir>`,
 * inherited by everything codex starts), and sums their VmRSS; the peak of that sum is kept.
 * The Node heap of the benchmark process itself is sampled alongside, but reported apart.
 *
 * Summed RSS counts pages shared between processes (the binary's text) once per process, as
 * a process table would; it is the cost of N processes as the OS reports it, not unique memory.
 */
import { readdirSync, readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import v8 from "node:v8";

/** What a sampler saw between `start()` and `stop()`. */
export interface RssReport {
  /** Highest sum of VmRSS over the marked processes, in bytes. */
  peakRssBytes: number;
  /** Most marked processes alive in one sample. */
  peakProcesses: number;
  /** Highest V8 heap use of this Node process, in bytes. */
  peakHeapBytes: number;
  /** Samples taken. */
  samples: number;
  /** Mean time one sample took (it runs on the event loop, so it is overhead every contender pays). */
  meanSampleMs: number;
}

/** Linux keeps process info in /proc; elsewhere the sampler reports nothing. */
export const RSS_SUPPORTED = process.platform === "linux";

/** Samples the summed VmRSS of every process whose environment contains `marker`. */
export class RssSampler {
  /** `stat` identity (pid, command, start time) → whether its environment has the marker. An exec changes the command, so a re-exec is looked at again. */
  private readonly known = new Map<string, boolean>();
  /** Pids alive before `start()`: they cannot carry a marker made for this run, so they are not read again. */
  private readonly preexisting = new Set<number>();
  private timer: NodeJS.Timeout | undefined;
  private report: RssReport = { peakRssBytes: 0, peakProcesses: 0, peakHeapBytes: 0, samples: 0, meanSampleMs: 0 };
  private sampleMsTotal = 0;

  /** @param marker exact `NAME=value` entry to look for, e.g. `CODEX_HOME=/tmp/bench-x/home`. */
  constructor(
    private readonly marker: string,
    private readonly intervalMs = 25,
  ) {}

  /** Starts sampling (one sample right away). Call it before starting the processes to watch. */
  start(): void {
    if (RSS_SUPPORTED) for (const entry of readdirSync("/proc")) if (/^\d+$/.test(entry)) this.preexisting.add(Number(entry));
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
  }

  /** Takes a last sample, stops, and returns the peaks. */
  stop(): RssReport {
    this.sample();
    clearInterval(this.timer);
    this.timer = undefined;
    return { ...this.report, meanSampleMs: this.report.samples ? this.sampleMsTotal / this.report.samples : 0 };
  }

  /** Pids of the live processes carrying the marker. */
  processes(): number[] {
    if (!RSS_SUPPORTED) return [];
    const found: number[] = [];
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry) || this.preexisting.has(Number(entry))) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
        const close = stat.lastIndexOf(")");
        const fields = stat.slice(close + 2).split(" ");
        if (fields[0] === "Z") continue; // Dead already, waiting to be reaped.
        const identity = `${stat.slice(0, close + 1)} ${fields[19]}`;
        let marked = this.known.get(identity);
        if (marked === undefined) {
          marked = readFileSync(`/proc/${entry}/environ`, "utf8").split("\0").includes(this.marker);
          this.known.set(identity, marked);
        }
        if (marked) found.push(Number(entry));
      } catch {
        // Gone while we looked, or not ours to read.
      }
    }
    return found;
  }

  /** The summed VmRSS of the marked processes now, in bytes (not counted in the peaks). */
  currentRssBytes(): number {
    let rss = 0;
    for (const pid of this.processes()) rss += vmRssBytes(pid);
    return rss;
  }

  private sample(): void {
    if (!RSS_SUPPORTED) return;
    const startedAt = performance.now();
    let rss = 0;
    const pids = this.processes();
    for (const pid of pids) rss += vmRssBytes(pid);
    const report = this.report;
    report.peakRssBytes = Math.max(report.peakRssBytes, rss);
    report.peakProcesses = Math.max(report.peakProcesses, pids.length);
    report.peakHeapBytes = Math.max(report.peakHeapBytes, v8.getHeapStatistics().used_heap_size);
    report.samples++;
    this.sampleMsTotal += performance.now() - startedAt;
  }
}

/** VmRSS of `pid` in bytes; 0 when it is gone (or a kernel thread without one). */
function vmRssBytes(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}
