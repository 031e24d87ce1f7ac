/**
 * `npx tsx examples/cassette.ts`: record an agent session once, replay it offline. In your tests
 * the upstream is the real API (`Cassette.use(file)` with `OPENAI_API_KEY` set, the first time);
 * here a `MockModelServer` plays it, so the example runs anywhere, offline. The session is
 * recorded, the "API" is stopped, and the session is replayed from the file alone; then a changed
 * prompt shows what a mismatch looks like.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Codex } from "codexkit";
import { Cassette, MockModelServer, runCommand, say } from "codexkit/testing";

/** The code under test: asks the agent to run the tests and report. */
async function reviewBot(cassette: Cassette, workingDirectory: string, prompt = "Run the tests and say whether they pass."): Promise<string> {
  const codex = new Codex({ ...cassette.codexOptions() }); // the cassette's loopback server as provider, no API key
  try {
    const turn = await codex.startThread({ workingDirectory, skipGitRepoCheck: true }).run(prompt);
    return turn.finalResponse;
  } finally {
    await codex.close(); // close codex before the cassette it talks to
  }
}

const dir = mkdtempSync(path.join(os.tmpdir(), "codexkit-cassette-"));
const file = path.join(dir, "review-bot.jsonl");
try {
  // 1. Record. The file is missing, so `use` records: a proxy in front of the upstream.
  const api = await MockModelServer.start();
  api.reply(runCommand("echo '3 passed'")).reply(say("All 3 tests pass."));
  const recording = await Cassette.use(file, { upstream: api.url, model: "mock-model", modelCatalog: true });
  try {
    const answer = await reviewBot(recording, dir);
    await recording.save();
    const lines = readFileSync(file, "utf8").trimEnd().split("\n");
    console.log(`${recording.mode}: "${answer}" (${recording.requests} model requests, ${lines.length} lines in ${path.basename(file)})`);
  } finally {
    await recording.close();
    await api.close(); // the "API" is gone from here on
  }

  // 2. Replay. The file exists, so `use` replays it: no network, same answer, codex really runs the command again.
  const replaying = await Cassette.use(file);
  try {
    const answer = await reviewBot(replaying, dir);
    replaying.assertDone(); // every recorded request was asked for, and none differed
    console.log(`${replaying.mode}: "${answer}" (offline)`);
  } finally {
    await replaying.close();
  }

  // 3. A changed prompt matches no recording: the turn fails at once, and the cassette says why.
  const changed = await Cassette.replay(file);
  try {
    await assert.rejects(reviewBot(changed, dir, "Run the tests twice."));
    const [mismatch] = changed.mismatches;
    console.log(`changed prompt: ${mismatch?.name} at request ${mismatch?.index}:\n${mismatch?.diff}`);
  } finally {
    await changed.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
