/**
 * Phase "oneshot": a one-shot script end to end, as a CI bot runs one. A plain ES module written
 * to a temp dir imports the package by absolute file URL (codexkit's built `dist/index.js`, or
 * `@openai/codex-sdk`), creates a client, starts a thread, runs ONE turn and ends by natural
 * exit: no `close()`, no `process.exit()` (codexkit stops its idle app-server when Node runs out
 * of work). Timed from spawn to exit; the script reports when its import was done and how long
 * the turn took. The mock model's options reach it as JSON in CODEXKIT_BENCH_ONE_SHOT.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import path from "node:path";
import { PROMPT, TURN_TIMEOUT_MS, errorMessage, progress, rotate } from "../harness.js";
import { mockEnvironment } from "../contenders.js";
import { markdownTable, ms, notAvailable, ratio } from "../table.js";
import { plainEnv, timeNode } from "./child.js";
import { ratioCheck, stat, unmeasured, type PhaseContext, type PhaseResult, type Stat, type TargetCheck } from "./types.js";

interface Script {
  id: "codexkit-app-server" | "codexkit-exec" | "official";
  label: string;
  file: string;
}

/** One run as the script saw it, plus the wall time seen from outside. */
interface OneShotRun {
  wallMs: number;
  /** `performance.now()` in the child when its imports were done (Node's start included). */
  importedMs: number;
  turnMs: number;
}

/** The script's source: import, client, thread, one turn, report, natural exit. */
function scriptSource(importUrl: string, makeClient: string): string {
  return [
    `import { Codex } from ${JSON.stringify(importUrl)};`,
    "const importedMs = performance.now();",
    "const setup = JSON.parse(process.env.CODEXKIT_BENCH_ONE_SHOT);",
    `const codex = ${makeClient};`,
    'const thread = codex.startThread({ workingDirectory: setup.cwd, skipGitRepoCheck: true, sandboxMode: "read-only", approvalPolicy: "never" });',
    `await thread.run(${JSON.stringify(PROMPT)});`,
    "process.stdout.write(JSON.stringify({ importedMs, turnMs: performance.now() - importedMs }));",
    "",
  ].join("\n");
}

/** Writes the three scripts into a fresh dir under the workspace root. */
function writeScripts(root: string, distUrl: string): Script[] {
  const dir = mkdtempSync(path.join(root, "one-shot-"));
  const codexkitClient = (transport: string): string =>
    `new Codex({ transport: ${JSON.stringify(transport)}, codexPathOverride: setup.binary, codexHome: setup.codexHome, config: setup.config, env: setup.env })`;
  const scripts: [Script["id"], string, string, string][] = [
    ["codexkit-app-server", "codexkit (app-server)", distUrl, codexkitClient("app-server")],
    ["codexkit-exec", "codexkit (exec)", distUrl, codexkitClient("exec")],
    ["official", "@openai/codex-sdk", import.meta.resolve("@openai/codex-sdk"), "new Codex({ codexPathOverride: setup.binary, config: setup.config, env: setup.env })"],
  ];
  return scripts.map(([id, label, url, client]) => {
    const file = path.join(dir, `${id}.mjs`);
    writeFileSync(file, scriptSource(url, client));
    return { id, label, file };
  });
}

/** Runs the phase. */
export async function oneShotPhase(ctx: PhaseContext): Promise<PhaseResult> {
  const title = "### One-shot script";
  const targetApp = "one-shot script end to end (app-server)";
  const targetExec = "one-shot script end to end (exec)";
  if ("error" in ctx.dist) {
    const why = ctx.dist.error;
    return { id: "oneshot", markdown: `${title}\n\nn/a (${why})`, data: { error: why }, targets: [unmeasured(targetApp, "≤ 1.0× official SDK", why), unmeasured(targetExec, "≤ 1.0× official SDK", why)] };
  }
  const scripts = writeScripts(ctx.workspace.root, ctx.dist.url);
  const runs = new Map<Script["id"], OneShotRun[]>(scripts.map((s) => [s.id, []]));
  const failed = new Map<Script["id"], string>();
  for (let rep = 0; rep < ctx.repeat; rep++) {
    for (const script of rotate(scripts, rep)) {
      if (failed.has(script.id)) continue;
      const setup = ctx.workspace.setup(`o${rep}-${script.id}`);
      const { config, env } = mockEnvironment(setup);
      const payload = JSON.stringify({ binary: setup.binary, codexHome: setup.home, cwd: setup.cwd, config, env });
      try {
        const { wallMs, stdout } = await timeNode([script.file], { cwd: setup.cwd, env: plainEnv({ CODEXKIT_BENCH_ONE_SHOT: payload }), timeoutMs: TURN_TIMEOUT_MS + 30_000 });
        const seen = JSON.parse(stdout) as { importedMs: number; turnMs: number };
        runs.get(script.id)!.push({ wallMs, ...seen });
        progress(`oneshot rep ${rep + 1}/${ctx.repeat} ${script.label}: ${ms(wallMs)}`);
      } catch (error) {
        failed.set(script.id, errorMessage(error));
        progress(`oneshot rep ${rep + 1}/${ctx.repeat} ${script.label} failed: ${errorMessage(error)}`);
      }
    }
  }
  const stats = new Map<Script["id"], { wall: Stat; imported: Stat; turn: Stat; afterTurn: Stat }>();
  for (const [id, list] of runs) {
    if (failed.has(id) || list.length === 0) continue;
    stats.set(id, {
      wall: stat(list.map((r) => r.wallMs)),
      imported: stat(list.map((r) => r.importedMs)),
      turn: stat(list.map((r) => r.turnMs)),
      afterTurn: stat(list.map((r) => r.wallMs - r.importedMs - r.turnMs)),
    });
  }
  const official = stats.get("official")?.wall.median;
  const rows = scripts.map((script) => {
    const s = stats.get(script.id);
    if (!s) return [script.label, notAvailable(failed.get(script.id) ?? "no runs"), "", "", "", "", ""];
    return [script.label, ms(s.wall.median), `${ms(s.wall.min)}–${ms(s.wall.max)}`, ratio(s.wall.median, official), ms(s.imported.median), ms(s.turn.median), ms(s.afterTurn.median)];
  });
  const targets: TargetCheck[] = [
    ratioCheck(targetApp, "≤ 1.0× official SDK", stats.get("codexkit-app-server")?.wall.median, official, 1.0, ms),
    ratioCheck(targetExec, "≤ 1.0× official SDK", stats.get("codexkit-exec")?.wall.median, official, 1.0, ms),
  ];
  return {
    id: "oneshot",
    markdown: [
      title,
      "",
      `A script that imports the package (by file URL; codexkit's built \`dist\`), creates a client, runs one turn on a new thread and exits naturally (no \`close()\`, no \`process.exit()\`): spawn to exit, median of ${ctx.repeat} interleaved runs. "Imports done" is the script's \`performance.now()\` after its imports (Node's start included); "after the turn" is what remains of the wall time (codex shutting down, Node exiting).`,
      "",
      markdownTable(["script", "spawn to exit (median)", "min–max", "× official SDK", "imports done", "the turn", "after the turn"], rows),
    ].join("\n"),
    data: { repeat: ctx.repeat, exit: "natural (no close(), no process.exit())", runs: Object.fromEntries(stats), failed: Object.fromEntries(failed) },
    targets,
  };
}
