/**
 * `codex.view()` in a real browser: the page, opened before any turn, shows this client's thread
 * while its turn runs (held open by a codexkit tool the test releases), then its end; and
 * `codex.close()` stops the viewer with everything else. Real binary on app-server, mock model.
 */
import type { Browser } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect } from "vitest";
import { z } from "zod";
import { tool } from "../../../src/index.js";
import { callTool, runCommand, say } from "../../../src/testing/index.js";
import { harness, type Harness } from "../../helpers/harness.js";
import { refused } from "../../helpers/network.js";
import { browserOnly, CHROMIUM, launchBrowser, openView, screenshot } from "./browser.js";

let browser: Browser | undefined;
let h: Harness | undefined;

beforeAll(async () => {
  if (CHROMIUM !== null) browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe("codex.view()", () => {
  browserOnly("updates the page while a turn runs: the prompt, a command's output and the tool call in progress, then the answer", async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let called!: () => void;
    const calling = new Promise<void>((resolve) => (called = resolve));
    const hold = tool({
      name: "wait_for_review",
      description: "Waits until a reviewer says go",
      parameters: z.object({ ticket: z.string() }),
      execute: async () => {
        called();
        await released;
        return "approved by the reviewer";
      },
    });
    h = await harness("app-server", { tools: [hold] });
    const url = await h.codex.view();
    expect(await h.codex.view()).toBe(url);
    const page = await openView(browser!, url);
    try {
      expect(await page.locator("main .empty").textContent()).toContain("No thread yet");
      await expect.poll(() => page.locator("#live").getAttribute("data-live")).toBe("connected");
      h.model
        .reply(runCommand("echo compiling the report"))
        .reply(callTool("wait_for_review", { ticket: "T-9" }))
        .reply(say("The report is done."));
      const turn = h.thread().run("Write the quarterly report");
      await calling;
      // The turn is running (held in the tool): the page shows it as it is now.
      const article = page.locator('article.turn[data-turn="1"]');
      await expect.poll(() => article.getAttribute("data-status")).toBe("running");
      expect(await article.locator(".prompt").textContent()).toContain("Write the quarterly report");
      await expect.poll(() => article.locator('li.entry[data-kind="command_execution"] .output').textContent()).toContain("compiling the report");
      await expect.poll(() => article.locator('li.entry[data-kind="tool_call"] .badge.status-in_progress').count()).toBe(1);
      expect(await page.locator("nav#threads .thread-link").textContent()).toBe("Write the quarterly report");
      await screenshot(page, "live-running");
      release();
      await turn;
      await expect.poll(() => article.getAttribute("data-status")).toBe("completed");
      await expect.poll(() => article.locator(".answer").textContent()).toContain("The report is done.");
      expect(await article.locator('li.entry[data-kind="tool_call"] .result').textContent()).toContain("approved by the reviewer");
      expect(await page.locator('#tokens .token-row[data-turn="1"] .seg').count()).toBeGreaterThan(0);
      await screenshot(page, "live-completed");
    } finally {
      release();
      await page.close();
    }
  });

  browserOnly("is stopped by codex.close(): nothing listens and no process is left", async () => {
    h = await harness("app-server");
    const url = await h.codex.view();
    h.model.reply(say("hi"));
    await h.thread().run("hello");
    const page = await openView(browser!, url);
    try {
      await expect.poll(() => page.locator("#live").getAttribute("data-live")).toBe("connected");
      await h.codex.close();
      expect(await refused(url)).toBe(true);
      // The page's stream ended with the server.
      await expect.poll(() => page.locator("#live").getAttribute("data-live")).toBe("reconnecting");
      // The client works again, with a new viewer at a new address.
      const again = await h.codex.view();
      expect(again).not.toBe(url);
    } finally {
      await page.close();
    }
    // h.close() (afterEach) checks that no process of the fixture survived.
  });
});
