/**
 * `npx tsx examples/transports.ts`: the same conversation on both transports. app-server (the
 * default) keeps one warm `codex app-server` for every thread and adds fork, thread listing,
 * steer and interrupt; exec starts one `codex exec` per turn, as the official SDK does. Offline
 * against the mock model unless an API key is set (or --live).
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Codex, UnsupportedFeatureError, type TransportKind } from "codexkit";
import { MockModelServer, say } from "codexkit/testing";

const live = process.argv.includes("--live") || Boolean(process.env.OPENAI_API_KEY || process.env.CODEX_API_KEY);
const cwd = mkdtempSync(path.join(os.tmpdir(), "codexkit-transports-"));
const model = live ? null : await MockModelServer.start();

async function conversation(transport: TransportKind): Promise<void> {
  const codex = new Codex({ transport, ...(model ? model.codexOptions() : {}) });
  try {
    if (model) model.reply(say("Hello!")).reply(say("You said hello."));
    const thread = codex.startThread({ skipGitRepoCheck: true, workingDirectory: cwd });
    const started = performance.now();
    await thread.run("Say hello.");
    const second = await thread.run("What did I ask you first?");
    console.log(`${transport}: two turns in ${Math.round(performance.now() - started)} ms; second answer: ${second.finalResponse}`);
    try {
      if (model) model.reply(say("Forked."));
      const fork = await thread.fork();
      const answer = await fork.run("Continue on a branch of this conversation.");
      console.log(`${transport}: fork ${fork.id === thread.id ? "is the same thread" : "is a new thread"}: ${answer.finalResponse}`);
    } catch (error) {
      if (!(error instanceof UnsupportedFeatureError)) throw error;
      console.log(`${transport}: fork is not supported (${error.feature})`);
    }
    // Stored threads, page by page (on exec, through an app-server started for the purpose).
    let listed = false;
    for await (const summary of codex.listThreads({ limit: 10 })) listed ||= summary.id === thread.id;
    console.log(`${transport}: the thread is listed: ${listed}`);
  } finally {
    await codex.close();
  }
}

try {
  await conversation("app-server");
  await conversation("exec");
} finally {
  await model?.close();
  rmSync(cwd, { recursive: true, force: true });
}
