/**
 * `npx tsx examples/approvals.ts`: codex asks before running a command outside its sandbox, and
 * your code decides (app-server transport). Here `approvalRules` allows `touch` of text files and
 * denies everything with `rm`; anything else is declined.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Codex, approvalRules } from "codexkit";
import { MockModelServer, runCommand, say } from "codexkit/testing";

const live = process.argv.includes("--live") || Boolean(process.env.OPENAI_API_KEY || process.env.CODEX_API_KEY);
const cwd = mkdtempSync(path.join(os.tmpdir(), "codexkit-approvals-"));

// Globs match the command codex shows (`/bin/bash -lc '…'`) and the script inside it.
const onApproval = approvalRules({ allow: ["touch *.txt"], deny: [/\brm\b/], otherwise: "decline", timeoutMs: 30_000 });

const model = live ? null : await MockModelServer.start();
const codex = new Codex({ onApproval, ...(model ? model.codexOptions() : {}) });
try {
  if (model) {
    model.reply(runCommand("touch notes.txt", { escalate: true })).reply(runCommand("rm -rf notes.txt", { escalate: true }));
    model.reply(say("Created notes.txt; removing it was not allowed."));
  }
  const thread = codex.startThread({ workingDirectory: cwd, skipGitRepoCheck: true, approvalPolicy: "on-request", sandboxMode: "read-only" });
  const { events } = await thread.runStreamed("Create notes.txt, then delete it.");
  for await (const event of events) {
    if (event.type === "approval.requested") {
      const what = event.request.kind === "command" ? event.request.command : event.request.kind;
      console.log(`codex asks: ${what}`);
    } else if (event.type === "approval.resolved") console.log(`  -> ${event.decision} (${event.source})`);
    else if (event.type === "item.completed" && event.item.type === "agent_message") console.log(`agent: ${event.item.text}`);
  }
  console.log(`notes.txt exists: ${existsSync(path.join(cwd, "notes.txt"))}`);
} finally {
  await codex.close();
  await model?.close();
  rmSync(cwd, { recursive: true, force: true });
}
