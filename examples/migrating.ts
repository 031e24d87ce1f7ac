/**
 * `npx tsx examples/migrating.ts`: code written for `@openai/codex-sdk`, with only the import
 * changed. The lines between the markers are the official SDK's own usage; around them, the
 * example points codex at the mock model when no API key is set (or --live is not given).
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
// Was: import { Codex } from "@openai/codex-sdk";
import { Codex } from "codexkit";
import { MockModelServer, say } from "codexkit/testing";

const live = process.argv.includes("--live") || Boolean(process.env.OPENAI_API_KEY || process.env.CODEX_API_KEY);
const workingDirectory = mkdtempSync(path.join(os.tmpdir(), "codexkit-migrating-"));
const model = live ? null : await MockModelServer.start();
if (model) {
  model.reply(say("The repository is empty: there is nothing to fix."));
  model.reply(say("Nothing was changed."));
  model.reply(say('{"summary":"an empty directory","status":"ok"}'));
}

// --- the official SDK's usage, unchanged ---
const codex = new Codex({ ...(model ? model.codexOptions() : {}) });
const thread = codex.startThread({ workingDirectory, skipGitRepoCheck: true });
const turn = await thread.run("Diagnose the test failure and propose a fix");
console.log(`final response: ${turn.finalResponse}`);
console.log(`items: ${turn.items.map((item) => item.type).join(", ")}`);

const { events } = await thread.runStreamed("Implement the fix");
for await (const event of events) {
  if (event.type === "item.completed") console.log(`item: ${event.item.type}`);
  else if (event.type === "turn.completed") console.log(`usage: ${event.usage.input_tokens} in / ${event.usage.output_tokens} out`);
}

const schema = {
  type: "object",
  properties: { summary: { type: "string" }, status: { type: "string", enum: ["ok", "action_required"] } },
  required: ["summary", "status"],
  additionalProperties: false,
} as const;
const structured = await thread.run("Summarize repository status", { outputSchema: schema });
console.log(`structured: ${structured.finalResponse}`);
// --- end of the official SDK's usage ---

// What codexkit adds, when you ask: the running total, and close() to stop codex now.
console.log(`thread total: ${thread.usage.input_tokens} in / ${thread.usage.output_tokens} out`);
await codex.close();
await model?.close();
rmSync(workingDirectory, { recursive: true, force: true });
