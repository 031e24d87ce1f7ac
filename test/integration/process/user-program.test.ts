/**
 * codexkit inside a user's program, for real: a child Node script that imports the package, on
 * both transports. It never calls `close()` and must still end by itself; Ctrl-C to its process
 * group or SIGTERM to its pid mid-command must end codex and the agent's command within 3 s and
 * end the program as it would have ended without codexkit; a program's own SIGINT handler keeps
 * control of its exit.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { MockModelServer, runCommand, say } from "../../../src/testing/index.js";
import { REPORT, startScript, type ChildScript } from "../../helpers/child-script.js";
import { commandsIn, expectNoProcesses, processesWithEnv, waitForCommand, waitForCommandGone } from "../../helpers/processes.js";
import { FIXTURE } from "../../helpers/mcp.js";
import { linuxOnly, PROCESS_TABLE_READABLE } from "../../helpers/platform.js";
import { TRANSPORTS } from "../../helpers/transports.js";
import { listeningAppServer } from "../../helpers/remote.js";

interface Setup {
  model: MockModelServer;
  cwd: string;
  /** `CODEX_HOME=<dir>`: carried by every process codex started for this test. */
  marker: string;
  env: Record<string, string>;
}

let setup: Setup | null = null;
let script: ChildScript | null = null;

afterEach(async () => {
  await script?.dispose();
  script = null;
  if (setup) {
    for (const pid of PROCESS_TABLE_READABLE ? processesWithEnv(setup.marker) : []) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Gone between the listing and the kill.
      }
    }
    await setup.model.close();
    rmSync(setup.cwd, { recursive: true, force: true });
    setup = null;
  }
});

async function prepare(transport: string): Promise<Setup> {
  const model = await MockModelServer.start();
  const options = { ...model.codexOptions(), transport, killGraceMs: 1_000 };
  const cwd = mkdtempSync(path.join(os.tmpdir(), "codexkit-work-"));
  setup = { model, cwd, marker: `CODEX_HOME=${path.resolve(options.codexHome)}`, env: { CODEXKIT_TEST: JSON.stringify({ options, cwd }) } };
  return setup;
}

/** Starts a turn whose command runs `sleep 30`, and reports when the command has started. */
const SLEEPING_TURN = `
import { Codex } from CODEXKIT_ENTRY;
${REPORT}
const { options, cwd } = JSON.parse(process.env.CODEXKIT_TEST);
const codex = new Codex(options);
const thread = codex.startThread({ workingDirectory: cwd, skipGitRepoCheck: true, sandboxMode: "danger-full-access" });
const { events } = await thread.runStreamed("sleep");
for await (const event of events) {
  if (event.type === "item.started" && event.item.type === "command_execution") report("command-started");
}
report("turn-ended");
`;

describe.each(TRANSPORTS)("%s transport, in a user's program", (transport) => {
  linuxOnly("looks for codex processes left behind through /proc")("a script that never calls close() exits by itself, leaving no codex", async () => {
    const s = await prepare(transport);
    s.model.reply(say("first")).reply(say("second"));
    script = startScript(
      `
import { Codex } from CODEXKIT_ENTRY;
${REPORT}
const { options, cwd } = JSON.parse(process.env.CODEXKIT_TEST);
const codex = new Codex(options);
const thread = codex.startThread({ workingDirectory: cwd, skipGitRepoCheck: true });
const first = await thread.run("one");
// A pause between turns, as a real program has: the idle codex must not end the turn early.
await new Promise((resolve) => setTimeout(resolve, 200));
const second = await thread.run("two");
report("done", { answers: [first.finalResponse, second.finalResponse] });
`,
      s.env,
    );
    expect((await script.waitFor("done")).answers).toEqual(["first", "second"]);
    // A script kept alive stays alive: the 5 s bound only keeps that from hanging the test.
    const exit = await Promise.race([script.exited, new Promise<null>((resolve) => setTimeout(() => resolve(null), 5_000))]);
    expect(exit, "the script was still running 5 s after its last turn").not.toBeNull();
    expect(exit).toMatchObject({ code: 0, signal: null });
    await expectNoProcesses(s.marker, 1_000);
  });

  const signalled = [
    ["Ctrl-C to the program's process group", "SIGINT", true],
    ["SIGTERM to the program's pid", "SIGTERM", false],
  ] as const;
  for (const [how, signal, group] of signalled) {
    linuxOnly("POSIX signals and process groups; the command is found through /proc")(`${how} mid-command ends codex and the command within 3 s`, async () => {
      const s = await prepare(transport);
      s.model.reply(runCommand("sleep 30")).reply(say("never"));
      script = startScript(SLEEPING_TURN, s.env);
      await script.waitFor("command-started");
      await waitForCommand(s.cwd, "sleep 30");
      if (group) script.signalGroup(signal);
      else script.signal(signal);
      // Without a handler of its own the program dies of the signal, as it would without codexkit.
      expect(await script.exited).toMatchObject({ code: null, signal });
      expect(await waitForCommandGone(s.cwd, "sleep 30", 3_000)).toEqual([]);
      await expectNoProcesses(s.marker, 3_000);
    });
  }

  linuxOnly("POSIX signals and process groups; the command is found through /proc")("a program's own SIGINT handler keeps control: it runs, its exit code stands, and codex still goes", async () => {
    const s = await prepare(transport);
    s.model.reply(runCommand("sleep 30")).reply(say("never"));
    const handled = `process.on("SIGINT", () => { report("handled"); process.exit(7); });\n`;
    script = startScript(SLEEPING_TURN.replace("const { options, cwd }", `${handled}const { options, cwd }`), s.env);
    await script.waitFor("command-started");
    await waitForCommand(s.cwd, "sleep 30");
    script.signalGroup("SIGINT");
    expect(await script.exited).toMatchObject({ code: 7, signal: null });
    expect(script.messages.map((m) => m.stage)).toContain("handled");
    expect(await waitForCommandGone(s.cwd, "sleep 30", 3_000)).toEqual([]);
    await expectNoProcesses(s.marker, 3_000);
    expect(commandsIn(s.cwd, "sleep 30")).toEqual([]);
  });
});

