/**
 * `npx tsx examples/testing.ts`: test code that drives codex, offline, with `codexkit/testing`.
 * The real codex binary runs; only the model is replaced by a scripted server on loopback. Here a
 * tiny "review bot" is checked with node:assert; in a test runner (vitest, node:test, jest) the
 * same lines go in a test.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Codex, RateLimitError } from "codexkit";
import { MockModelServer, httpError, runCommand, say } from "codexkit/testing";

/** The code under test: asks the agent to run the tests and report. */
async function reviewBot(codex: Codex, workingDirectory: string): Promise<string> {
  const thread = codex.startThread({ workingDirectory, skipGitRepoCheck: true });
  const turn = await thread.run("Run the tests and say whether they pass.");
  return turn.finalResponse;
}

const workingDirectory = mkdtempSync(path.join(os.tmpdir(), "codexkit-testing-"));
const model = await MockModelServer.start();
// codexOptions(): the mock as codex's model provider, an isolated CODEX_HOME and HOME, no API key.
const codex = new Codex({ ...model.codexOptions() });
try {
  // 1. Script the model: a command, then an answer. codex really runs the command.
  model.reply(runCommand("echo '3 passed'")).reply(say("All 3 tests pass."));
  assert.equal(await reviewBot(codex, workingDirectory), "All 3 tests pass.");
  // Every request is recorded: the second one carries the command's real output back to the model.
  const [, second] = model.responseRequests();
  assert.ok(JSON.stringify(second?.body.input).includes("3 passed"));
  assert.equal(model.unexpectedRequests.length, 0);
  console.log("ok: the bot reports the test result");

  // 2. Failures are scripted too: an HTTP 429 is a typed, retryable RateLimitError.
  model.enqueue(httpError(429));
  await assert.rejects(reviewBot(codex, workingDirectory), (error) => error instanceof RateLimitError && error.retryable);
  console.log("ok: a rate limit is a RateLimitError");
} finally {
  await codex.close(); // close codex before the model server it talks to
  await model.close();
  rmSync(workingDirectory, { recursive: true, force: true });
}
