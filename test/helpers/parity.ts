/**
 * Drop-in parity: runs the same scripted scenario through @openai/codex-sdk and through each of
 * codexkit's transports (same pinned binary, each with its own mock model and CODEX_HOME) and
 * compares the event streams after normalizing what legitimately differs: thread ids, and usage
 * (codexkit reports per-turn usage on purpose). The app-server stream is also compared after
 * removing what the README lists as its additions (token deltas, turn ids, codex's own item ids).
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Codex as OfficialCodex } from "@openai/codex-sdk";
import { Codex } from "../../src/index.js";
import { MockModelServer, runCommand, say } from "../../src/testing/index.js";
import { resolveCodexBinary } from "../../src/transport/index.js";
import { expectNoProcesses } from "./processes.js";

type Turn = { input: string; outputSchema?: Record<string, unknown> };
/** A scenario: how to script the model, and the turns to run (later turns resume the thread). */
export interface Scenario {
  name: string;
  script(model: MockModelServer): void;
  turns: Turn[];
  /** Resume from a fresh client for every turn after the first. */
  resumeFromNewClient?: boolean;
}

const okSchema = { type: "object", properties: { ok: { type: "boolean" } }, required: ["ok"], additionalProperties: false };

/** The scenarios the parity harness runs. */
export const scenarios: Scenario[] = [
  { name: "a message", script: (m) => m.reply(say("hello")), turns: [{ input: "hi" }] },
  { name: "a command", script: (m) => m.reply(runCommand("echo parity")).reply(say("ran it")), turns: [{ input: "run" }] },
  {
    name: "a failing command",
    script: (m) => m.reply(runCommand("exit 3")).reply(say("it failed")),
    turns: [{ input: "run" }],
  },
  {
    name: "multi-turn",
    script: (m) => m.reply(say("one")).reply(say("two")).reply(say("three")),
    turns: [{ input: "1" }, { input: "2" }, { input: "3" }],
  },
  { name: "structured output", script: (m) => m.reply(say('{"ok":true}')), turns: [{ input: "json", outputSchema: okSchema }] },
  {
    name: "resume",
    script: (m) => m.reply(say("first")).reply(say("resumed")),
    turns: [{ input: "a" }, { input: "b" }],
    resumeFromNewClient: true,
  },
];

type AnyEvent = Record<string, unknown> & { type: string };

/** Who runs a scenario. */
export type Runner = "official" | "codexkit" | "codexkit-app-server";

async function runWith(kind: Runner, scenario: Scenario): Promise<AnyEvent[]> {
  const model = await MockModelServer.start();
  const cwd = mkdtempSync(path.join(os.tmpdir(), "codexkit-parity-"));
  const options = { ...model.codexOptions(), codexPathOverride: resolveCodexBinary().executable };
  const clients: Array<{ close?: () => Promise<void> }> = [];
  const events: AnyEvent[] = [];
  try {
    scenario.script(model);
    const make = (): { startThread: (o: object) => unknown; resumeThread: (id: string, o: object) => unknown } => {
      if (kind === "official") {
        const { codexHome, ...rest } = options;
        const c = new OfficialCodex({ ...rest, env: { ...rest.env, CODEX_HOME: codexHome } });
        clients.push({});
        return c;
      }
      const c = new Codex({ ...options, transport: kind === "codexkit-app-server" ? "app-server" : "exec" });
      clients.push(c);
      return c;
    };
    const threadOptions = { skipGitRepoCheck: true, workingDirectory: cwd };
    let client = make();
    type T = { id: string | null; runStreamed: (i: string, o: object) => Promise<{ events: AsyncIterable<AnyEvent> }> };
    let thread = client.startThread(threadOptions) as T;
    for (const [index, turn] of scenario.turns.entries()) {
      if (index > 0 && scenario.resumeFromNewClient) {
        // As a new process would: the old client is gone (app-server allows one writer per thread).
        await clients.at(-1)?.close?.();
        client = make();
        thread = client.resumeThread(thread.id!, threadOptions) as T;
      }
      const { events: stream } = await thread.runStreamed(turn.input, turn.outputSchema ? { outputSchema: turn.outputSchema } : {});
      try {
        for await (const event of stream) events.push(event);
      } catch (error) {
        // The official SDK throws after turn.failed; the events are what we compare. codexkit must not throw.
        if (kind !== "official") throw error;
      }
    }
    return events;
  } finally {
    try {
      await Promise.allSettled(clients.map((c) => Promise.resolve(c.close?.())));
      // Both SDKs' codex processes must be gone before the mock removes their CODEX_HOME.
      await expectNoProcesses(`CODEX_HOME=${path.resolve(options.codexHome)}`);
    } finally {
      await model.close();
      rmSync(cwd, { recursive: true, force: true });
    }
  }
}

/** Replaces what may differ between two runs of one scenario. */
export function normalize(events: AnyEvent[]): AnyEvent[] {
  const ids = new Map<string, string>();
  return events.map((event) => {
    const copy = JSON.parse(JSON.stringify(event)) as AnyEvent;
    if (copy.type === "thread.started") {
      const id = copy.thread_id as string;
      if (!ids.has(id)) ids.set(id, `thread-${ids.size + 1}`);
      copy.thread_id = ids.get(id);
    }
    if (copy.type === "turn.completed") copy.usage = "<usage: per-turn in codexkit, cumulative in the official SDK>";
    return copy;
  });
}

/**
 * Also removes what the app-server transport adds by design (README, "deliberate differences"):
 * `item.delta` events, `turnId` on turn events, and codex's own item ids (numbered by first use).
 */
export function transportNeutral(events: AnyEvent[]): AnyEvent[] {
  // exec numbers items per process (per turn); app-server ids are unique in the thread: number per turn.
  let itemIds = new Map<string, string>();
  return normalize(events)
    .filter((event) => event.type !== "item.delta")
    .map((event) => {
      if (event.type === "thread.started") itemIds = new Map();
      const copy = { ...event };
      delete copy.turnId;
      const item = copy.item as { id?: string } | undefined;
      if (item && typeof item.id === "string") {
        if (!itemIds.has(item.id)) itemIds.set(item.id, `item-${itemIds.size + 1}`);
        copy.item = { ...item, id: itemIds.get(item.id) };
      }
      return copy;
    });
}

/** Runs one scenario both ways (the official SDK and codexkit's exec transport). */
export async function compare(scenario: Scenario): Promise<{ official: AnyEvent[]; codexkit: AnyEvent[] }> {
  const official = normalize(await runWith("official", scenario));
  const codexkit = normalize(await runWith("codexkit", scenario));
  return { official, codexkit };
}

/** Runs one scenario on the official SDK and on codexkit's app-server transport, both made transport-neutral. */
export async function compareAppServer(scenario: Scenario): Promise<{ official: AnyEvent[]; appServer: AnyEvent[] }> {
  const official = transportNeutral(await runWith("official", scenario));
  const appServer = transportNeutral(await runWith("codexkit-app-server", scenario));
  return { official, appServer };
}