describe("an MCP server in a user's program", () => {
  linuxOnly("looks for the server left behind through /proc")("a script that connects one and never closes it exits by itself, leaving no server", async () => {
    const cwd = mkdtempSync(path.join(os.tmpdir(), "codexkit-work-"));
    try {
      script = startScript(
        `
import { Codex } from CODEXKIT_ENTRY;
${REPORT}
const codex = new Codex();
const fx = await codex.mcp.connect("fx", { command: process.execPath, args: [process.env.FIXTURE], env: { FIXTURE_MARK: process.env.MARK } });
const result = await fx.callTool("add", { a: 20, b: 22 });
report("done", { text: result.content[0].text });
`,
        { FIXTURE, MARK: cwd },
      );
      expect((await script.waitFor("done")).text).toBe("42");
      const exit = await Promise.race([script.exited, new Promise<null>((resolve) => setTimeout(() => resolve(null), 5_000))]);
      expect(exit, "the script was still running 5 s after its last call").toMatchObject({ code: 0 });
      await expectNoProcesses(`FIXTURE_MARK=${cwd}`, 2_000);
    } finally {
      // The server leads a process group of its own: the script's group kill does not reach it.
      for (const pid of processesWithEnv(`FIXTURE_MARK=${cwd}`)) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // Gone already.
        }
      }
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});

describe("files and a remote app-server in a user's program", () => {
  it("a script that stages and attaches files on a remote app-server and never calls close() exits by itself", async () => {
    const cwd = mkdtempSync(path.join(os.tmpdir(), "codexkit-work-"));
    const filesDir = mkdtempSync(path.join(os.tmpdir(), "codexkit-files-"));
    let model: MockModelServer | undefined;
    let server: Awaited<ReturnType<typeof listeningAppServer>> | undefined;
    try {
      model = await MockModelServer.start();
      server = await listeningAppServer(model);
      model.reply(say("attached"));
      script = startScript(
        `
import { Codex } from CODEXKIT_ENTRY;
${REPORT}
const codex = new Codex({ appServer: { url: process.env.URL }, files: { dir: process.env.FILES, ttlMs: 600000 } });
const file = await codex.files.stage(Buffer.from("notes"), { name: "notes.txt" });
const turn = await codex.startThread({ workingDirectory: process.env.CWD, skipGitRepoCheck: true }).run([{ type: "attachment", file }]);
report("done", { text: turn.finalResponse });
`,
        { URL: server.url, FILES: filesDir, CWD: cwd },
      );
      expect((await script.waitFor("done")).text).toBe("attached");
      const exit = await Promise.race([script.exited, new Promise<null>((resolve) => setTimeout(() => resolve(null), 5_000))]);
      expect(exit, "the script was still running 5 s after its last turn (a socket or a sweep timer kept it alive)").toMatchObject({ code: 0 });
    } finally {
      await server?.close();
      await model?.close();
      rmSync(cwd, { recursive: true, force: true });
      rmSync(filesDir, { recursive: true, force: true });
    }
  });
});
