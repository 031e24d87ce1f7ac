/**
 * A recorded session in a real browser: the real binary on app-server runs a scripted session
 * (a command whose output holds markup, a patch that adds a file and one that edits it, a
 * codexkit tool call, an escalated command the handler approves, then a failed turn) with
 * `recordEvents`; the viewer serves the events file and headless Chromium renders it. Also a
 * synthetic thread of 1,000 items, and requests without the token.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect } from "vitest";
import { z } from "zod";
import { recordEvents, tool, type ThreadEvent } from "../../../src/index.js";
import { Redactor } from "../../../src/errors/index.js";
import { applyPatch, callTool, fail, runCommand, say } from "../../../src/testing/index.js";
import { EventsFileSource, formatRecordedEvent, ViewServer } from "../../../src/view/index.js";
import { harness, type Harness } from "../../helpers/harness.js";
import { browserOnly, CHROMIUM, launchBrowser, openView, screenshot } from "./browser.js";

const MARKUP = `<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">`;
const EDIT = ["*** Begin Patch", "*** Update File: notes.txt", "@@", "-first line", "+first line, edited", " second line", "*** End Patch"].join("\n");

let h: Harness | undefined;
let browser: Browser | undefined;
let server: ViewServer | undefined;
let dir: string;

beforeAll(async () => {
  if (CHROMIUM === null) return;
  dir = mkdtempSync(path.join(os.tmpdir(), "codexkit-view-recorded-"));
  const recorder = recordEvents(path.join(dir, "session.jsonl"));
  const lookup = tool({ name: "lookup_order", description: "Finds an order", parameters: z.object({ id: z.string() }), execute: ({ id }) => ({ id, status: "shipped" }) });
  h = await harness("app-server", { onEvent: recorder, onApproval: () => "accept", tools: [lookup] });
  h.model
    .reply(runCommand(`printf '%s\\n' '${MARKUP}'`))
    .reply(applyPatch({ path: "notes.txt", content: "first line\nsecond line\n" }))
    .reply(applyPatch(EDIT))
    .reply(callTool("lookup_order", { id: "A-17" }))
    .reply(runCommand("touch approved.txt", { escalate: true }))
    .reply(say(`All done. ${MARKUP}`));
  const thread = h.thread({ approvalPolicy: "on-request", sandboxMode: "workspace-write" });
  await thread.run("Tidy the notes and check order A-17");
  h.model.enqueue(fail("the model is on fire"));
  await expect(thread.run("Once more")).rejects.toThrow(/the model is on fire/);
  recorder.close();
  server = await ViewServer.start({ source: await EventsFileSource.open(recorder.path), redactor: new Redactor() });
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await h?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("a recorded session in the browser", () => {
  browserOnly("renders every element: turns, prompt and answer, command, file changes, tool call, approval, failed turn, waterfall and tokens", async () => {
    const page = await openView(browser!, server!.url);
    try {
      await expect.poll(() => page.locator("article.turn").count()).toBe(2);
      const first = page.locator('article.turn[data-turn="1"]');
      expect(await first.getAttribute("data-status")).toBe("completed");
      expect(await first.locator(".prompt").textContent()).toContain("Tidy the notes and check order A-17");
      expect(await first.locator(".answer").textContent()).toContain("All done.");
      expect(await first.locator(".turn-head .duration").textContent()).toMatch(/\d+(\.\d+)? (ms|s)/);
      // Commands with their exit code and output.
      const commands = first.locator('li.entry[data-kind="command_execution"]');
      expect(await commands.count()).toBe(2);
      expect(await commands.first().locator(".badge.ok").textContent()).toBe("exit 0");
      expect(await commands.first().locator(".output").textContent()).toContain("window.__pwned");
      // File changes, as diffs.
      expect(await first.locator('li.entry[data-kind="file_change"]').count()).toBe(2);
      // The codexkit tool call with its arguments and result.
      const call = first.locator('li.entry[data-kind="tool_call"]');
      expect(await call.locator(".title").textContent()).toBe("lookup_order");
      expect(await call.locator(".args").textContent()).toContain('"id": "A-17"');
      expect(await call.locator(".result").textContent()).toContain("shipped");
      // The approval, its decision, who decided and the wait.
      const approval = first.locator('li.entry[data-kind="approval"]');
      expect(await approval.locator(".title").textContent()).toContain("touch approved.txt");
      expect(await approval.locator(".badge.decision-accept").textContent()).toBe("accept");
      expect(await approval.locator(".decided-by").textContent()).toBe("decided by handler");
      expect(await approval.locator(".wait").textContent()).toMatch(/^waited \d+ ms$/);
      // The failed turn with its error code.
      const second = page.locator('article.turn[data-turn="2"]');
      expect(await second.getAttribute("data-status")).toBe("failed");
      expect(await second.locator(".turn-error .badge.code").textContent()).toBe("server_error");
      expect(await second.locator(".turn-error .message").textContent()).toContain("the model is on fire");
      // A waterfall row per timed item, and tokens for the turn that completed.
      expect(await page.locator("#waterfall .wf-row").count()).toBe(await page.locator("li.entry").count());
      expect(await page.locator("#waterfall .wf-row:not(.untimed)").count()).toBeGreaterThanOrEqual(6);
      expect(await page.locator('#tokens .token-row[data-turn="1"] .seg').count()).toBeGreaterThan(0);
      expect(await page.locator('#tokens .token-row[data-turn="2"] .numbers').textContent()).toBe("not recorded");
      await screenshot(page, "recorded-session");
    } finally {
      await page.close();
    }
  });

  browserOnly("shows a diff line by line: the added file's lines, and an edit's removed and added lines", async () => {
    const page = await openView(browser!, server!.url);
    try {
      const [added, edited] = [0, 1].map((i) => page.locator('li.entry[data-kind="file_change"]').nth(i));
      expect(await added!.locator(".change-head .badge").textContent()).toBe("add");
      expect(await added!.locator(".diff .line.add").allTextContents()).toEqual(["+first line\n", "+second line\n"]);
      expect(await edited!.locator(".change-head .badge").textContent()).toBe("update");
      expect(await edited!.locator(".diff .line.del").allTextContents()).toEqual(["-first line\n"]);
      expect(await edited!.locator(".diff .line.add").allTextContents()).toEqual(["+first line, edited\n"]);
      expect(await edited!.locator(".diff .line.hunk").count()).toBeGreaterThan(0);
    } finally {
      await page.close();
    }
  });

  browserOnly("shows agent output that contains <script> as text, and runs none of it", async () => {
    const page = await openView(browser!, server!.url);
    try {
      expect(await page.locator('article.turn[data-turn="1"] .answer').textContent()).toContain(MARKUP);
      expect(await page.locator('li.entry[data-kind="command_execution"] .output pre').first().textContent()).toContain(MARKUP);
      // The page's global scope (no DOM types in this project: `globalThis` is the page's window there).
      expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
      // No element the agent wrote made it into the document.
      expect(await page.locator("main img, main script").count()).toBe(0);
    } finally {
      await page.close();
    }
  });

  browserOnly("refuses the page, its data and its live stream without the token", async () => {
    const url = new URL(server!.url);
    const page = await browser!.newPage();
    try {
      for (const target of ["/", "/api/threads", "/api/events"]) {
        const response = await page.goto(`${url.origin}${target}`);
        expect(response?.status(), target).toBe(403);
        expect(await page.textContent("body")).toContain("token is missing or wrong");
      }
      const wrong = await page.goto(`${url.origin}/?token=${"x".repeat(32)}`);
      expect(wrong?.status()).toBe(403);
    } finally {
      await page.close();
    }
  });

  browserOnly("renders a thread of 1,000 items, long outputs folded until opened, and every other kind of entry", async () => {
    const file = path.join(dir, "big.jsonl");
    const at = new Date("2025-01-01T00:00:00Z").getTime();
    const lines: string[] = [];
    const add = (event: ThreadEvent, offset: number, extra: { prompt?: string } = {}): void => {
      lines.push(formatRecordedEvent(event, { threadId: "big", ...extra }, new Date(at + offset)));
    };
    add({ type: "thread.started", thread_id: "big" }, 0);
    add({ type: "turn.started" }, 0, { prompt: "a long run" });
    for (let i = 0; i < 1_000; i++) {
      const output = i % 10 === 0 ? Array.from({ length: 200 }, (_, n) => `line ${n} of item ${i}`).join("\n") : `item ${i}\n`;
      const item = { id: `c${i}`, type: "command_execution" as const, command: `step ${i}`, aggregated_output: "", status: "in_progress" as const };
      add({ type: "item.started", item }, i * 10);
      add({ type: "item.completed", item: { ...item, aggregated_output: output, exit_code: 0, status: "completed" } }, i * 10 + 7);
    }
    // One of each other kind of entry.
    add({ type: "item.completed", item: { id: "mcp", type: "mcp_tool_call", server: "docs", tool: "search", arguments: { q: "<b>x</b>" }, result: { content: [{ type: "text", text: "found <i>it</i>" }], structured_content: null }, status: "completed" } }, 10_001);
    add({ type: "item.completed", item: { id: "todo", type: "todo_list", items: [{ text: "write", completed: true }, { text: "ship", completed: false }] } }, 10_002);
    add({ type: "item.completed", item: { id: "r", type: "reasoning", text: "thinking <u>hard</u>" } }, 10_003);
    add({ type: "item.completed", item: { id: "w", type: "web_search", query: "codex <viewer>" } }, 10_004);
    add({ type: "item.completed", item: { id: "warn", type: "error", message: "model rerouted <x>" } }, 10_005);
    add({ type: "turn.completed", usage: { input_tokens: 1, cached_input_tokens: 0, cache_write_input_tokens: 0, output_tokens: 1, reasoning_output_tokens: 0 } }, 10_010);
    writeFileSync(file, `${lines.join("\n")}\n`);
    const big = await ViewServer.start({ source: await EventsFileSource.open(file), redactor: new Redactor() });
    try {
      const page = await openView(browser!, big.url);
      try {
        expect(await page.locator('li.entry[data-kind="command_execution"]').count()).toBe(1_000);
        expect(await page.locator("#waterfall .wf-row").count()).toBe(1_005);
        expect(await page.locator('li.entry[data-kind="mcp_tool_call"] .title').textContent()).toBe("docs / search");
        expect(await page.locator('li.entry[data-kind="mcp_tool_call"] .result').textContent()).toContain("found <i>it</i>");
        expect(await page.locator('li.entry[data-kind="todo_list"] li').allTextContents()).toEqual(["[x] write", "[ ] ship"]);
        expect(await page.locator('li.entry[data-kind="reasoning"] pre').textContent()).toBe("thinking <u>hard</u>");
        expect(await page.locator('li.entry[data-kind="web_search"] .title').textContent()).toBe("codex <viewer>");
        expect(await page.locator('li.entry[data-kind="error"] .warning-text').textContent()).toBe("model rerouted <x>");
        expect(await page.locator("main b, main i, main u").count()).toBe(0);
        const folded = page.locator("li.entry details.fold.output");
        expect(await folded.count()).toBe(100);
        // A fold holds no text until opened.
        const fold = folded.nth(3);
        expect(await fold.locator("pre").textContent()).toBe("");
        await fold.locator("summary").click();
        await expect.poll(() => fold.locator("pre").textContent()).toContain("line 199 of item 30");
        await screenshot(page, "thousand-items", false);
      } finally {
        await page.close();
      }
    } finally {
      await big.close();
    }
  });
});
