/**
 * `codexkit view`, run as a user runs it (a child process): a stored thread read through codex
 * from CODEX_HOME, and an events file recorded on exec, each rendered in headless Chromium; the
 * command stops on SIGTERM and SIGINT with exit code 0, leaving no process; a thread codex does
 * not have exits 1 saying so.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Redactor } from "../../../src/errors/index.js";
import { recordEvents } from "../../../src/index.js";
import { applyPatch, say } from "../../../src/testing/index.js";
import { StoredSource, StoredThreads } from "../../../src/view/index.js";
import { harness, type Harness } from "../../helpers/harness.js";
import { browserOnly, CHROMIUM, launchBrowser, openView, screenshot } from "./browser.js";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const MAIN = path.join(ROOT, "src", "cli", "main.ts");

let browser: Browser | undefined;
let h: Harness | undefined;
const dirs: string[] = [];

beforeAll(async () => {
  if (CHROMIUM !== null) browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});
afterEach(async () => {
  await h?.close();
  h = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function temp(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

/** A running `codexkit view`, its URL once printed, and its exit. */
interface ViewCommand {
  child: ChildProcess;
  url: Promise<string>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

/** Starts `codexkit view <args>` (through tsx, from the sources) with `codexHome` as CODEX_HOME and an empty HOME. */
function view(args: string[], codexHome: string): ViewCommand {
  const home = temp("codexkit-view-home-");
  const env: NodeJS.ProcessEnv = { ...process.env, CODEX_HOME: path.resolve(codexHome), HOME: home, USERPROFILE: home };
  for (const name of ["OPENAI_API_KEY", "CODEX_API_KEY"]) delete env[name];
  const child = spawn(process.execPath, ["--import", "tsx", MAIN, "view", ...args], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal, stderr })));
  const url = new Promise<string>((resolve, reject) => {
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      const found = /^http:\/\/127\.0\.0\.1:\d+\/\?token=\S+$/m.exec(stdout);
      if (found) resolve(found[0]);
    });
    void exit.then(({ code }) => reject(new Error(`codexkit view exited (${code}) before printing its URL: ${stderr}`)));
  });
  // A command expected to fail is awaited through `exit` only.
  url.catch(() => {});
  return { child, url, exit };
}

describe("codexkit view", () => {
  browserOnly("shows a stored thread read through codex, diff included, stops on SIGTERM leaving nothing running; without an id, lists the stored threads", async () => {
    h = await harness("app-server");
    h.model.reply(applyPatch({ path: "plan.md", content: "# Plan\nship it\n" })).reply(say("Wrote the plan."));
    const thread = h.thread({ sandboxMode: "workspace-write" });
    await thread.run("Write a plan");
    await h.codex.close();
    const command = view([thread.id!], h.codexHome);
    try {
      const page = await openView(browser!, await command.url);
      try {
        const turn = page.locator('article.turn[data-turn="1"]');
        expect(await turn.getAttribute("data-status")).toBe("completed");
        expect(await turn.locator(".prompt").textContent()).toContain("Write a plan");
        expect(await turn.locator(".answer").textContent()).toContain("Wrote the plan.");
        expect(await turn.locator('li.entry[data-kind="file_change"] .diff .line.add').allTextContents()).toEqual(["+# Plan\n", "+ship it\n"]);
        expect(await page.locator("#notes").textContent()).toContain("codex stores no token usage and no approvals with a thread");
        await screenshot(page, "stored-thread");
      } finally {
        await page.close();
      }
    } finally {
      command.child.kill("SIGTERM");
    }
    const { code, signal } = await command.exit;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    // Without a thread id, the stored threads are listed, and each is read when asked for.
    const store = new StoredThreads({ codexHome: h.codexHome, redactor: new Redactor() });
    const source = await StoredSource.open(store);
    try {
      expect((await source.threads()).map((t) => [t.id, t.title])).toEqual([[thread.id, "Write a plan"]]);
      expect((await source.thread(thread.id!))?.turns.map((t) => t.answer)).toEqual(["Wrote the plan."]);
    } finally {
      await source.close();
    }
    // h.close() (afterEach) fails if the command or a codex started here still runs.
  });

  browserOnly("shows an events file recorded on exec, saying where exec reports no diff, and stops on SIGINT", async () => {
    h = await harness("exec");
    const file = path.join(temp("codexkit-view-exec-"), "exec.jsonl");
    const recorder = recordEvents(file);
    const client = h.client({ onEvent: recorder });
    h.model.reply(applyPatch({ path: "a.txt", content: "a\n" })).reply(say("patched"));
    await client.startThread({ workingDirectory: h.cwd, skipGitRepoCheck: true, sandboxMode: "workspace-write" }).run("Patch it");
    recorder.close();
    const command = view([file], h.codexHome);
    try {
      const page = await openView(browser!, await command.url);
      try {
        const change = page.locator('li.entry[data-kind="file_change"]');
        expect(await change.locator(".path").textContent()).toContain("a.txt");
        expect(await change.locator(".no-diff").textContent()).toBe("No diff: codex exec does not report diffs. Run the thread on the app-server transport to see them.");
        expect(await page.locator(".thread-meta .transport").textContent()).toBe("exec");
      } finally {
        await page.close();
      }
    } finally {
      command.child.kill("SIGINT");
    }
    expect(await command.exit).toMatchObject({ code: 0, signal: null });
  });

  it("exits 1 naming a thread codex does not have (bad arguments, exit 2, are unit-tested)", async () => {
    const missing = await view(["019a0000-0000-7000-8000-000000000000"], temp("codexkit-view-codex-home-")).exit;
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("codexkit view: codex has no stored thread 019a0000-0000-7000-8000-000000000000");
  });
});
