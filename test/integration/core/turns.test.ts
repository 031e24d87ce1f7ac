/** Core turn behaviour on both transports, against the real codex binary and the mock model. */
import { z } from "zod";
import { afterEach, describe, expect, it } from "vitest";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { AbortError, AttachmentError, InvalidOptionsError, OutputSchemaError, ThreadStateError, TurnFailedError, UntrustedDirectoryError } from "../../../src/index.js";
import { fail, runCommand, say, stall } from "../../../src/testing/index.js";
import { collect, harness, type Harness } from "../../helpers/harness.js";
import { waitForCommand, waitForCommandGone } from "../../helpers/processes.js";
import { TRANSPORTS } from "../../helpers/transports.js";
import { linuxOnly, unixOnly } from "../../helpers/platform.js";

const withShell = unixOnly("the mock model scripts POSIX shell commands; codex runs commands through PowerShell and its own sandbox on Windows");

let h: Harness;
afterEach(async () => {
  await h.close();
});

describe.each(TRANSPORTS)("%s transport", (transport) => {
  withShell("streams a command run and the final answer, with per-turn usage", async () => {
    h = await harness(transport);
    h.model.reply(runCommand("echo hello-from-codex")).reply(say("all done"));
    h.model.reply(say("second answer"));
    const thread = h.thread();
    const { events } = await thread.runStreamed("run it");
    const seen = await collect(events);
    const types = seen.map((e) => e.type);
    expect(types[0]).toBe("thread.started");
    expect(types.at(-1)).toBe("turn.completed");
    const outputs = seen.flatMap((e) =>
      e.type === "item.completed" && e.item.type === "command_execution" ? [e.item.aggregated_output] : [],
    );
    expect(outputs.join("")).toContain("hello-from-codex");
    const second = await thread.run("again");
    expect(second.finalResponse).toBe("second answer");
    // Two model requests in turn one, one in turn two; each mock request reports 10 input tokens.
    expect(second.usage?.input_tokens).toBe(10);
    expect(thread.usage.input_tokens).toBe(30);
    expect(h.model.unexpectedRequests).toEqual([]);
  });

  it("resumes a thread from another client with the right per-turn usage", async () => {
    h = await harness(transport);
    h.model.reply(say("one")).reply(say("two"));
    const first = h.thread();
    await first.run("first");
    // One process writes a thread at a time: the first client lets go of it before the resume.
    await h.codex.close();
    const other = h.client();
    const resumed = other.resumeThread(first.id!, { skipGitRepoCheck: true, workingDirectory: h.cwd });
    const turn = await resumed.run("second");
    expect(turn.finalResponse).toBe("two");
    expect(turn.usage?.input_tokens).toBe(10);
    expect(resumed.id).toBe(first.id);
  });

  it("parses structured output with zod, and keeps the raw text on a mismatch", async () => {
    h = await harness(transport);
    const schema = z.object({ ok: z.boolean(), count: z.number() });
    h.model.reply(say('{"ok":true,"count":3}')).reply(say('{"ok":"yes"}'));
    const thread = h.thread();
    const turn = await thread.run("answer", { outputSchema: schema });
    expect(turn.structuredOutput).toEqual({ ok: true, count: 3 });
    const sent = h.model.responseRequests()[0]!.body as { text?: { format?: { type?: string } } };
    expect(sent.text?.format?.type).toBe("json_schema");
    const error = await thread.run("again", { outputSchema: schema }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutputSchemaError);
    expect((error as OutputSchemaError).rawText).toBe('{"ok":"yes"}');
  });

  it("rejects a failed turn with TurnFailedError", async () => {
    // No retries: a broken stream is retryable, and this test is about the failure itself.
    h = await harness(transport, { retry: false });
    h.model.enqueue(fail("model exploded"));
    const error = await h.thread().run("go").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TurnFailedError);
    expect((error as Error).message).toContain("model exploded");
  });

  it("aborts before start without spawning anything", async () => {
    h = await harness(transport);
    const controller = new AbortController();
    controller.abort();
    const error = await h.thread().run("go", { signal: controller.signal }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect((error as Error).name).toBe("AbortError");
    expect(h.model.requests).toHaveLength(0);
  });

  it("aborts during a stalled stream and leaves no process behind", async () => {
    h = await harness(transport);
    h.model.enqueue(stall());
    const controller = new AbortController();
    const pending = h.thread().run("go", { signal: controller.signal });
    await h.model.waitForRequests(1);
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(AbortError);
  });

  linuxOnly("finds the command codex runs through /proc")("breaking out of the iteration stops codex and the command it runs", async () => {
    h = await harness(transport);
    h.model.reply(runCommand("sleep 30")).reply(say("never"));
    const { events } = await h.thread({ sandboxMode: "danger-full-access" }).runStreamed("sleep");
    let broke = false;
    for await (const event of events) {
      if (event.type === "item.started") {
        expect(await waitForCommand(h.cwd, "sleep 30")).not.toEqual([]);
        broke = true;
        break;
      }
    }
    expect(broke).toBe(true);
    // The command is gone as soon as the loop is left, even while app-server itself stays warm.
    expect(await waitForCommandGone(h.cwd, "sleep 30")).toEqual([]);
    // h.close() asserts that no process with this fixture's CODEX_HOME survives.
  });

  it("interrupt() stops the running turn with AbortError, and the thread goes on", async () => {
    h = await harness(transport);
    h.model.reply(say("warm")).enqueue(stall());
    h.model.reply(say("after"));
    const thread = h.thread();
    await thread.run("warm up");
    const pending = thread.run("hang").catch((e: unknown) => e);
    await h.model.waitForRequests(2);
    await thread.interrupt();
    expect(await pending).toBeInstanceOf(AbortError);
    expect((await thread.run("again")).finalResponse).toBe("after");
  });

  it("refuses a second turn on a thread while one runs, and the first goes on", async () => {
    h = await harness(transport);
    h.model.reply(say("warm")).reply(say("first"));
    const thread = h.thread();
    await thread.run("warm up");
    const first = thread.run("one");
    await expect(thread.run("two")).rejects.toBeInstanceOf(ThreadStateError);
    expect((await first).finalResponse).toBe("first");
  });

  it("refuses a missing image or file with AttachmentError before codex is asked", async () => {
    h = await harness(transport);
    const missingImage = await h.thread().run([{ type: "text", text: "look" }, { type: "local_image", path: path.join(h.cwd, "nope.png") }]).catch((e: unknown) => e);
    expect(missingImage).toBeInstanceOf(AttachmentError);
    expect((missingImage as AttachmentError).path).toBe(path.join(h.cwd, "nope.png"));
    expect((missingImage as Error).message).toContain("does not exist");
    // A file mention is read from the working directory; a directory is not a file.
    const directory = await h.thread().run([{ type: "file", path: "." }]).catch((e: unknown) => e);
    expect(directory).toBeInstanceOf(AttachmentError);
    expect((directory as Error).message).toContain("not a regular file");
    expect(h.model.requests).toHaveLength(0);
  });

  it("refuses a working directory that does not exist, or is a file, naming it, before codex is asked", async () => {
    h = await harness(transport);
    const missing = path.join(h.cwd, "no-such-dir");
    for (const options of [{}, { skipGitRepoCheck: true }]) {
      const error = await h.codex.startThread({ workingDirectory: missing, ...options }).run("go").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidOptionsError);
      expect((error as Error).message).toBe(`workingDirectory ${missing} does not exist`);
    }
    const file = path.join(h.cwd, "a-file.txt");
    writeFileSync(file, "not a directory");
    const error = await h.codex.startThread({ workingDirectory: file, skipGitRepoCheck: true }).run("go").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidOptionsError);
    expect((error as Error).message).toBe(`workingDirectory ${file} is not a directory`);
    expect(h.model.requests).toHaveLength(0);
  });

  it("refuses a directory outside a git repository with codex's own sentence, before the model is asked", async () => {
    h = await harness(transport);
    const error = await h.codex.startThread({ workingDirectory: h.cwd }).run("go").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UntrustedDirectoryError);
    expect((error as UntrustedDirectoryError).code).toBe("untrusted_directory");
    expect((error as Error).message).toMatch(/^Not inside a trusted directory and --skip-git-repo-check was not specified\. /);
    expect((error as Error).message).toContain("skipGitRepoCheck: true");
    expect((error as UntrustedDirectoryError).directory).toBe(h.cwd);
    expect(h.model.responseRequests()).toHaveLength(0);
    // Inside a repository the same thread options run.
    mkdirSync(path.join(h.cwd, ".git"));
    writeFileSync(path.join(h.cwd, ".git", "HEAD"), "ref: refs/heads/main\n");
    h.model.reply(say("in a repo"));
    expect((await h.codex.startThread({ workingDirectory: h.cwd }).run("go")).finalResponse).toBe("in a repo");
  });
});
