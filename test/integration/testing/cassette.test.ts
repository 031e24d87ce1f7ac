/**
 * Cassettes with the real codex binary. The "real API" is a MockModelServer playing upstream: a
 * session is recorded through the cassette's proxy, the upstream is stopped, and the session is
 * replayed from the file alone, on the transport it was recorded on and on the other one.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { Codex, InvalidOptionsError, tool, TurnFailedError, type ThreadItem, type Tool, type TransportKind } from "../../../src/index.js";
import { Cassette, CassetteMismatchError, DEFAULT_MOCK_MODEL, MockModelServer, runCommand, say, type MockModelServer as Upstream } from "../../../src/testing/index.js";
import { PROCESS_TABLE_READABLE, unixOnly } from "../../helpers/platform.js";
import { expectNoProcesses } from "../../helpers/processes.js";
import { toolCallFor, TRANSPORTS } from "../../helpers/transports.js";

const withShell = unixOnly("the sessions run POSIX shell commands; codex runs commands through PowerShell and its own sandbox on Windows");

const add = tool({ name: "add", description: "Adds two numbers", parameters: z.object({ a: z.number(), b: z.number() }), execute: ({ a, b }) => String(a + b) });

const dirs: string[] = [];
const upstreams: Upstream[] = [];
const cassettes: Cassette[] = [];

afterEach(async () => {
  await Promise.all(cassettes.splice(0).map((cassette) => cassette.close()));
  await Promise.all(upstreams.splice(0).map((server) => server.close()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

/** A fresh cassette path in a temp dir removed after the test. */
function cassetteFile(name: string): string {
  return path.join(tempDir("codexkit-cassettes-"), `${name}.jsonl`);
}

/** The "real API": a MockModelServer, stopped after the test (or sooner, by the test). */
async function upstream(): Promise<Upstream> {
  const server = await MockModelServer.start();
  upstreams.push(server);
  return server;
}

/** Starts recording into `file` in front of `api`, with the mock model's name and metadata. */
async function record(file: string, api: Upstream, options: Parameters<typeof Cassette.record>[1] = {}): Promise<Cassette> {
  const cassette = await Cassette.record(file, { upstream: api.url, model: DEFAULT_MOCK_MODEL, modelCatalog: true, ...options });
  cassettes.push(cassette);
  return cassette;
}

async function replay(file: string, options: Parameters<typeof Cassette.replay>[1] = {}): Promise<Cassette> {
  const cassette = await Cassette.replay(file, options);
  cassettes.push(cassette);
  return cassette;
}

/** A turn's result as compared between recording and replay: items without their run time (and ids, across transports). */
type Outcome = { finalResponse: string; items: Record<string, unknown>[] } | { error: Error };

interface SessionOptions {
  /** codexkit tools of the client (default: `add`). */
  tools?: Tool[];
  /** app-server: `on-request` approvals, each accepted by the handler (exec cannot ask: `never` there). */
  approve?: boolean;
  /** Extra environment for codex. */
  env?: Record<string, string>;
}

interface Session {
  outcomes: Outcome[];
  /** How many approvals the handler answered. */
  approvals: number;
  /** The thread's working directory. */
  cwd: string;
}

/** Runs `prompts` as the turns of one thread on `transport`, against `cassette`. */
async function session(cassette: Cassette, transport: TransportKind, prompts: string[], options: SessionOptions = {}): Promise<Session> {
  const cwd = tempDir("codexkit-work-");
  const codexOptions = cassette.codexOptions(options.env ? { env: options.env } : {});
  let approvals = 0;
  const approve = options.approve === true && transport === "app-server";
  const codex = new Codex({
    ...codexOptions,
    transport,
    killGraceMs: 1_000,
    tools: options.tools ?? [add],
    ...(approve
      ? {
          onApproval: () => {
            approvals++;
            return "accept" as const;
          },
        }
      : {}),
  });
  const outcomes: Outcome[] = [];
  try {
    const thread = codex.startThread({ workingDirectory: cwd, skipGitRepoCheck: true, sandboxMode: "read-only", approvalPolicy: approve ? "on-request" : "never" });
    for (const prompt of prompts) {
      try {
        const turn = await thread.run(prompt);
        outcomes.push({ finalResponse: turn.finalResponse, items: comparable(turn.items) });
      } catch (error) {
        outcomes.push({ error: error as Error });
      }
    }
  } finally {
    await codex.close();
    if (PROCESS_TABLE_READABLE) await expectNoProcesses(`CODEX_HOME=${path.resolve(codexOptions.codexHome)}`);
  }
  return { outcomes, approvals, cwd };
}

