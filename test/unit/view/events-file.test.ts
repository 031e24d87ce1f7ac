/** Events files: what `recordEvents` writes (redacted, deltas left out by default) and how the viewer reads it back. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { InvalidOptionsError, recordEvents, type ThreadEvent } from "../../../src/index.js";
import { formatRecordedEvent, parseEventsFile, readEventsFile } from "../../../src/view/index.js";

const dirs: string[] = [];
function temp(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "codexkit-view-events-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const AT = new Date("2025-01-01T00:00:01.500Z");

describe("events files", () => {
  it("writes each event as one line with its time and thread, and the prompt and transport on turn.started", () => {
    expect(JSON.parse(formatRecordedEvent({ type: "turn.started", turnId: "u" }, { threadId: "t", prompt: "hi", transport: "exec" }, AT))).toEqual({
      type: "turn.started",
      turnId: "u",
      at: "2025-01-01T00:00:01.500Z",
      threadId: "t",
      prompt: "hi",
      transport: "exec",
    });
    expect(JSON.parse(formatRecordedEvent({ type: "error", message: "m" }, { threadId: null, prompt: "hi" }, AT))).toEqual({ type: "error", message: "m", at: "2025-01-01T00:00:01.500Z" });
  });

  it("reads lines back as view events, plain events too, and counts the lines that are not events", () => {
    const text = [
      formatRecordedEvent({ type: "turn.started" }, { threadId: "t", prompt: "hi", transport: "app-server" }, AT),
      "",
      JSON.stringify({ type: "item.completed", item: { id: "m", type: "agent_message", text: "plain" } }),
      "not json",
      JSON.stringify({ no: "type" }),
      '{"type":"item.comp', // a line cut short by a crash
    ].join("\n");
    const { events, skipped } = parseEventsFile(text);
    expect(skipped).toBe(3);
    expect(events).toEqual([
      { event: { type: "turn.started" }, at: AT.getTime(), threadId: "t", prompt: "hi", transport: "app-server" },
      { event: { type: "item.completed", item: { id: "m", type: "agent_message", text: "plain" } } },
    ]);
  });

  it("names a file it cannot read", async () => {
    const missing = path.join(temp(), "missing.jsonl");
    await expect(readEventsFile(missing)).rejects.toThrow(InvalidOptionsError);
    await expect(readEventsFile(missing)).rejects.toThrow(`cannot read the events file ${missing} (ENOENT)`);
  });
});

describe("recordEvents", () => {
  const secret = "sk-proj-abcdefghijklmnop1234";
  const events: ThreadEvent[] = [
    { type: "thread.started", thread_id: "t" },
    { type: "turn.started" },
    { type: "item.delta", itemId: "c", kind: "command_output", delta: "streamed" },
    { type: "item.completed", item: { id: "c", type: "command_execution", command: `curl -H 'Authorization: Bearer abcdefghijkl' ${secret}`, aggregated_output: "told: my-own-secret-value", exit_code: 0, status: "completed" } },
  ];

  it("appends every event but deltas, redacted, with the turn's prompt; close() closes the file", async () => {
    const file = path.join(temp(), "run.jsonl");
    writeFileSync(file, `${JSON.stringify({ type: "thread.started", thread_id: "earlier" })}\n`);
    const hook = recordEvents(file, { secrets: ["my-own-secret-value"] });
    expect(hook.path).toBe(path.resolve(file));
    for (const event of events) await hook(event, { threadId: "t", prompt: `use ${secret}`, transport: "app-server" });
    hook.close();
    hook.close();
    const text = readFileSync(file, "utf8");
    expect(text).not.toContain(secret);
    expect(text).not.toContain("abcdefghijkl");
    expect(text).not.toContain("my-own-secret-value");
    const { events: read, skipped } = await readEventsFile(file);
    expect(skipped).toBe(0);
    expect(read.map((e) => e.event.type)).toEqual(["thread.started", "thread.started", "turn.started", "item.completed"]);
    expect(read[2]).toMatchObject({ threadId: "t", prompt: "use [REDACTED]", transport: "app-server" });
    expect(read[3]!.event).toMatchObject({ item: { aggregated_output: "told: [REDACTED]" } });
    expect(read.slice(1).every((e) => typeof e.at === "number")).toBe(true);
  });

  it("records deltas when asked, and starts the file anew with truncate", async () => {
    const file = path.join(temp(), "run.jsonl");
    writeFileSync(file, "old line\n");
    const hook = recordEvents(file, { deltas: true, truncate: true });
    for (const event of events) await hook(event, { threadId: "t" });
    hook.close();
    // Reopened after close(): appends.
    await hook({ type: "error", message: "later" }, { threadId: "t" });
    hook.close();
    const { events: read, skipped } = parseEventsFile(readFileSync(file, "utf8"));
    expect(skipped).toBe(0);
    expect(read.map((e) => e.event.type)).toEqual(["thread.started", "turn.started", "item.delta", "item.completed", "error"]);
  });

  it("needs a path", () => {
    expect(() => recordEvents("")).toThrow(InvalidOptionsError);
  });
});
