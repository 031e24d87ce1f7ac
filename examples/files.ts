/**
 * `npx tsx examples/files.ts`: stage a file, attach it to a turn, and read back what the thread was
 * given. The staging store is content-addressed (the same bytes are one file with one id), and
 * codex records each attachment with the thread, so any client can list it later. Offline against
 * the mock model unless an API key is set (or --live); `--exec` runs the turn on the exec transport.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Codex } from "codexkit";
import { MockModelServer, say } from "codexkit/testing";

const transport = process.argv.includes("--exec") ? "exec" : "app-server";
const live = process.argv.includes("--live") || Boolean(process.env.OPENAI_API_KEY || process.env.CODEX_API_KEY);
const cwd = mkdtempSync(path.join(os.tmpdir(), "codexkit-files-"));
// The store defaults to your cache directory; the example keeps it in a temp directory of its own.
const store = mkdtempSync(path.join(os.tmpdir(), "codexkit-files-store-"));

const model = live ? null : await MockModelServer.start();
const codex = new Codex({ transport, files: { dir: store }, ...(model ? model.codexOptions() : {}) });
try {
  const text = "TODO\n- rename the config loader\n- add a test for empty input\n";
  const notes = await codex.files.stage(Buffer.from(text), { name: "notes.txt" });
  console.log(`staged ${notes.name}: ${notes.mimeType}, ${notes.size} bytes, id ${notes.id.slice(0, 12)}…`);
  const again = await codex.files.stage(Buffer.from(text), { name: "notes.txt" });
  console.log(`staged again: same file: ${again.id === notes.id}`);

  if (model) model.reply(say("The notes list two tasks: rename the config loader and test empty input."));
  const thread = codex.startThread({ skipGitRepoCheck: true, workingDirectory: cwd });
  const turn = await thread.run([
    { type: "text", text: "What do these notes ask for?" },
    { type: "attachment", file: notes },
  ]);
  console.log(`agent: ${turn.finalResponse}`);
  if (model) {
    // The model was given the file as a mention of its path in the store.
    const sent = JSON.stringify(model.responseRequests().at(-1)?.body.input ?? []);
    console.log(`the model saw the file: ${sent.includes(notes.path.replaceAll("\\", "\\\\"))}`);
  }

  for (const attachment of await thread.attachments()) {
    console.log(`thread attachment: ${attachment.name} (${attachment.mimeType}, ${attachment.size} bytes)`);
  }
  const owners = await codex.files.owners(notes);
  console.log(`used by this thread: ${owners.some((owner) => owner.threadId === thread.id)}`);
  console.log(`files in the store: ${(await codex.files.list()).length}`);
} finally {
  await codex.close();
  await model?.close();
  rmSync(cwd, { recursive: true, force: true });
  rmSync(store, { recursive: true, force: true });
}
