/**
 * Drop-in defaults on both transports, against the real binary: what a thread gets when the caller
 * sets nothing, that codex never records trust in CODEX_HOME/config.toml as a side effect of a
 * thread option, structured output with a plain JSON Schema, and relative paths.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { RecordedRequest } from "../../../src/testing/index.js";
import { say } from "../../../src/testing/index.js";
import { PNG } from "../../helpers/fixtures.js";
import { harness, type Harness } from "../../helpers/harness.js";
import { TRANSPORTS } from "../../helpers/transports.js";

let h: Harness;
afterEach(async () => {
  await h.close();
});

/** The sandbox mode and approval policy codex last told the model about in `request` (history holds earlier ones). */
function permissions(request: RecordedRequest): { sandbox: string | undefined; approval: "never" | "asks" } {
  const blocks = JSON.stringify(request.body).split("<permissions instructions>");
  const text = blocks.at(-1)!.split("</permissions instructions>")[0]!;
  return {
    sandbox: /`sandbox_mode` is `([a-z-]+)`/.exec(text)?.[1],
    approval: text.includes("Approval policy is currently never") ? "never" : "asks",
  };
}

/** Makes `dir` a git repository as codex sees one (no git needed). */
function makeRepository(dir: string): void {
  mkdirSync(path.join(dir, ".git"), { recursive: true });
  writeFileSync(path.join(dir, ".git", "HEAD"), "ref: refs/heads/main\n");
}

describe.each(TRANSPORTS)("%s transport", (transport) => {
  it("gives a thread without options read-only and never, and writes no trust into config.toml", async () => {
    h = await harness(transport);
    makeRepository(h.cwd);
    const config = path.join(h.codexHome, "config.toml");
    h.model.reply(say("default")).reply(say("writable")).reply(say("default again")).reply(say("resumed"));
    const inRepo = { workingDirectory: h.cwd };
    await h.codex.startThread(inRepo).run("one");
    const writable = h.codex.startThread({ ...inRepo, sandboxMode: "workspace-write" });
    await writable.run("two");
    await h.codex.startThread(inRepo).run("three");
    await h.codex.close();
    await h.client().resumeThread(writable.id!, { ...inRepo, sandboxMode: "danger-full-access" }).run("four");
    const seen = h.model.responseRequests().map(permissions);
    expect(seen).toEqual([
      { sandbox: "read-only", approval: "never" },
      { sandbox: "workspace-write", approval: "never" },
      // Before the fix, app-server had recorded the repository as trusted: this ran workspace-write.
      { sandbox: "read-only", approval: "never" },
      { sandbox: "danger-full-access", approval: "never" },
    ]);
    expect(existsSync(config)).toBe(false);
  });

  it.runIf(transport === "app-server")("writes no trust for a forked thread with a writable sandbox either", async () => {
    h = await harness(transport);
    makeRepository(h.cwd);
    h.model.reply(say("parent")).reply(say("child"));
    const parent = h.codex.startThread({ workingDirectory: h.cwd });
    await parent.run("one");
    const child = await parent.fork({ sandboxMode: "workspace-write" });
    await child.run("two");
    expect(h.model.responseRequests().map(permissions).at(-1)).toEqual({ sandbox: "workspace-write", approval: "never" });
    expect(existsSync(path.join(h.codexHome, "config.toml"))).toBe(false);
  });

  it("keeps a trust decision the user made, and the client's own sandbox config", async () => {
    h = await harness(transport);
    makeRepository(h.cwd);
    const config = path.join(h.codexHome, "config.toml");
    const decided = `[projects.${JSON.stringify(h.cwd)}]\ntrust_level = "untrusted"\n`;
    writeFileSync(config, decided);
    h.model.reply(say("writable")).reply(say("configured"));
    await h.codex.startThread({ workingDirectory: h.cwd, sandboxMode: "workspace-write" }).run("one");
    const base = h.model.codexOptions({ codexHome: h.codexHome });
    const configured = h.client({ ...base, config: { ...base.config, sandbox_mode: "workspace-write" }, configOverrides: ['approval_policy="on-request"'] });
    await configured.startThread({ workingDirectory: h.cwd }).run("two");
    // codex exec answers `never` whatever `approval_policy` says; app-server does the same.
    expect(h.model.responseRequests().map(permissions)).toEqual([
      { sandbox: "workspace-write", approval: "never" },
      { sandbox: "workspace-write", approval: "never" },
    ]);
    expect(readFileSync(config, "utf8")).toBe(decided);
  });

  it("never throws because of the answer with a plain JSON Schema", async () => {
    h = await harness(transport);
    const schema = { type: "object", properties: { ok: { type: "boolean" } }, required: ["ok"], additionalProperties: false };
    h.model.reply(say("not json at all")).reply(say('{"ok":"yes"}')).reply(say('{"ok":true}'));
    const thread = h.thread();
    const prose = await thread.run("one", { outputSchema: schema });
    expect(prose.finalResponse).toBe("not json at all");
    expect(prose.structuredOutput).toBeUndefined();
    const mismatch = await thread.run("two", { outputSchema: schema });
    expect(mismatch.finalResponse).toBe('{"ok":"yes"}');
    expect(mismatch.structuredOutput).toBeUndefined();
    expect((await thread.run("three", { outputSchema: schema })).structuredOutput).toEqual({ ok: true });
  });

  it("resolves relative additional directories against the working directory, and images as codex exec does", async () => {
    h = await harness(transport);
    mkdirSync(path.join(h.cwd, "extra"));
    const imageDir = mkdtempSync(path.join(os.tmpdir(), "codexkit-image-"));
    try {
      writeFileSync(path.join(imageDir, "pic.png"), PNG);
      h.model.reply(say("seen"));
      const thread = h.thread({ sandboxMode: "workspace-write", additionalDirectories: ["extra"] });
      // codex exec reads --image from its own process cwd (ours), not from --cd.
      const image = path.relative(process.cwd(), path.join(imageDir, "pic.png"));
      await thread.run([{ type: "text", text: "look" }, { type: "local_image", path: image }]);
      const sent = JSON.stringify(h.model.responseRequests()[0]!.body);
      expect(sent).toContain(`<root>${path.join(h.cwd, "extra")}</root>`);
      expect(sent).not.toContain(path.join(process.cwd(), "extra"));
      expect(sent).toContain("input_image");
      expect(sent).not.toContain("could not read");
    } finally {
      rmSync(imageDir, { recursive: true, force: true });
    }
  });
});
