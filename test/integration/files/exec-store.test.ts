/**
 * The thread store on exec, real binary: codex keeps attachment records only through an
 * app-server, yet a turn starts none. The records are journaled in the staging store, and written
 * when the store is first asked something (`thread.attachments()`, `files.owners()`), or at
 * `close()`; a program that ended without `close()` leaves them for the next client to write.
 */
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { say } from "../../../src/testing/index.js";
import { harness, type Harness } from "../../helpers/harness.js";
import { recordingLogger } from "../../helpers/logger.js";
import { appServers } from "../../helpers/processes.js";
import { REPORT, startScript, type ChildScript } from "../../helpers/child-script.js";

/** Counting processes by their environment needs `/proc`. */
const PROCESS_TABLE = existsSync("/proc/self/environ");

let h: Harness | undefined;
let script: ChildScript | null = null;
afterEach(async () => {
  await script?.dispose();
  script = null;
  await h?.close();
  h = undefined;
});

describe("exec transport: the thread store", () => {
  it.skipIf(!PROCESS_TABLE)("a turn with an attachment starts no app-server; thread.attachments() starts one and finds the file, and listThreads() asks the same one", async () => {
    const logger = recordingLogger();
    h = await harness("exec", { logger });
    const notes = await h.codex.files.stage(Buffer.from("notes\n"), { name: "notes.txt" });
    h.model.reply(say("read it")).reply(say("again"));
    const thread = h.thread();
    await thread.run([{ type: "text", text: "read" }, { type: "attachment", file: notes }]);
    // A second turn: whatever the end of the first set off in the background has happened by now.
    await thread.run("and again");
    const started = (): unknown[] => logger.entries.filter((e) => e.obj.event === "process.spawn").map((e) => e.obj.kind);
    expect(started()).toEqual(["exec", "exec"]);
    expect(appServers(h.marker)).toEqual([]);

    expect((await thread.attachments()).map((a) => [a.fileId, a.name])).toEqual([[notes.id, "notes.txt"]]);
    expect(await h.codex.files.owners(notes)).toEqual([{ threadId: thread.id, archived: false }]);
    // The store's other questions go to the same short-lived app-server.
    // exec's own threads are listed (codex lists only interactive ones unless asked).
    const listed: string[] = [];
    for await (const summary of h.codex.listThreads()) listed.push(summary.id);
    expect(listed).toContain(thread.id);
    expect(started()).toEqual(["exec", "exec", "app-server"]);
    expect(appServers(h.marker)).toHaveLength(1);
  });

  it("close() writes the records still waiting: a new client finds them", async () => {
    h = await harness("exec");
    const notes = await h.codex.files.stage(Buffer.from("kept\n"), { name: "kept.txt" });
    h.model.reply(say("ok"));
    const thread = h.thread();
    await thread.run([{ type: "text", text: "keep" }, { type: "attachment", file: notes }]);
    await h.codex.close();
    const again = h.client();
    const resumed = again.resumeThread(thread.id!, { skipGitRepoCheck: true, workingDirectory: h.cwd });
    expect((await resumed.attachments()).map((a) => a.fileId)).toEqual([notes.id]);
  });

  it("close() starts nothing when no record waits", async () => {
    const logger = recordingLogger();
    h = await harness("exec", { logger });
    h.model.reply(say("plain"));
    await h.thread().run("no files");
    await h.codex.close();
    expect(logger.entries.filter((e) => e.obj.event === "process.spawn").map((e) => e.obj.kind)).toEqual(["exec"]);
  });

  it("a program that ends without close() loses no record: a new client on the same CODEX_HOME and staging store finds the attachment", async () => {
    h = await harness("exec");
    h.model.reply(say("noted"));
    const options = { ...h.model.codexOptions({ codexHome: h.codexHome }), transport: "exec", killGraceMs: 1_000, files: { dir: h.codex.files.dir } };
    script = startScript(
      `
import { Codex } from CODEXKIT_ENTRY;
${REPORT}
const { options, cwd } = JSON.parse(process.env.CODEXKIT_TEST);
const codex = new Codex(options);
const notes = await codex.files.stage(Buffer.from("left behind\\n"), { name: "left.txt" });
const thread = codex.startThread({ workingDirectory: cwd, skipGitRepoCheck: true });
await thread.run([{ type: "text", text: "keep" }, { type: "attachment", file: notes }]);
report("done", { threadId: thread.id, fileId: notes.id });
// No close(): the program just ends.
`,
      { CODEXKIT_TEST: JSON.stringify({ options, cwd: h.cwd }) },
    );
    const { threadId, fileId } = (await script.waitFor("done", 60_000)) as { threadId: string; fileId: string };
    expect(await script.exited).toMatchObject({ code: 0, signal: null });
    // The record is on disk, not in codex yet: the program started no app-server.
    expect(readdirSync(path.join(h.codex.files.dir, "pending"))).toHaveLength(1);

    const again = h.client();
    const resumed = again.resumeThread(threadId, { skipGitRepoCheck: true, workingDirectory: h.cwd });
    expect((await resumed.attachments()).map((a) => [a.fileId, a.name])).toEqual([[fileId, "left.txt"]]);
    expect(await again.files.owners(fileId)).toEqual([{ threadId, archived: false }]);
    expect(readdirSync(path.join(h.codex.files.dir, "pending"))).toEqual([]);
  });
});
