/**
 * `npm run demo`: codex runs a real command and answers, streamed event by event. Offline against
 * the built-in MockModelServer by default; against the real API with --live or when
 * OPENAI_API_KEY / CODEX_API_KEY is set.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Codex, type ThreadEvent } from "../src/index.js";
import { MockModelServer, runCommand, say } from "../src/testing/index.js";

const live = process.argv.includes("--live") || Boolean(process.env.OPENAI_API_KEY || process.env.CODEX_API_KEY);
const cwd = mkdtempSync(path.join(os.tmpdir(), "codexkit-demo-"));

function show(event: ThreadEvent): void {
  switch (event.type) {
    case "thread.started":
      return console.log(`thread ${event.thread_id}`);
    case "turn.started":
      return console.log("turn started");
    case "item.started":
      if (event.item.type === "command_execution") console.log(`  $ ${event.item.command}`);
      return;
    case "item.completed":
      if (event.item.type === "command_execution") {
        console.log(`  exit ${event.item.exit_code}: ${event.item.aggregated_output.trim().split("\n").at(-1)}`);
      } else if (event.item.type === "agent_message") console.log(`  agent: ${event.item.text}`);
      else if (event.item.type === "reasoning") console.log(`  thinking: ${event.item.text}`);
      return;
    case "turn.completed":
      return console.log(`turn completed: ${event.usage.input_tokens} in / ${event.usage.output_tokens} out tokens`);
    case "turn.failed":
      return console.log(`turn failed: ${event.error.message}`);
    default:
      return;
  }
}

const model = live ? null : await MockModelServer.start();
const codex = new Codex({ transport: "exec", ...(model ? model.codexOptions() : {}) });
try {
  if (model) {
    model.reply(runCommand("echo \"hello from $(uname -s)\" && ls -a | wc -l"));
    model.reply(say("The command printed a greeting and counted the directory entries."));
    console.log("(offline: codex is talking to the built-in mock model; use --live for the real API)\n");
  }
  const thread = codex.startThread({ skipGitRepoCheck: true, workingDirectory: cwd, sandboxMode: "read-only" });
  const { events } = await thread.runStreamed("Run a command that greets me, then tell me what it printed.");
  for await (const event of events) show(event);
} finally {
  await codex.close();
  await model?.close();
  rmSync(cwd, { recursive: true, force: true });
}
