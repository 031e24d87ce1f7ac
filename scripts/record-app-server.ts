/**
 * Records what the pinned codex binary prints for a set of scripted scenarios, once through
 * `codex app-server` (JSON-RPC notifications) and once through `codex exec --json` (JSONL events),
 * against the offline MockModelServer. The traces become the fixtures that
 * `test/unit/transport/app-server/events.test.ts` uses to check that `TurnEventMapper` turns the
 * app-server stream into the same events exec prints.
 *
 * Usage (re-record after bumping `@openai/codex`, then re-run the unit tests and review the diff):
 *
 *   npx tsx scripts/record-app-server.ts                 # every scenario
 *   npx tsx scripts/record-app-server.ts message command # only these scenarios
 *   npx tsx scripts/record-app-server.ts --list          # scenario names
 *
 * Output, per scenario, in `test/fixtures/app-server/`:
 *   <scenario>.jsonl       every server notification of the app-server run, `{method, params}` a line,
 *                          from the `thread/start` response on (`thread/started` races that
 *                          response, so it is there in some traces only); server requests such as
 *                          `item/tool/call` are kept too, with their `id`; responses are not kept
 *   <scenario>.exec.jsonl  every JSONL event `codex exec --json` printed for the same script
 *                          (one `codex exec` per turn; later turns use `exec resume <thread id>`);
 *                          missing for app-server-only scenarios (dynamic tools, interrupt)
 *
 * Each app-server run is: `initialize` (experimentalApi) + `initialized`, `thread/start {model, cwd,
 * approvalPolicy: "never", sandbox}`, then per turn `turn/start` and wait for `turn/completed`.
 * Each run gets a fresh CODEX_HOME, working directory and mock server; every process started is
 * killed (by process group) before the script moves on. The mock has no credentials, so nothing
 * needs redacting; absolute temp paths (cwd, CODEX_HOME) do appear in the traces.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { flattenConfig } from "../src/config/index.js";
import {
  MockModelServer,
  applyPatch,
  callTool,
  fail,
  httpError,
  runCommand,
  say,
  stall,
  stream,
  think,
  type MockResponse,
} from "../src/testing/index.js";
import { resolveCodexBinary } from "../src/transport/binary.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const OUT_DIR = path.join(ROOT, "test", "fixtures", "app-server");
const TURN_TIMEOUT_MS = 30_000;
/** The pinned binary, resolved as codexkit's transports resolve it (helpers dirs go on PATH too). */
const BINARY = resolveCodexBinary();

type Sandbox = "read-only" | "workspace-write" | "danger-full-access";

interface Turn {
  prompt: string;
  /** What the mock model answers, in order, during this turn. */
  responses: MockResponse[];
}

interface Scenario {
  name: string;
  sandbox: Sandbox;
  turns: Turn[];
  /** App-server only (no `.exec.jsonl`): exec has no counterpart (dynamic tools, interrupts). */
  appServerOnly?: boolean;
  /** `dynamicTools` of `thread/start`; every `item/tool/call` is answered with `TOOL_RESULT`. */
  dynamicTools?: unknown[];
  /** Send `turn/interrupt` once the turn has started. */
  interrupt?: boolean;
}

const TOOL_RESULT = { contentItems: [{ type: "inputText", text: "42" }], success: true };

const SCENARIOS: Scenario[] = [
  { name: "message", sandbox: "read-only", turns: [{ prompt: "say hi", responses: [stream([say("hi there, friend", { deltas: 4 })])] }] },
  {
    name: "command",
    sandbox: "workspace-write",
    turns: [{ prompt: "run echo", responses: [stream([runCommand("echo hi")]), stream([say("done")])] }],
  },
  {
    name: "command-failed",
    sandbox: "workspace-write",
    turns: [{ prompt: "run false", responses: [stream([runCommand("echo oops >&2; exit 3")]), stream([say("it failed")])] }],
  },
  {
    name: "file-change",
    sandbox: "workspace-write",
    turns: [{ prompt: "write a.txt", responses: [stream([applyPatch({ path: "a.txt", content: "x\n" })]), stream([say("written")])] }],
  },
  {
    name: "reasoning",
    sandbox: "read-only",
    turns: [{ prompt: "think", responses: [stream([think("**Pondering** the question", { deltas: 3 }), say("42")])] }],
  },
  {
    // codex 0.169.0 does not offer `update_plan` to the mock model (it offers goal tools instead), so
    // this call is rejected as unsupported and neither stream shows a todo_list: kept as the parity
    // check for an unsupported tool call. `turn/plan/updated` is covered by hand-written tests.
    name: "unsupported-tool",
    sandbox: "read-only",
    turns: [
      {
        prompt: "plan",
        responses: [
          stream([callTool("update_plan", { plan: [{ step: "a", status: "in_progress" }, { step: "b", status: "pending" }] })]),
          stream([callTool("update_plan", { plan: [{ step: "a", status: "completed" }, { step: "b", status: "completed" }] })]),
          stream([say("planned")]),
        ],
      },
    ],
  },
  {
    name: "dynamic-tool",
    sandbox: "read-only",
    appServerOnly: true,
    dynamicTools: [
      { type: "function", name: "lookup", description: "Looks a key up.", inputSchema: { type: "object", properties: { key: { type: "string" } } } },
    ],
    turns: [{ prompt: "look up", responses: [stream([callTool("lookup", { key: "answer" })]), stream([say("it is 42")])] }],
  },
  {
    name: "interrupted",
    sandbox: "read-only",
    appServerOnly: true,
    interrupt: true,
    turns: [{ prompt: "wait", responses: [stall()] }],
  },
  { name: "failed-stream", sandbox: "read-only", turns: [{ prompt: "fail", responses: [fail("boom")] }] },
  { name: "failed-http", sandbox: "read-only", turns: [{ prompt: "fail", responses: [httpError(400)] }] },
  {
    name: "two-turns",
    sandbox: "read-only",
    turns: [
      { prompt: "first", responses: [stream([say("one")])] },
      { prompt: "second", responses: [stream([say("two")], { usage: { input_tokens: 20, output_tokens: 7 } })] },
    ],
  },
];

