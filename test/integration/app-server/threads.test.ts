/** App-server thread management, deltas, steer and interrupt against the real codex binary. */
import { afterEach, describe, expect, it } from "vitest";
import { AbortError, UnsupportedFeatureError, type ThreadEvent } from "../../../src/index.js";
import { inputItems, lastUserText, runCommand, say, stall, think } from "../../../src/testing/index.js";
import { collect, harness, type Harness } from "../../helpers/harness.js";
import { unixOnly } from "../../helpers/platform.js";
import { runningAppServers } from "../../helpers/processes.js";

let h: Harness;
afterEach(async () => {
  await h.close();
});

/** Every user and developer text codex sent in one model request. */
function sentText(index: number): string {
  return JSON.stringify(inputItems(h.model.responseRequests()[index]!));
}

describe("app-server transport", () => {
  it("streams agent text and reasoning as item.delta events, then the full items", async () => {
    h = await harness("app-server");
    h.model.reply(think("pondering deeply", { deltas: 3 }), say("hello there, world", { deltas: 4 }));
    const { events } = await h.thread().runStreamed("hi");
    const seen = await collect(events);
    const deltas = seen.filter((e): e is Extract<ThreadEvent, { type: "item.delta" }> => e.type === "item.delta");
    const text = deltas.filter((d) => d.kind === "agent_message").map((d) => d.delta).join("");
    expect(text).toBe("hello there, world");
    expect(deltas.filter((d) => d.kind === "agent_message").length).toBeGreaterThan(1);
    const message = seen.find((e) => e.type === "item.completed" && e.item.type === "agent_message");
    expect(message?.type === "item.completed" && message.item.id).toBe(deltas.find((d) => d.kind === "agent_message")!.itemId);
    expect(seen.at(-1)?.type).toBe("turn.completed");
  });

  it("serves every thread of a client from one warm process", async () => {
    h = await harness("app-server");
    h.model.reply(say("a")).reply(say("b")).reply(say("c"));
    const [one, two] = [h.thread(), h.thread()];
    const turns = await Promise.all([one.run("first"), two.run("second")]);
    expect(turns.map((t) => t.finalResponse).sort()).toEqual(["a", "b"]);
    expect(one.id).not.toBe(two.id);
    const pids = await runningAppServers(h.codex);
    expect(pids).toHaveLength(1);
    expect((await one.run("third")).finalResponse).toBe("c");
    expect(await runningAppServers(h.codex)).toEqual(pids);
  });

  unixOnly("the scripted command is POSIX shell; codex runs commands through PowerShell on Windows")("steers a running turn: the new input reaches the model within the same turn", async () => {
    h = await harness("app-server");
    h.model.reply(runCommand("sleep 2")).reply(say("steered"));
    const thread = h.thread({ sandboxMode: "danger-full-access" });
    const { events } = await thread.runStreamed("start working");
    let final: string | undefined;
    for await (const event of events) {
      // The command runs for two seconds after it starts: the turn is surely still running.
      if (event.type === "item.started" && event.item.type === "command_execution") await thread.steer("also update the docs");
      if (event.type === "item.completed" && event.item.type === "agent_message") final = event.item.text;
    }
    expect(final).toBe("steered");
    expect(h.model.responseRequests()).toHaveLength(2);
    expect(sentText(1)).toContain("also update the docs");
  });

  it("interrupts a turn and keeps the thread usable", async () => {
    h = await harness("app-server");
    h.model.enqueue(stall());
    h.model.reply(say("after the interrupt"));
    const thread = h.thread();
    const pending = thread.run("hang").catch((e: unknown) => e);
    await h.model.waitForRequests(1);
    const pids = await runningAppServers(h.codex);
    expect(pids).toHaveLength(1);
    await thread.interrupt();
    expect(await pending).toBeInstanceOf(AbortError);
    const next = await thread.run("go on");
    expect(next.finalResponse).toBe("after the interrupt");
    expect(await runningAppServers(h.codex)).toEqual(pids);
  });

  it("turns an AbortSignal into an interrupt: AbortError, process kept, thread usable", async () => {
    h = await harness("app-server");
    h.model.reply(say("warm"));
    h.model.enqueue(stall());
    h.model.reply(say("still here"));
    const thread = h.thread();
    await thread.run("warm up");
    const pids = await runningAppServers(h.codex);
    expect(pids).toHaveLength(1);
    const controller = new AbortController();
    const pending = thread.run("hang", { signal: controller.signal });
    await h.model.waitForRequests(2);
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(AbortError);
    expect((await thread.run("go on")).finalResponse).toBe("still here");
    expect(await runningAppServers(h.codex)).toEqual(pids);
  });

  it("keeps a completed turn completed when an interrupt comes too late", async () => {
    h = await harness("app-server");
    h.model.reply(say("finished"));
    const thread = h.thread();
    const { events } = await thread.runStreamed("go");
    const seen: string[] = [];
    for await (const event of events) {
      seen.push(event.type);
      // The turn is over in codex by now; the interrupt must not turn it into an abort.
      if (event.type === "turn.completed") await thread.interrupt();
    }
    expect(seen.at(-1)).toBe("turn.completed");
  });

  it("honours an abort that comes after thread.started but before codex starts the turn", async () => {
    h = await harness("app-server");
    const controller = new AbortController();
    const { events } = await h.thread().runStreamed("go", { signal: controller.signal });
    const first = await events.next();
    expect(first.value).toMatchObject({ type: "thread.started" });
    controller.abort();
    await expect(events.next()).rejects.toBeInstanceOf(AbortError);
    expect(h.model.requests).toHaveLength(0);
  });

  it("forks a thread: the fork carries the parent's history, the parent goes on alone", async () => {
    h = await harness("app-server");
    h.model.reply(say("parent answer")).reply(say("fork answer"));
    const parent = h.thread();
    await parent.run("remember the word pineapple");
    const child = await parent.fork();
    expect(child.id).toBeTruthy();
    expect(child.id).not.toBe(parent.id);
    const turn = await child.run("what was the word?");
    expect(turn.finalResponse).toBe("fork answer");
    expect(sentText(1)).toContain("remember the word pineapple");
    expect(lastUserText(h.model.responseRequests()[1]!)).toBe("what was the word?");
  });

  it("lists threads page by page and archives one", async () => {
    h = await harness("app-server");
    h.model.reply(say("1")).reply(say("2")).reply(say("3"));
    const ids: string[] = [];
    for (const text of ["alpha thread", "beta thread", "gamma thread"]) {
      const thread = h.thread();
      await thread.run(text);
      ids.push(thread.id!);
    }
    const listed: string[] = [];
    for await (const summary of h.codex.listThreads({ limit: 2 })) listed.push(summary.id);
    expect([...listed].sort()).toEqual([...ids].sort());
    await h.codex.archiveThread(ids[0]!);
    const after: string[] = [];
    for await (const summary of h.codex.listThreads()) after.push(summary.id);
    expect(after).not.toContain(ids[0]);
    const archived: string[] = [];
    for await (const summary of h.codex.listThreads({ archived: true })) archived.push(summary.id);
    expect(archived).toEqual([ids[0]]);
  });

  it("sends base and developer instructions, and keeps ephemeral threads out of the list", async () => {
    h = await harness("app-server");
    h.model.reply(say("ok"));
    const thread = h.thread({ ephemeral: true, baseInstructions: "BASE-MARKER rules", developerInstructions: "DEV-MARKER hint" });
    await thread.run("hello");
    const body = JSON.stringify(h.model.responseRequests()[0]!.body);
    expect(body).toContain("BASE-MARKER rules");
    expect(body).toContain("DEV-MARKER hint");
    const listed: string[] = [];
    for await (const summary of h.codex.listThreads()) listed.push(summary.id);
    expect(listed).not.toContain(thread.id);
  });
});

describe("exec transport", () => {
  it("throws UnsupportedFeatureError for steer and fork", async () => {
    h = await harness("exec");
    h.model.reply(say("ok"));
    const thread = h.thread();
    await thread.run("hi");
    await expect(thread.steer("more")).rejects.toBeInstanceOf(UnsupportedFeatureError);
    await expect(thread.fork()).rejects.toBeInstanceOf(UnsupportedFeatureError);
  });
});
