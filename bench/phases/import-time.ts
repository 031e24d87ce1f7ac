/**
 * Phase "import": what importing codexkit's built package costs, against `@openai/codex-sdk`.
 * Each sample is a fresh `node` child that imports the package and exits, timed from spawn to
 * exit, minus the median of a bare `node -e 0` child's time (Node's own start), interleaved and
 * rotated. The child also reports the import as it saw it (`performance.now()` around `import()`).
 */
import { envInt, rotate, progress } from "../harness.js";
import { markdownTable, ms } from "../table.js";
import { timeNode } from "./child.js";
import { stat, limitCheck, unmeasured, type PhaseContext, type PhaseResult, type Stat } from "./types.js";

/** Children per variant (BENCH_PHASE_IMPORT_REPEAT): they are quick, and 50 ms targets need more samples than turns do. */
const IMPORT_REPEAT = envInt("BENCH_PHASE_IMPORT_REPEAT", 11);
const TIMEOUT_MS = 30_000;

/** A child that imports `url` and prints how long the import took. */
function importer(url: string): string[] {
  const code = `const t = performance.now(); await import(${JSON.stringify(url)}); process.stdout.write(String(performance.now() - t));`;
  return ["--input-type=module", "-e", code];
}

interface Variant {
  id: "node" | "codexkit" | "official";
  label: string;
  args: string[];
}

/** Runs the phase. */
export async function importPhase(ctx: PhaseContext): Promise<PhaseResult> {
  const title = "### Import";
  const check = (why: string): PhaseResult => ({
    id: "import",
    markdown: `${title}\n\nn/a (${why})`,
    data: { error: why },
    targets: [unmeasured("import cost above Node's start", "≤ 50 ms", why)],
  });
  if ("error" in ctx.dist) return check(ctx.dist.error);
  const variants: Variant[] = [
    { id: "node", label: "`node -e 0` (Node's start)", args: ["-e", "0"] },
    { id: "codexkit", label: "codexkit (dist/index.js)", args: importer(ctx.dist.url) },
    { id: "official", label: "@openai/codex-sdk", args: importer(import.meta.resolve("@openai/codex-sdk")) },
  ];
  const wall = new Map<Variant["id"], number[]>(variants.map((v) => [v.id, []]));
  const inside = new Map<Variant["id"], number[]>(variants.map((v) => [v.id, []]));
  try {
    for (let rep = 0; rep < IMPORT_REPEAT; rep++) {
      for (const variant of rotate(variants, rep)) {
        const { wallMs, stdout } = await timeNode(variant.args, { timeoutMs: TIMEOUT_MS });
        wall.get(variant.id)!.push(wallMs);
        if (variant.id !== "node") inside.get(variant.id)!.push(Number(stdout));
      }
    }
  } catch (error) {
    return check(error instanceof Error ? error.message : String(error));
  }
  progress(`import: ${IMPORT_REPEAT} runs of each child`);
  const stats = new Map<Variant["id"], { wall: Stat; inside: Stat }>(variants.map((v) => [v.id, { wall: stat(wall.get(v.id)!), inside: stat(inside.get(v.id)!) }]));
  const nodeStart = stats.get("node")!.wall.median;
  const above = (id: Variant["id"]): number => stats.get(id)!.wall.median - nodeStart;
  const rows = variants.map((v) => {
    const s = stats.get(v.id)!;
    return [
      v.label,
      ms(s.wall.median),
      `${ms(s.wall.min)}–${ms(s.wall.max)}`,
      v.id === "node" ? "–" : ms(above(v.id)),
      v.id === "node" ? "–" : ms(s.inside.median),
    ];
  });
  return {
    id: "import",
    markdown: [
      title,
      "",
      `A fresh \`node\` child per sample, from spawn to exit; median of ${IMPORT_REPEAT} interleaved runs. "Above Node's start" subtracts the median \`node -e 0\`; "import()" is what the child itself timed around \`await import(...)\`.`,
      "",
      markdownTable(["child", "spawn to exit (median)", "min–max", "above Node's start", "import() (median)"], rows),
    ].join("\n"),
    data: {
      repeat: IMPORT_REPEAT,
      nodeStartMs: stats.get("node")!.wall,
      codexkit: { ...stats.get("codexkit")!, aboveNodeStartMs: above("codexkit") },
      official: { ...stats.get("official")!, aboveNodeStartMs: above("official") },
    },
    targets: [limitCheck("import cost above Node's start", "≤ 50 ms", above("codexkit"), 50, ms)],
  };
}