interface Run {
  home: string;
  cwd: string;
  model: MockModelServer;
}

async function prepare(scenario: Scenario): Promise<Run> {
  const model = await MockModelServer.start();
  for (const turn of scenario.turns) model.enqueue(...turn.responses);
  const cwd = mkdtempSync(path.join(os.tmpdir(), "codexkit-rec-work-"));
  const home = mkdtempSync(path.join(os.tmpdir(), "codexkit-rec-home-"));
  return { home, cwd, model };
}

async function cleanup(run: Run): Promise<void> {
  await run.model.close();
  rmSync(run.cwd, { recursive: true, force: true });
  rmSync(run.home, { recursive: true, force: true });
}

function configArgs(run: Run): string[] {
  const co = run.model.codexOptions({ codexHome: run.home });
  return flattenConfig(co.config).flatMap((kv) => ["-c", kv]);
}

function envFor(run: Run): Record<string, string> {
  const co = run.model.codexOptions({ codexHome: run.home });
  const PATH = [...BINARY.pathDirs, co.env.PATH ?? ""].filter((dir) => dir !== "").join(path.delimiter);
  return { ...co.env, PATH, CODEX_HOME: run.home };
}

/** Kills the whole process group of `child` (codex starts helpers in it). */
function killGroup(child: ChildProcessWithoutNullStreams): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}

/** One JSON-RPC peer over the app-server's stdio. */
class AppServer {
  readonly notifications: { id?: unknown; method: string; params: unknown }[] = [];
  recording = false;
  stderr = "";
  private buffer = "";
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  /** Answers server requests by method; unknown ones get a JSON-RPC error. */
  readonly handlers = new Map<string, (params: unknown) => unknown>();
  private readonly waiters: { test: (m: string, p: unknown) => boolean; resolve: () => void }[] = [];

