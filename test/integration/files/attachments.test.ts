/**
 * Attachments on both transports, real binary: a staged PNG reaches the model as an image and a
 * text file as a mention of its staged path; codex's attachment store records both (so
 * `thread.attachments()` works after resume in a new client, and `files.owners()` finds the thread).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { AttachmentError, tool } from "../../../src/index.js";
import { callTool, inputItems, say } from "../../../src/testing/index.js";
import { harness, type Harness } from "../../helpers/harness.js";
import { PNG } from "../../helpers/fixtures.js";
import { TRANSPORTS } from "../../helpers/transports.js";
import { linuxOnly } from "../../helpers/platform.js";
import { appServers, expectNoProcesses } from "../../helpers/processes.js";

let h: Harness;
const dirs: string[] = [];
afterEach(async () => {
  await h.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "codexkit-files-it-"));
  dirs.push(dir);
  return dir;
}

describe.each(TRANSPORTS)("%s transport: attachments", (transport) => {
  linuxOnly("looks for an app-server started late through /proc")("close() while a turn with an attachment unwinds leaves no process: the turn does not start an app-server to record it", async () => {
    h = await harness(transport);
    const codex = h.client({ files: { dir: tempDir() } });
    const notes = await codex.files.stage(Buffer.from("notes\n"), { name: "notes.txt" });
    h.model.reply(say("read it"));
    const thread = codex.startThread({ skipGitRepoCheck: true, workingDirectory: h.cwd });
    const { events } = await thread.runStreamed([{ type: "text", text: "read" }, { type: "attachment", file: notes }]);
    for await (const event of events) {
      // The program shuts down from inside its loop; the turn unwinds after close() has returned.
      if (event.type === "turn.completed") {
        await codex.close();
        break;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(appServers(h.marker)).toEqual([]);
    await expectNoProcesses(h.marker, 2_000);
  });

  it("sends an attached image as an image and a text file as a mention, and records both for the thread", async () => {
    h = await harness(transport);
    const filesDir = tempDir();
    const codex = h.client({ files: { dir: filesDir } });
    const imagePath = path.join(h.cwd, "diagram.png");
    writeFileSync(imagePath, PNG);
    const image = await codex.files.stage(imagePath);
    const notes = await codex.files.stage(Buffer.from("the build fails on line 3\n"), { name: "notes.txt" });
    h.model.reply(say("I see a diagram"));
    const thread = codex.startThread({ skipGitRepoCheck: true, workingDirectory: h.cwd });
    const turn = await thread.run([{ type: "text", text: "What is wrong here?" }, { type: "attachment", file: image }, { type: "attachment", file: notes.id }]);
    expect(turn.finalResponse).toBe("I see a diagram");

    const request = h.model.responseRequests()[0]!;
    const body = JSON.stringify(inputItems(request));
    expect(body).toContain("input_image");
    expect(body).toContain("data:image/png;base64,");
    expect(body).toContain(`@${notes.path}`);

    const recorded = await thread.attachments();
    expect(recorded.map((a) => [a.fileId, a.name, a.mimeType]).sort()).toEqual(
      [
        [image.id, "diagram.png", "image/png"],
        [notes.id, "notes.txt", "text/plain"],
      ].sort(),
    );
    expect(await codex.files.owners(image)).toEqual([{ threadId: thread.id, archived: false }]);

    // A new client on the same CODEX_HOME and store sees the same records after resume, and the persistent files.
    const kept = await codex.files.stage(Buffer.from("kept across clients"), { name: "kept.txt", persistent: true });
    await codex.close();
    const again = h.client({ files: { dir: filesDir } });
    expect((await again.files.list()).map((f) => f.id)).toEqual([kept.id]);
    const resumed = again.resumeThread(thread.id!, { skipGitRepoCheck: true, workingDirectory: h.cwd });
    expect((await resumed.attachments()).map((a) => a.fileId).sort()).toEqual([image.id, notes.id].sort());
  });

  it("refuses an attachment the store no longer has, before codex is asked", async () => {
    h = await harness(transport);
    const file = await h.codex.files.stage(Buffer.from("short-lived"), { name: "x.txt" });
    await h.codex.files.remove(file);
    await expect(h.thread().run([{ type: "attachment", file }])).rejects.toBeInstanceOf(AttachmentError);
    await expect(h.thread().run([{ type: "attachment", file: "0".repeat(64) }])).rejects.toThrow(/not in the staging store/);
    expect(h.model.requests).toHaveLength(0);
  });

  it("lets a tool return files: an image reaches the model as an image, another file as a mention, both recorded for the thread", async () => {
    h = await harness(transport);
    const codex = h.client({ files: { dir: tempDir() } });
    const report = await codex.files.stage(Buffer.from("all green\n"), { name: "report.txt" });
    const render = tool({
      name: "render",
      description: "Renders a chart and a report",
      parameters: z.object({}),
      execute: () => [{ type: "text", text: "here you go" }, { type: "file", data: PNG, name: "chart.png" }, { type: "file", file: report }],
    });
    h.model.reply(callTool("render", {}, { callId: "c1", ...(transport === "exec" ? { namespace: "mcp__codexkit" } : {}) })).reply(say("rendered"));
    const thread = codex.startThread({ skipGitRepoCheck: true, workingDirectory: h.cwd, tools: [render] });
    const turn = await thread.run("render it");
    expect(turn.finalResponse).toBe("rendered");
    const output = JSON.stringify(inputItems(h.model.responseRequests()[1]!).filter((item) => item.type === "function_call_output"));
    expect(output).toContain("here you go");
    expect(output).toContain("data:image/png;base64,");
    expect(output).toContain(`File report.txt (text/plain, 10 bytes): ${report.path}`);
    const chart = (await codex.files.list()).find((f) => f.name === "chart.png")!;
    expect((await thread.attachments()).map((a) => a.fileId).sort()).toEqual([chart.id, report.id].sort());
  });
});
