/**
 * (d) One tool call, three ways, on the app-server transport: a codexkit tool run in process, the
 * same tool on an MCP server codexkit supervises and bridges (`fx.tools()`), and the server handed
 * to codex (`mcpServers`, codex's own MCP client). Each turn: the model calls the tool, then
 * answers. Also the bare round trip of one call without codex: an in-process `execute` against
 * `fx.callTool` over stdio.
 */
import { mkdtempSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Codex, tool, type Thread } from "../src/index.js";
import { MockModelServer, callTool, say } from "../src/testing/index.js";
import { markdownTable, median, ms, notAvailable, range, ratio } from "./table.js";

const SERVER = fileURLToPath(new URL("../examples/mcp-server.mjs", import.meta.url));

interface Way {
  label: string;
  /** The tool's name and namespace as the model calls it. */
  call: { name: string; namespace?: string };
  thread(codex: Codex, cwd: string): Promise<Thread>;
}

const WAYS: Way[] = [
  {
    label: "codexkit tool (in process)",
    call: { name: "add" },
    thread: (codex, cwd) => {
      const add = tool({
        name: "add",
        description: "Adds two numbers.",
        parameters: { type: "object", properties: { a: { type: "number" }, b: { type: "number" } }, required: ["a", "b"] },
        execute: ({ a, b }) => String(Number(a) + Number(b)),
      });
      return Promise.resolve(codex.startThread({ skipGitRepoCheck: true, workingDirectory: cwd, tools: [add] }));
    },
  },
  {
    label: "MCP server, bridged (fx.tools())",
    call: { name: "add" },
    thread: async (codex, cwd) => {
      const fx = await codex.mcp.connect("calc", { command: process.execPath, args: [SERVER] });
      return codex.startThread({ skipGitRepoCheck: true, workingDirectory: cwd, tools: fx.tools() });
    },
  },
  {
    label: "MCP server, codex's own client (mcpServers)",
    call: { name: "add", namespace: "mcp__calc" },
    thread: (codex, cwd) => Promise.resolve(codex.startThread({ skipGitRepoCheck: true, workingDirectory: cwd, mcpServers: { calc: { command: process.execPath, args: [SERVER] } } })),
  },
];

/** Runs the section; `root` holds every directory it makes (removed by the caller). */
export async function mcpToolCalls(root: string, turns: number, progress: (message: string) => void): Promise<string> {
  const results: Array<{ label: string; times: number[] } | { label: string; error: string }> = [];
  for (const way of WAYS) {
    const model = await MockModelServer.start();
    const codexHome = mkdtempSync(path.join(root, "home-mcp-"));
    const cwd = mkdtempSync(path.join(root, "cwd-mcp-"));
    const codex = new Codex({ ...model.codexOptions({ codexHome }), transport: "app-server" });
    try {
      const thread = await way.thread(codex, cwd);
      const times: number[] = [];
      // One warm-up turn (the thread starts, codex's MCP client starts its server), then the measured ones.
      for (let turn = 0; turn <= turns; turn++) {
        model.reply(callTool(way.call.name, { a: turn, b: 1 }, way.call.namespace ? { namespace: way.call.namespace } : {})).reply(say("ok"));
        const startedAt = performance.now();
        await thread.run("add");
        if (turn > 0) times.push(performance.now() - startedAt);
      }
      results.push({ label: way.label, times });
      progress(`(d) ${way.label}: ${ms(median(times))} per turn`);
    } catch (error) {
      results.push({ label: way.label, error: error instanceof Error ? error.message : String(error) });
    } finally {
      await codex.close();
      await model.close();
    }
  }
  const base = "times" in results[0]! ? median(results[0].times) : undefined;
  const rows = results.map((result) =>
    "times" in result ? [result.label, ms(median(result.times)), range(result.times), ratio(median(result.times), base)] : [result.label, notAvailable(result.error), "", ""],
  );
  const direct = await directRoundTrip(turns * 20);
  return [
    "## (d) One tool call per turn: in process, a bridged MCP server, codex's own MCP client",
    "",
    `Whole turn (two model requests, one tool call) on a warm app-server thread; median of ${turns} turns after one warm-up. The ratio is against the in-process tool.`,
    "",
    markdownTable(["way", "turn (median)", "min–max", "× in process"], rows),
    "",
    `The call alone, without codex (median of ${turns * 20}): in-process \`execute\` ${micro(direct.inProcess)}, \`fx.callTool\` over stdio ${micro(direct.mcp)} (${ratio(direct.mcp, direct.inProcess)}).`,
  ].join("\n");
}

/** A short duration in microseconds. */
function micro(value: number): string {
  return `${Math.round(value * 1000)} µs`;
}

/** The median time of one call: a plain function vs `fx.callTool` to a stdio server. */
async function directRoundTrip(calls: number): Promise<{ inProcess: number; mcp: number }> {
  const codex = new Codex();
  try {
    const fx = await codex.mcp.connect("calc", { command: process.execPath, args: [SERVER] });
    const add = (a: number, b: number): Promise<string> => Promise.resolve(String(a + b));
    const inProcess: number[] = [];
    const mcp: number[] = [];
    for (let i = 0; i < calls; i++) {
      let startedAt = performance.now();
      await add(i, 1);
      inProcess.push(performance.now() - startedAt);
      startedAt = performance.now();
      await fx.callTool("add", { a: i, b: 1 });
      mcp.push(performance.now() - startedAt);
    }
    return { inProcess: median(inProcess), mcp: median(mcp) };
  } finally {
    await codex.close();
  }
}
