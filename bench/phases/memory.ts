/**
 * Phase "memory": codexkit's heap and codex's RSS per idle loaded thread. memory-child.ts runs in
 * a child with `--expose-gc` per run, codexkit on app-server and (for the floor) raw, interleaved:
 * after one warm-up thread it loads BENCH_PHASE_IDLE_THREADS (50) threads of one turn each and
 * leaves them idle; per thread = (after − before) / threads.
 */
import { fileURLToPath } from "node:url";
import { PROMPT, TURN_TIMEOUT_MS, envInt, errorMessage, progress, rotate } from "../harness.js";
import { mockEnvironment } from "../contenders.js";
import { RSS_SUPPORTED } from "../rss.js";
import { markdownTable, mib, ms, notAvailable } from "../table.js";
import { REPO } from "./build.js";
import { plainEnv, timeNode } from "./child.js";
import type { MemoryJob, MemoryReport } from "./memory-child.js";
import { stat, type PhaseContext, type PhaseResult, type Stat } from "./types.js";

const THREADS = envInt("BENCH_PHASE_IDLE_THREADS", 50);
const PROGRAM = fileURLToPath(new URL("./memory-child.ts", import.meta.url));

type Client = MemoryJob["client"];

/** Bytes as KiB with one decimal. */
function kib(bytes: number): string {
  return Number.isFinite(bytes) ? `${(bytes / 1024).toFixed(1)} KiB` : "–";
}

/** Runs the phase. */
export async function memoryPhase(ctx: PhaseContext): Promise<PhaseResult> {
  const clients: { id: Client; label: string }[] = [
    { id: "raw", label: "raw app-server (floor)" },
    { id: "codexkit", label: "codexkit (app-server)" },
  ];
  const reports = new Map<Client, MemoryReport[]>(clients.map((c) => [c.id, []]));
  const failed = new Map<Client, string>();
  for (const [id, why] of ctx.failures) if (id === "raw" || id === "codexkit-app-server") failed.set(id === "raw" ? "raw" : "codexkit", why);
  for (let rep = 0; rep < ctx.repeat; rep++) {
    for (const client of rotate(clients, rep)) {
      if (failed.has(client.id)) continue;
      const setup = ctx.workspace.setup(`y${rep}-${client.id}`);
      const { config, env } = mockEnvironment(setup);
      const job: MemoryJob = { client: client.id, binary: setup.binary, codexHome: setup.home, cwd: setup.cwd, config, env, threads: THREADS, prompt: PROMPT, turnTimeoutMs: TURN_TIMEOUT_MS };
      try {
        const { wallMs, stdout } = await timeNode(["--expose-gc", "--import", "tsx", PROGRAM], {
          cwd: REPO,
          env: plainEnv({ CODEXKIT_BENCH_MEMORY: JSON.stringify(job) }),
          timeoutMs: TURN_TIMEOUT_MS * 2 + THREADS * 10_000,
        });
        reports.get(client.id)!.push(JSON.parse(stdout.trim().split("\n").at(-1)!) as MemoryReport);
        progress(`memory rep ${rep + 1}/${ctx.repeat} ${client.label}: ${ms(wallMs)}`);
      } catch (error) {
        failed.set(client.id, errorMessage(error));
        progress(`memory rep ${rep + 1}/${ctx.repeat} ${client.label} failed: ${errorMessage(error)}`);
      }
    }
  }
  const stats = new Map<Client, { heapPerThread: Stat; dataHeapPerThread: Stat; codexRssPerThread: Stat; codexRssBefore: Stat; codexRssAfter: Stat; heapBefore: Stat }>();
  for (const [id, list] of reports) {
    if (failed.has(id) || list.length === 0) continue;
    const per = (pick: (r: MemoryReport) => number): Stat => stat(list.map(pick));
    stats.set(id, {
      heapPerThread: per((r) => (r.after.heapBytes - r.before.heapBytes) / r.threads),
      dataHeapPerThread: per((r) => (r.after.dataHeapBytes - r.before.dataHeapBytes) / r.threads),
      codexRssPerThread: per((r) => (r.after.codexRssBytes - r.before.codexRssBytes) / r.threads),
      codexRssBefore: per((r) => r.before.codexRssBytes),
      codexRssAfter: per((r) => r.after.codexRssBytes),
      heapBefore: per((r) => r.before.heapBytes),
    });
  }
  const rows = clients.map((client) => {
    const s = stats.get(client.id);
    if (!s) return [client.label, notAvailable(failed.get(client.id) ?? "no runs"), "", "", "", ""];
    return [
      client.label,
      kib(s.dataHeapPerThread.median),
      `${kib(s.dataHeapPerThread.min)}–${kib(s.dataHeapPerThread.max)}`,
      mib(s.heapBefore.median),
      RSS_SUPPORTED ? kib(s.codexRssPerThread.median) : "–",
      RSS_SUPPORTED ? `${mib(s.codexRssBefore.median)} → ${mib(s.codexRssAfter.median)}` : "–",
    ];
  });
  return {
    id: "memory",
    markdown: [
      `### Memory per idle loaded thread`,
      "",
      `A child with \`--expose-gc\` per run: the client started, one warm-up thread, then ${THREADS} threads of one turn each, left loaded and idle. Heap is the client process's \`heapUsed\` after full collections, without V8's code space; codex RSS is summed over the processes with the run's CODEX_HOME${RSS_SUPPORTED ? "" : " (Linux only: not measured here)"}. Per thread = growth / ${THREADS}; medians of ${ctx.repeat} interleaved runs.`,
      "",
      markdownTable(["client", "client heap / thread", "min–max", "client heap after warm-up", "codex RSS / thread", `codex RSS (1 → ${THREADS + 1} threads)`], rows),
    ].join("\n"),
    data: { repeat: ctx.repeat, threads: THREADS, byClient: Object.fromEntries(stats), reports: Object.fromEntries(reports), failed: Object.fromEntries(failed) },
    targets: [],
  };
}
