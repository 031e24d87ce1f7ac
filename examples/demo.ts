/**
 * `npm run demo`: codex runs a real command and answers, streamed event by event (token deltas
 * included), then a second turn on the same warm app-server. Offline against the built-in
 * MockModelServer by default; against the real API with --live or when OPENAI_API_KEY /
 * CODEX_API_KEY is set. `--exec` uses the exec transport instead.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Codex, type ThreadEvent } from "codexkit";
import { MockModelServer, runCommand, say } from "codexkit/testing";

const transport = process.argv.includes("--exec") ? "exec" : "app-server";
const live = process.argv.includes("--live") || Boolean(process.env.OPENAI_API_KEY || process.env.CODEX_API_KEY);
const cwd = mkdtempSync(path.join(os.tmpdir(), "codexkit-demo-"));
// A tiny project for the agent to look at.
mkdirSync(path.join(cwd, "src"));
writeFileSync(path.join(cwd, "package.json"), '{ "name": "hello", "type": "module" }\n');
writeFileSync(path.join(cwd, "README.md"), "# hello\n");
writeFileSync(path.join(cwd, "src", "index.js"), 'console.log("hello");\n');

/** A command's output is shown whole up to this many lines, then cut with a count of the rest. */
const OUTPUT_LINES = 20;

let streaming = false;

/** Prints a command's output indented under it, at most OUTPUT_LINES lines. */
function printOutput(output: string): void {
  const lines = output.replace(/\n$/, "").split("\n");
  if (lines.length === 1 && lines[0] === "") return;
  for (const line of lines.slice(0, OUTPUT_LINES)) console.log(`    ${line}`);
  if (lines.length > OUTPUT_LINES) console.log(`    ... (${lines.length - OUTPUT_LINES} more lines)`);
}
const streamed = new Set<string>();

function show(event: ThreadEvent): void {
  if (streaming && event.type !== "item.delta") {
    process.stdout.write("\n");
    streaming = false;
  }
  switch (event.type) {
    case "item.delta":
      if (event.kind !== "agent_message") return;
      if (!streaming) process.stdout.write("  agent: ");
      streaming = true;
      streamed.add(event.itemId);
      process.stdout.write(event.delta);
      return;
    case "thread.started":
      return console.log(`thread ${event.thread_id}`);
    case "turn.started":
      return console.log("turn started");
    case "item.started":
      if (event.item.type === "command_execution") console.log(`  $ ${event.item.command}`);
      return;
    case "item.completed":
      if (event.item.type === "command_execution") {
        console.log(`  exit ${event.item.exit_code}`);
        printOutput(event.item.aggregated_output);
      } else if (event.item.type === "agent_message" && !streamed.has(event.item.id)) console.log(`  agent: ${event.item.text}`);
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
const codex = new Codex({ transport, ...(model ? model.codexOptions() : {}) });
try {
  if (model) {
    model.reply(runCommand("echo \"hello from $(uname -s)\" && ls -A"));
    model.reply(say("The command printed a greeting and listed the project: package.json, README.md and src.", { deltas: 6 }));
    model.reply(say("You asked me to greet you and look around; both are done.", { deltas: 6 }));
    console.log("(offline: codex is talking to the built-in mock model; use --live for the real API)");
  }
  console.log(`transport: ${codex.transportKind}\n`);
  const thread = codex.startThread({ skipGitRepoCheck: true, workingDirectory: cwd, sandboxMode: "read-only" });
  const { events } = await thread.runStreamed("Run a command that greets me and lists this project, then tell me what it printed.");
  for await (const event of events) show(event);
  const second = await thread.run("Summarize what you did in one sentence.");
  console.log(`second turn: ${second.finalResponse}`);
  console.log(`thread total: ${thread.usage.input_tokens} in / ${thread.usage.output_tokens} out tokens`);
} finally {
  await codex.close();
  await model?.close();
  rmSync(cwd, { recursive: true, force: true });
}