  constructor(readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => this.onData(chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (this.stderr += chunk));
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let nl: number;
    while ((nl = this.buffer.indexOf("\n")) >= 0) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      if (line.trim() === "") continue;
      this.onMessage(JSON.parse(line) as Record<string, unknown>);
    }
  }

  private onMessage(msg: Record<string, unknown>): void {
    if (typeof msg.method === "string" && msg.id !== undefined) {
      // A server request (recorded like a notification, with its id, since it is part of the turn).
      if (this.recording) this.notifications.push({ id: msg.id, method: msg.method, params: msg.params });
      const handler = this.handlers.get(msg.method);
      if (handler) this.send({ id: msg.id, result: handler(msg.params) });
      else this.send({ id: msg.id, error: { code: -32601, message: `recorder does not handle ${msg.method}` } });
      return;
    }
    if (typeof msg.method === "string") {
      if (this.recording) this.notifications.push({ method: msg.method, params: msg.params });
      for (const waiter of [...this.waiters]) {
        if (waiter.test(msg.method, msg.params)) {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          waiter.resolve();
        }
      }
      return;
    }
    const pending = this.pending.get(msg.id as number);
    if (!pending) return;
    this.pending.delete(msg.id as number);
    if (msg.error) pending.reject(new Error(`app-server error: ${JSON.stringify(msg.error)}`));
    else pending.resolve(msg.result);
  }

  send(msg: object): void {
    this.child.stdin.write(`${JSON.stringify(msg)}\n`);
  }

  request<T = unknown>(method: string, params: unknown): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.send({ id, method, params });
    });
  }

  waitFor(test: (method: string, params: unknown) => boolean, timeoutMs: number, what: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; stderr: ${this.stderr.slice(-2000)}`)), timeoutMs);
      this.waiters.push({
        test,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }
}

async function recordAppServer(scenario: Scenario): Promise<{ id?: unknown; method: string; params: unknown }[]> {
  const run = await prepare(scenario);
  const child = spawn(BINARY.executable, ["app-server", ...configArgs(run)], {
    cwd: run.cwd,
    env: envFor(run),
    stdio: ["pipe", "pipe", "pipe"],
    detached: true,
  });
  const server = new AppServer(child);
  server.handlers.set("item/tool/call", () => TOOL_RESULT);
  try {
    await server.request("initialize", {
      clientInfo: { name: "codexkit", title: "codexkit", version: "0" },
      capabilities: { experimentalApi: true },
    });
    server.send({ method: "initialized" });
    const started = await server.request<{ thread: { id: string } }>("thread/start", {
      model: run.model.modelName,
      cwd: run.cwd,
      approvalPolicy: "never",
      sandbox: scenario.sandbox,
      ...(scenario.dynamicTools ? { dynamicTools: scenario.dynamicTools } : {}),
    });
    const threadId = started.thread.id;
    server.recording = true;
    for (const turn of scenario.turns) {
      const done = server.waitFor(
        (method, params) => method === "turn/completed" && (params as { threadId?: string }).threadId === threadId,
        TURN_TIMEOUT_MS,
        `turn/completed of "${turn.prompt}"`,
      );
      const turnStarted = server.waitFor((method) => method === "turn/started", TURN_TIMEOUT_MS, "turn/started");
      const { turn: started } = await server.request<{ turn: { id: string } }>("turn/start", {
        threadId,
        input: [{ type: "text", text: turn.prompt, text_elements: [] }],
      });
      if (scenario.interrupt) {
        await turnStarted;
        await run.model.waitForRequests(1);
        await server.request("turn/interrupt", { threadId, turnId: started.id });
      }
      await done;
    }
    // Late notifications of the last turn (there should be none) still get recorded.
    await new Promise((resolve) => setTimeout(resolve, 300));
    server.recording = false;
    return server.notifications;
  } finally {
    child.stdin.end();
    killGroup(child);
    await cleanup(run);
  }
}

async function runExecOnce(run: Run, scenario: Scenario, prompt: string, resumeId: string | undefined): Promise<Record<string, unknown>[]> {
  const args = [
    "exec",
    "--json",
    "--skip-git-repo-check",
    "-m",
    run.model.modelName,
    "--sandbox",
    scenario.sandbox,
    ...configArgs(run),
    ...(resumeId ? ["resume", resumeId] : []),
    prompt,
  ];
  const child = spawn(BINARY.executable, args, { cwd: run.cwd, env: envFor(run), stdio: ["pipe", "pipe", "pipe"], detached: true });
  child.stdin.end();
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
  child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
  const timer = setTimeout(() => killGroup(child), TURN_TIMEOUT_MS);
  await new Promise<void>((resolve) => child.once("close", () => resolve()));
  clearTimeout(timer);
  killGroup(child);
  const events = stdout
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  if (events.length === 0) throw new Error(`codex exec printed nothing; stderr: ${stderr.slice(-2000)}`);
  return events;
}

async function recordExec(scenario: Scenario): Promise<Record<string, unknown>[]> {
  const run = await prepare(scenario);
  try {
    const all: Record<string, unknown>[] = [];
    let threadId: string | undefined;
    for (const turn of scenario.turns) {
      const events = await runExecOnce(run, scenario, turn.prompt, threadId);
      const started = events.find((e) => e.type === "thread.started");
      threadId ??= started?.thread_id as string | undefined;
      all.push(...events);
    }
    return all;
  } finally {
    await cleanup(run);
  }
}

function toJsonl(values: unknown[]): string {
  return values.map((v) => JSON.stringify(v)).join("\n") + "\n";
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes("--list")) {
    for (const s of SCENARIOS) console.log(s.name);
    return;
  }
  const selected = argv.length === 0 ? SCENARIOS : SCENARIOS.filter((s) => argv.includes(s.name));
  const unknown = argv.filter((a) => !SCENARIOS.some((s) => s.name === a));
  if (unknown.length > 0) throw new Error(`unknown scenario(s): ${unknown.join(", ")}`);
  mkdirSync(OUT_DIR, { recursive: true });
  for (const scenario of selected) {
    const notifications = await recordAppServer(scenario);
    writeFileSync(path.join(OUT_DIR, `${scenario.name}.jsonl`), toJsonl(notifications));
    if (scenario.appServerOnly) {
      console.log(`${scenario.name}: ${notifications.length} notifications (app-server only)`);
      continue;
    }
    const events = await recordExec(scenario);
    writeFileSync(path.join(OUT_DIR, `${scenario.name}.exec.jsonl`), toJsonl(events));
    console.log(`${scenario.name}: ${notifications.length} notifications, ${events.length} exec events`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
