/**
 * `npx tsx examples/troubleshooting.ts`: what to look at when something goes wrong. Errors are
 * typed (a class and a stable `code` per failure you would handle differently), and
 * `codex.diagnostics()` is the report a bug report needs, with nothing secret in it. Offline
 * against the mock model, which is scripted to fail here.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { AuthError, Codex, InvalidOptionsError, isCodexError } from "codexkit";
import { MockModelServer, httpError } from "codexkit/testing";

const cwd = mkdtempSync(path.join(os.tmpdir(), "codexkit-troubleshooting-"));
const model = await MockModelServer.start();
const codex = new Codex({ ...model.codexOptions() });
try {
  // 1. Bad input is refused before codex is asked, naming what is wrong.
  try {
    await codex.startThread({ workingDirectory: path.join(cwd, "no-such-dir"), skipGitRepoCheck: true }).run("Hi");
  } catch (error) {
    if (!(error instanceof InvalidOptionsError)) throw error;
    console.log(`${error.code}: ${error.message}`);
  }

  // 2. A failed turn is typed: here the model provider refuses the key (HTTP 401).
  model.enqueue(httpError(401, { body: { error: { message: "Incorrect API key provided", code: "invalid_api_key" } } }));
  try {
    await codex.startThread({ workingDirectory: cwd, skipGitRepoCheck: true }).run("Hi");
  } catch (error) {
    if (!isCodexError(error)) throw error;
    console.log(`${error.name} (${error.code}, retryable: ${error.retryable}): is an AuthError: ${error instanceof AuthError}`);
  }

  // 3. The report: versions, the binary, CODEX_HOME, which credential (never its value), processes,
  // codex's stderr tail and the recent errors with their codes.
  const report = await codex.diagnostics();
  console.log(`codexkit ${report.codexkit.version}, ${report.codex.version ?? "codex not found"} (${report.codex.resolvedFrom}), node ${report.node.version}`);
  console.log(`transport ${report.transport}, CODEX_HOME from ${report.codexHome.source}, credential: ${report.login}, provider ${report.modelProvider.name}`);
  console.log(`recent errors: ${report.recentErrors.map((entry) => entry.code).join(", ")}`);
} finally {
  await codex.close();
  await model.close();
  rmSync(cwd, { recursive: true, force: true });
}
