/**
 * codex runs the agent's commands in login shells, which read the rc files under HOME. The testing
 * kit gives codex an empty HOME by default, so a developer's shell setup cannot change a result.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, expect } from "vitest";
import { Codex } from "../../../src/index.js";
import { MockModelServer, runCommand, say } from "../../../src/testing/index.js";
import { unixOnly } from "../../helpers/platform.js";

const withShell = unixOnly("the mock model scripts POSIX shell commands; codex runs commands through PowerShell and its own sandbox on Windows");

let model: MockModelServer | null = null;
let home: string | null = null;
afterEach(async () => {
  await model?.close();
  if (home) rmSync(home, { recursive: true, force: true });
  model = home = null;
});

withShell("runs commands with an empty HOME unless inheritHome is set, so rc files cannot print into their output", async () => {
  model = await MockModelServer.start();
  home = mkdtempSync(path.join(os.tmpdir(), "codexkit-rc-"));
  writeFileSync(path.join(home, ".bash_profile"), "echo rc-noise\n");
  const outputs: string[] = [];
  for (const inheritHome of [false, true]) {
    model.reply(runCommand('echo "home=$HOME"')).reply(say("ok"));
    const options = model.codexOptions({ inheritHome, env: inheritHome ? { HOME: home } : {} });
    const codex = new Codex({ ...options, transport: "exec" });
    try {
      const turn = await codex.startThread({ skipGitRepoCheck: true, workingDirectory: os.tmpdir() }).run("run");
      const command = turn.items.find((item) => item.type === "command_execution");
      outputs.push(command?.type === "command_execution" ? command.aggregated_output : "");
    } finally {
      await codex.close();
    }
  }
  const [isolated, inherited] = outputs;
  expect(isolated).toMatch(/^home=.*codexkit-userhome-[^\n]*\n$/);
  expect(isolated).not.toContain("rc-noise");
  expect(inherited).toContain("rc-noise");
  expect(inherited).toContain(`home=${home}`);
});