/** Items without what differs from run to run: a tool call's duration. */
function comparable(items: ThreadItem[]): Record<string, unknown>[] {
  return items.map((item) => {
    const copy = { ...item } as Record<string, unknown>;
    delete copy.duration_ms;
    return copy;
  });
}

/** Item ids numbered in order: exec numbers items per process, app-server uses the model's call and message ids. */
function withoutIds(outcomes: Outcome[]): Outcome[] {
  return outcomes.map((outcome) => ("items" in outcome ? { ...outcome, items: outcome.items.map((item, i) => ({ ...item, id: `item-${i}` })) } : outcome));
}

function finalResponses(outcomes: Outcome[]): (string | Error)[] {
  return outcomes.map((outcome) => ("error" in outcome ? outcome.error : outcome.finalResponse));
}

const THREE_TURNS = ["Say hello from the shell.", "Add 2 and 3 with the tool.", "Create approved.txt."];

/** The model's side of THREE_TURNS: a command, a codexkit tool call, an escalated command (an approval). */
function scriptThreeTurns(api: Upstream, transport: TransportKind): void {
  api.reply(runCommand("echo hello")).reply(say("It printed hello."));
  api.reply(toolCallFor(transport, "add", { a: 2, b: 3 })).reply(say("2 + 3 = 5."));
  api.reply(runCommand("touch approved.txt", { escalate: "May I create approved.txt?" })).reply(say("Done."));
}

describe.each(TRANSPORTS)("%s transport: a recorded session", (transport) => {
  withShell(
    "records 3 turns (a command, a codexkit tool call, an approval), then replays them with the upstream stopped: same answers, same items",
    async () => {
      const api = await upstream();
      scriptThreeTurns(api, transport);
      const file = cassetteFile("three-turns");
      const recorder = await record(file, api);
      expect(recorder.mode).toBe("record");
      const recorded = await session(recorder, transport, THREE_TURNS, { approve: true });
      await recorder.save();
      await recorder.close();
      await api.close();
      expect(api.responseRequests()).toHaveLength(6);
      expect(api.unexpectedRequests).toEqual([]);
      expect(finalResponses(recorded.outcomes)).toEqual(["It printed hello.", "2 + 3 = 5.", "Done."]);
      const [hello, sum, touch] = recorded.outcomes as Array<{ items: Record<string, unknown>[] }>;
      expect(hello!.items).toContainEqual(expect.objectContaining({ type: "command_execution", aggregated_output: "hello\n", exit_code: 0 }));
      expect(sum!.items).toContainEqual(expect.objectContaining({ type: "tool_call", tool: "add", result: "5", status: "completed" }));
      if (transport === "app-server") {
        // The handler accepted, and the command ran outside the sandbox.
        expect(recorded.approvals).toBe(1);
        expect(touch!.items).toContainEqual(expect.objectContaining({ type: "command_execution", exit_code: 0 }));
        expect(existsSync(path.join(recorded.cwd, "approved.txt"))).toBe(true);
      } else {
        // exec cannot ask: codex refuses the escalation itself, and that refusal is what the model got.
        expect(touch!.items.map((item) => item.type)).toEqual(["agent_message"]);
        expect(readFileSync(file, "utf8")).toContain("approval policy is Never; reject command");
      }

      const player = await replay(file);
      expect(player.mode).toBe("replay");
      const replayed = await session(player, transport, THREE_TURNS, { approve: true });
      expect(replayed.outcomes).toEqual(recorded.outcomes);
      expect(replayed.approvals).toBe(recorded.approvals);
      expect(existsSync(path.join(replayed.cwd, "approved.txt"))).toBe(transport === "app-server");
      expect(player.requests).toBe(6);
      expect(player.mismatches).toEqual([]);
      expect(() => player.assertDone()).not.toThrow();
    },
    120_000,
  );
});

