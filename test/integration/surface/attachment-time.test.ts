/**
 * One unit for every codexkit time: `ThreadAttachment.createdAt` is milliseconds since the epoch,
 * like `StagedFile.createdAt`, though codex records attachments in seconds.
 */
import { afterEach, expect, it } from "vitest";
import { say } from "../../../src/testing/index.js";
import { harness, type Harness } from "../../helpers/harness.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

it("gives a thread attachment's createdAt in milliseconds since the epoch, as a staged file's", async () => {
  h = await harness("app-server");
  // codex keeps whole seconds: the record may be up to a second older than this.
  const before = Date.now() - 1_000;
  const file = await h.codex.files.stage(Buffer.from("notes\n"), { name: "notes.txt" });
  h.model.reply(say("read"));
  const thread = h.thread();
  await thread.run([{ type: "text", text: "read it" }, { type: "attachment", file }]);
  const after = Date.now();

  const [recorded] = await thread.attachments();
  expect(recorded?.fileId).toBe(file.id);
  expect(recorded!.createdAt).toBeGreaterThanOrEqual(before);
  expect(recorded!.createdAt).toBeLessThanOrEqual(after);
  expect(file.createdAt).toBeGreaterThanOrEqual(before);
  expect(file.createdAt).toBeLessThanOrEqual(after);
});
