/**
 * `npx tsx examples/tools.ts`: your own function as an agent tool. The mock model calls it; on
 * the real API (--live, or an API key in the environment) the model decides to. `--exec` serves
 * the same tool to `codex exec` through codexkit's loopback MCP server.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { Codex, tool } from "codexkit";
import { MockModelServer, callTool, say } from "codexkit/testing";

const transport = process.argv.includes("--exec") ? "exec" : "app-server";
const live = process.argv.includes("--live") || Boolean(process.env.OPENAI_API_KEY || process.env.CODEX_API_KEY);
const cwd = mkdtempSync(path.join(os.tmpdir(), "codexkit-tools-"));

const forecast = tool({
  name: "forecast",
  description: "Tomorrow's weather for a city",
  parameters: z.object({ city: z.string() }),
  timeoutMs: 5_000,
  // execute may also be async (return a promise): a real forecast would await a weather API here.
  execute: ({ city }, ctx) => {
    ctx.logger.info({ city }, "forecast requested");
    return { city, sky: "sunny", highC: 21 };
  },
});

const model = live ? null : await MockModelServer.start();
const codex = new Codex({ transport, tools: [forecast], ...(model ? model.codexOptions() : {}) });
try {
  if (model) {
    model.reply(callTool("forecast", { city: "Lisbon" }, transport === "exec" ? { namespace: "mcp__codexkit" } : {}));
    model.reply(say("Tomorrow in Lisbon: sunny, 21 °C."));
  }
  const thread = codex.startThread({ skipGitRepoCheck: true, workingDirectory: cwd });
  const { events } = await thread.runStreamed("What's the weather in Lisbon tomorrow? Use the forecast tool.");
  for await (const event of events) {
    if (event.type === "item.completed" && event.item.type === "tool_call") {
      console.log(`tool ${event.item.tool}(${JSON.stringify(event.item.arguments)}) -> ${JSON.stringify(event.item.result)} [${event.item.status}]`);
    } else if (event.type === "item.completed" && event.item.type === "agent_message") {
      console.log(`agent: ${event.item.text}`);
    }
  }
} finally {
  await codex.close();
  await model?.close();
  rmSync(cwd, { recursive: true, force: true });
}