describe("a recording replays on the other transport", () => {
  const prompts = ["Say hello from the shell.", "Add 2 and 3 with the tool.", "Create refused.txt."];
  const script = (api: Upstream, transport: TransportKind): void => {
    api.reply(runCommand("echo hello")).reply(say("It printed hello."));
    api.reply(toolCallFor(transport, "add", { a: 2, b: 3 })).reply(say("2 + 3 = 5."));
    // With `never` on both transports, codex refuses an escalation the same way on each.
    api.reply(runCommand("touch refused.txt", { escalate: true })).reply(say("Not allowed."));
  };

  for (const [from, to] of [
    ["exec", "app-server"],
    ["app-server", "exec"],
  ] as const) {
    withShell(
      `recorded on ${from}, replayed on ${to}`,
      async () => {
        const api = await upstream();
        script(api, from);
        const file = cassetteFile(`${from}-to-${to}`);
        const recorder = await record(file, api);
        const recorded = await session(recorder, from, prompts);
        await recorder.save();
        await recorder.close();
        await api.close();
        expect(finalResponses(recorded.outcomes)).toEqual(["It printed hello.", "2 + 3 = 5.", "Not allowed."]);

        const player = await replay(file);
        const replayed = await session(player, to, prompts);
        expect(player.mismatches).toEqual([]);
        expect(withoutIds(replayed.outcomes)).toEqual(withoutIds(recorded.outcomes));
        // The tool call the model made on one transport reached the tool on the other.
        expect((replayed.outcomes[1] as { items: unknown[] }).items).toContainEqual(expect.objectContaining({ type: "tool_call", tool: "add", result: "5" }));
        player.assertDone();
      },
      120_000,
    );
  }

  withShell(
    "an approval accepted on app-server fails on exec at the next request, which carries exec's refusal",
    async () => {
      const api = await upstream();
      scriptThreeTurns(api, "app-server");
      const file = cassetteFile("approval");
      const recorder = await record(file, api);
      await session(recorder, "app-server", THREE_TURNS, { approve: true });
      await recorder.save();
      await recorder.close();
      await api.close();

      const player = await replay(file);
      const replayed = await session(player, "exec", THREE_TURNS);
      expect(finalResponses(replayed.outcomes).slice(0, 2)).toEqual(["It printed hello.", "2 + 3 = 5."]);
      const failure = (replayed.outcomes[2] as { error: Error }).error;
      expect(failure).toBeInstanceOf(TurnFailedError);
      const [mismatch] = player.mismatches;
      expect(mismatch).toMatchObject({ kind: "unmatched", index: 5, recordedIndex: 5 });
      expect(mismatch!.diff).toMatch(/^- input\[10\] function_call_output #3: "Chunk ID: <id>\\nWall time: <t> seconds\\nProcess exited with code 0/m);
      expect(mismatch!.diff).toMatch(/^\+ input\[10\] function_call_output #3: "approval policy is Never; reject command/m);
    },
    120_000,
  );
});

describe("a replay that differs from its recording", () => {
  const prompts = ["Add 2 and 3 with the tool.", "Say bye."];
  let file: string;
  let recordingDir: string;

  beforeAll(async () => {
    // Recorded once on app-server; the tests replay it on both transports.
    recordingDir = mkdtempSync(path.join(os.tmpdir(), "codexkit-cassettes-"));
    file = path.join(recordingDir, "two-turns.jsonl");
    const api = await MockModelServer.start();
    try {
      api.reply(toolCallFor("app-server", "add", { a: 2, b: 3 })).reply(say("5")).reply(say("bye"));
      const recorder = await Cassette.record(file, { upstream: api.url, model: DEFAULT_MOCK_MODEL, modelCatalog: true });
      try {
        const recorded = await session(recorder, "app-server", prompts);
        expect(finalResponses(recorded.outcomes)).toEqual(["5", "bye"]);
        await recorder.save();
      } finally {
        await recorder.close();
      }
    } finally {
      await api.close();
    }
  }, 60_000);

  afterAll(() => {
    rmSync(recordingDir, { recursive: true, force: true });
  });

  describe.each(TRANSPORTS)("%s transport", (transport) => {
    it("a changed prompt fails the turn at once, naming the request and showing the diff; assertDone throws it", async () => {
      const player = await replay(file);
      const replayed = await session(player, transport, ["Add 2 and 4 with the tool."]);
      const failure = (replayed.outcomes[0] as { error: TurnFailedError }).error;
      // The turn fails with the cassette's own error: typed, and still a failed turn.
      expect(failure).toBeInstanceOf(CassetteMismatchError);
      expect(failure).toBeInstanceOf(TurnFailedError);
      expect(failure.httpStatusCode).toBe(409);
      expect(failure.message).toContain("request 0 matches no recording");
      expect(failure.message).toContain('- input[0] user: "Add 2 and 3 with the tool."\n+ input[0] user: "Add 2 and 4 with the tool."');
      // codex asked once: no retry hid the mismatch.
      expect(player.requests).toBe(1);
      const [mismatch] = player.mismatches;
      expect(failure).toBe(mismatch);
      expect(mismatch).toBeInstanceOf(CassetteMismatchError);
      expect(mismatch).toMatchObject({ code: "cassette_mismatch", kind: "unmatched", index: 0, recordedIndex: 0, file: path.resolve(file) });
      expect(() => player.assertDone()).toThrow(mismatch);
    });

    it("a tool that now returns something else shows at the next request", async () => {
      const offByOne = tool({ name: "add", description: "Adds two numbers", parameters: z.object({ a: z.number(), b: z.number() }), execute: ({ a, b }) => String(a + b + 1) });
      const player = await replay(file);
      const replayed = await session(player, transport, prompts.slice(0, 1), { tools: [offByOne] });
      const [mismatch] = player.mismatches;
      expect((replayed.outcomes[0] as { error: Error }).error).toBe(mismatch);
      expect(mismatch).toMatchObject({ kind: "unmatched", index: 1, recordedIndex: 1 });
      expect(mismatch!.diff).toBe('- input[2] function_call_output #1: "5"\n+ input[2] function_call_output #1: "6"');
    });

    it("assertDone reports the recorded requests never asked for", async () => {
      const player = await replay(file);
      const replayed = await session(player, transport, prompts.slice(0, 1));
      expect(finalResponses(replayed.outcomes)).toEqual(["5"]);
      expect(player.unused()).toEqual([2]);
      let thrown: unknown;
      try {
        player.assertDone();
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(CassetteMismatchError);
      expect(thrown).toMatchObject({ kind: "unused", unused: [2], index: null });
      expect((thrown as Error).message).toContain(`1 recorded request of ${path.resolve(file)} never asked for: request 2 was recorded`);
    });
  });
});

describe("threads side by side", () => {
  it("match: content replays two threads that ran at the same time, each with its own answers, whatever the order of their requests", async () => {
    const api = await upstream();
    // Which thread gets which scripted answer depends on who asks first: the recording says.
    api.reply(say("first answer")).reply(say("second answer"));
    const file = cassetteFile("parallel");
    const recorder = await record(file, api);
    const both = async (cassette: Cassette): Promise<string[]> => {
      const codex = new Codex({ ...cassette.codexOptions(), transport: "app-server", killGraceMs: 1_000 });
      try {
        const thread = () => codex.startThread({ workingDirectory: tempDir("codexkit-work-"), skipGitRepoCheck: true });
        const turns = await Promise.all([thread().run("I am thread A."), thread().run("I am thread B.")]);
        return turns.map((turn) => turn.finalResponse);
      } finally {
        await codex.close();
      }
    };
    const recorded = await both(recorder);
    await recorder.save();
    await recorder.close();
    await api.close();
    expect([...recorded].sort()).toEqual(["first answer", "second answer"]);

    for (let run = 0; run < 2; run++) {
      const player = await replay(file, { match: "content" });
      expect(await both(player)).toEqual(recorded);
      player.assertDone();
    }
  });
});

describe("secrets", () => {
  withShell("a planted API key (in a header and in the environment) and the listed secrets appear nowhere in the file, and codex never sees the real key", async () => {
    const apiKey = "sk-planted-header-key-4f1c9a7e2b";
    const envKey = "sk-planted-env-key-8d2e6b0c4a";
    const deployToken = "planted-deploy-token-77aa19";
    const listed = "listed-secret-phrase-42";
    const saved = process.env.OPENAI_API_KEY;
    process.env.OPENAI_API_KEY = envKey;
    try {
      const api = await upstream();
      // The model repeats the environment's key, and runs a command that prints a secret from codex's environment.
      api.reply(runCommand("printenv DEPLOY_TOKEN")).reply(say(`The key in your environment is ${envKey}; the phrase is ${listed}.`)).reply(say("hi"));
      const file = cassetteFile("secrets");
      const recorder = await record(file, api, { apiKey, secrets: [listed] });
      const options = recorder.codexOptions({ env: { DEPLOY_TOKEN: deployToken } });
      expect(JSON.stringify(options)).not.toContain(apiKey);
      expect(JSON.stringify(options)).not.toContain(envKey);
      const recorded = await session(recorder, "exec", ["What is in DEPLOY_TOKEN?"], { env: { DEPLOY_TOKEN: deployToken } });
      // The command really printed it, and the model's words reached the user unchanged.
      expect((recorded.outcomes[0] as { items: Record<string, unknown>[] }).items[0]).toMatchObject({ aggregated_output: `${deployToken}\n` });
      expect(finalResponses(recorded.outcomes)).toEqual([`The key in your environment is ${envKey}; the phrase is ${listed}.`]);

      // A client that sends its own credentials: they are not passed on, nor kept.
      const planted = await fetch(`${recorder.url}/responses`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: "Bearer sk-planted-client-key-0000", cookie: "session=planted-cookie-1234", "x-api-key": "planted-x-api-key-5678" },
        body: JSON.stringify({ model: DEFAULT_MOCK_MODEL, input: [{ type: "message", role: "user", content: "hi" }], stream: true }),
      });
      await planted.text();
      await recorder.save();

      // Upstream got the key from the proxy, and nothing the client planted.
      for (const request of api.requests) expect(request.headers.authorization).toBe(`Bearer ${apiKey}`);
      const last = api.requests.at(-1)!.headers;
      expect(last.cookie).toBeUndefined();
      expect(last["x-api-key"]).toBeUndefined();

      const text = readFileSync(file, "utf8");
      for (const secret of [apiKey, envKey, deployToken, listed, "sk-planted-client-key-0000", "planted-cookie-1234", "planted-x-api-key-5678"]) expect(text).not.toContain(secret);
      expect(text).toContain("[REDACTED]");
      expect(text).not.toMatch(/authorization|cookie|bearer/i);
    } finally {
      if (saved === undefined) delete process.env.OPENAI_API_KEY;
      else process.env.OPENAI_API_KEY = saved;
    }
  });
});

describe("Cassette.use", () => {
  it("records when the file is missing, replays when it exists, and records again with CODEXKIT_CASSETTE=record", async () => {
    const saved = process.env.CODEXKIT_CASSETTE;
    delete process.env.CODEXKIT_CASSETTE;
    try {
      const file = cassetteFile("auto");
      const first = await upstream();
      first.reply(say("recorded answer"));
      const recording = await Cassette.use(file, { upstream: first.url, model: DEFAULT_MOCK_MODEL, modelCatalog: true });
      cassettes.push(recording);
      expect(recording.mode).toBe("record");
      expect(finalResponses((await session(recording, "app-server", ["hi"])).outcomes)).toEqual(["recorded answer"]);
      await recording.save();
      recording.assertDone();
      await recording.close();
      await first.close();

      const replaying = await Cassette.use(file, { upstream: first.url });
      cassettes.push(replaying);
      expect(replaying.mode).toBe("replay");
      expect(finalResponses((await session(replaying, "app-server", ["hi"])).outcomes)).toEqual(["recorded answer"]);
      replaying.assertDone();
      await replaying.close();

      process.env.CODEXKIT_CASSETTE = "record";
      const second = await upstream();
      second.reply(say("new answer"));
      const updating = await Cassette.use(file, { upstream: second.url, model: DEFAULT_MOCK_MODEL, modelCatalog: true });
      cassettes.push(updating);
      expect(updating.mode).toBe("record");
      expect(finalResponses((await session(updating, "app-server", ["hi"])).outcomes)).toEqual(["new answer"]);
      await updating.save();
      expect(readFileSync(file, "utf8")).toContain("new answer");
      expect(readFileSync(file, "utf8")).not.toContain("recorded answer");

      process.env.CODEXKIT_CASSETTE = "replay";
      await expect(Cassette.use(cassetteFile("missing"))).rejects.toThrow(InvalidOptionsError);
      await expect(Cassette.use(cassetteFile("missing"))).rejects.toThrow(/does not exist: record it first/);
    } finally {
      if (saved === undefined) delete process.env.CODEXKIT_CASSETTE;
      else process.env.CODEXKIT_CASSETTE = saved;
    }
  });
});
