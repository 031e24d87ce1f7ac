/** Images on resume, and secrets kept out of errors, against the real codex binary. */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CodexExitError, UnsupportedFeatureError } from "../../../src/index.js";
import { say } from "../../../src/testing/index.js";
import { harness, type Harness } from "../../helpers/harness.js";
import { PNG, PNG_DATA_URL } from "../../helpers/fixtures.js";
import { TRANSPORTS } from "../../helpers/transports.js";

let h: Harness;
afterEach(async () => {
  await h.close();
});

describe.each(TRANSPORTS)("%s transport", (transport) => {
  it("sends a local image on a resumed turn", async () => {
    h = await harness(transport);
    h.model.reply(say("first")).reply(say("saw it"));
    const image = path.join(h.cwd, "dot.png");
    writeFileSync(image, PNG);
    const thread = h.thread();
    await thread.run("hello");
    await h.codex.close();
    const resumed = h.client().resumeThread(thread.id!, { skipGitRepoCheck: true, workingDirectory: h.cwd });
    const turn = await resumed.run([
      { type: "text", text: "look at this" },
      { type: "local_image", path: image },
    ]);
    expect(turn.finalResponse).toBe("saw it");
    const body = JSON.stringify(h.model.responseRequests()[1]!.body);
    expect(body).toContain("input_image");
    expect(body).toContain("look at this");
  });

  it("never puts the API key into an error, even when codex prints it", async () => {
    const secret = "hunter2-secret-value-xyz";
    h = await harness(transport, { apiKey: secret, configOverrides: [`model_provider="${secret}"`] });
    const error = await h.thread().run("go").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CodexExitError);
    const exit = error as CodexExitError;
    expect(exit.stderrTail).toContain("[REDACTED]");
    expect(JSON.stringify({ message: exit.message, tail: exit.stderrTail, stack: exit.stack })).not.toContain(secret);
  });

  it("refuses a remote image URL clearly, before the model is asked", async () => {
    h = await harness(transport);
    const remote = [
      { type: "text" as const, text: "what is this" },
      { type: "image" as const, url: "https://images.example.invalid/cat.png" },
    ];
    const error = await h.thread().run(remote).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedFeatureError);
    expect((error as UnsupportedFeatureError).feature).toBe("image_url");
    expect(h.model.requests).toHaveLength(0);
  });

  it("mentions an attached file so the model learns its path", async () => {
    h = await harness(transport);
    h.model.reply(say("read it"));
    const file = path.join(h.cwd, "notes.md");
    writeFileSync(file, "# notes\n");
    const turn = await h.thread().run([
      { type: "text", text: "summarize the file" },
      { type: "file", path: file },
    ]);
    expect(turn.finalResponse).toBe("read it");
    expect(JSON.stringify(h.model.responseRequests()[0]!.body)).toContain("notes.md");
  });
});

describe("inline data: images", () => {
  it("app-server sends one to the model as input_image", async () => {
    h = await harness("app-server");
    h.model.reply(say("an inline picture"));
    const turn = await h.thread().run([{ type: "text", text: "what is this" }, { type: "image", url: PNG_DATA_URL }]);
    expect(turn.finalResponse).toBe("an inline picture");
    expect(JSON.stringify(h.model.responseRequests()[0]!.body)).toContain("input_image");
  });

  it("exec refuses one clearly, before the model is asked (codex exec takes image files only)", async () => {
    h = await harness("exec");
    h.model.reply(say("never"));
    const error = await h.thread().run([{ type: "text", text: "what is this" }, { type: "image", url: PNG_DATA_URL }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedFeatureError);
    expect((error as UnsupportedFeatureError).feature).toBe("image_url");
    expect((error as Error).message).toContain("local_image");
    expect(h.model.requests).toHaveLength(0);
  });
});
