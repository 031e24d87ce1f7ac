/**
 * codexkit tools on the exec transport, with the real codex binary: the turn's tools are served by
 * a loopback MCP server that codex calls, the calls show up as `tool_call` items, the model gets
 * the results, and the server is gone when the turn ends.
 *
 * The turns are run through `ExecTransport` directly, with the turn layer's host and item shaping,
 * so the tool set can be a hand-made recorder.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { AbortError, CodexExitError, Redactor } from "../../../src/errors/index.js";
import type { ThreadEvent } from "../../../src/events.js";
import { normalizeInput } from "../../../src/input.js";
import type { ToolCallItem } from "../../../src/items.js";
import type { Logger } from "../../../src/logger.js";
import type { ApprovalMode, CodexOptions, SandboxMode, ThreadOptions } from "../../../src/options/index.js";
import { callTool, functionCallOutput, runCommand, say } from "../../../src/testing/index.js";
import type { ToolCallContext, ToolCallOutcome, ToolSet, ToolSpec } from "../../../src/tools/types.js";
import { ExecTransport } from "../../../src/transport/exec/transport.js";
import { TOOL_SERVER_TOKEN_ENV } from "../../../src/transport/exec/tool-endpoint.js";
import type { TransportEvent, TurnRequest } from "../../../src/transport/index.js";
import { createTurnHost } from "../../../src/turn/host.js";
import { ToolCallItems } from "../../../src/turn/tool-call-item.js";
import { collect, harness, type Harness } from "../../helpers/harness.js";
import { linuxOnly, PROCESS_TABLE_READABLE } from "../../helpers/platform.js";
import { processesWithEnv } from "../../helpers/processes.js";
import { refused } from "../../helpers/network.js";
import { Recorder as DiagnosticsRecorder } from "../../../src/diagnostics/index.js";

const NS = { namespace: "mcp__codexkit" };

let h: Harness;
let transports: ExecTransport[] = [];
afterEach(async () => {
  try {
    await Promise.allSettled(transports.map((t) => t.close()));
  } finally {
    transports = [];
    await h.close();
  }
});

interface Recorder extends ToolSet {
  calls: Array<{ name: string; args: unknown; ctx: ToolCallContext }>;
  /** Checked while a call runs: what the codex process exposes. */
  probes: Array<{ token: string | undefined; argvHasToken: boolean }>;
}

/**
 * `add` sums, `fail` fails, `probe` looks at the running codex process's argv and env, `wait`
 * waits until its signal aborts.
 */
function tools(): Recorder {
  const specs: ToolSpec[] = [
    {
      name: "add",
      description: "Adds two numbers.",
      inputSchema: { type: "object", properties: { a: { type: "number" }, b: { type: "number" } }, required: ["a", "b"] },
    },
    { name: "fail", description: "Always fails.", inputSchema: { type: "object", properties: {} } },
    { name: "probe", description: "Inspects codex.", inputSchema: { type: "object", properties: {} } },
    { name: "wait", description: "Waits until aborted.", inputSchema: { type: "object", properties: {} } },
  ];
  const calls: Recorder["calls"] = [];
  const probes: Recorder["probes"] = [];
  return {
    specs,
    calls,
    probes,
    has: (name) => specs.some((spec) => spec.name === name),
    async call(name, args, ctx): Promise<ToolCallOutcome> {
      calls.push({ name, args, ctx });
      if (name === "add") {
        const { a, b } = args as { a: number; b: number };
        return { success: true, content: [{ type: "text", text: `sum=${a + b}` }], durationMs: 1 };
      }
      if (name === "probe") {
        for (const pid of processesWithEnv(h.marker)) {
          const environ = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
          const token = environ.find((entry) => entry.startsWith(`${TOOL_SERVER_TOKEN_ENV}=`))?.slice(TOOL_SERVER_TOKEN_ENV.length + 1);
          const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8");
          probes.push({ token, argvHasToken: token !== undefined && argv.includes(token) });
        }
        return { success: true, content: [{ type: "text", text: "probed" }], durationMs: 1 };
      }
      if (name === "wait") {
        await new Promise<void>((resolve) => {
          if (ctx.signal.aborted) resolve();
          ctx.signal.addEventListener("abort", () => resolve(), { once: true });
        });
        return { success: false, content: [], error: "aborted", durationMs: 1 };
      }
      return { success: false, content: [{ type: "text", text: "it broke: bad input" }], error: "it broke: bad input", durationMs: 1 };
    },
  };
}

/** A logger that keeps the tool server's URL (it logs it at debug level when it starts). */
function urlLogger(): Logger & { urls: string[] } {
  const urls: string[] = [];
  const keep = (obj: Record<string, unknown>, msg?: string): void => {
    if (msg === "tool server started" && typeof obj.url === "string") urls.push(obj.url);
  };
  return { urls, debug: keep, info: keep, warn: keep, error: keep };
}

async function runTurn(set: ToolSet, thread: ThreadOptions = {}, signal?: AbortSignal): Promise<{ events: ThreadEvent[]; urls: string[] }> {
  const logger = urlLogger();
  const options: CodexOptions = { ...h.model.codexOptions({ codexHome: h.codexHome }), transport: "exec", killGraceMs: 1_000 };
  const transport = new ExecTransport({ options, redactor: new Redactor(), logger, recorder: new DiagnosticsRecorder(logger, (text) => text) });
  transports.push(transport);
  const events = await collect(
    shaped(transport, { threadId: null, input: normalizeInput("go"), thread: { skipGitRepoCheck: true, workingDirectory: h.cwd, ...thread }, tools: set.specs, ...(signal ? { signal } : {}) }, set, logger),
  );
  return { events, urls: logger.urls };
}

/** The transport's events with tool calls answered and shaped by the turn layer's parts. */
async function* shaped(transport: ExecTransport, request: TurnRequest, set: ToolSet, logger: Logger): AsyncGenerator<ThreadEvent> {
  const items = new ToolCallItems();
  for await (const event of transport.runTurn(request, createTurnHost(set, {}, logger)) as AsyncGenerator<TransportEvent>) {
    if (event.type === "codex_retry.report") continue;
    yield event.type === "tool_call.report" ? items.toEvent(event) : event;
  }
}

function toolItems(events: ThreadEvent[]): Array<{ type: string; item: ToolCallItem }> {
  return events.flatMap((event) =>
    (event.type === "item.started" || event.type === "item.updated" || event.type === "item.completed") && event.item.type === "tool_call"
      ? [{ type: event.type, item: event.item }]
      : [],
  );
}

describe("tools on the exec transport", () => {
  it("serves a tool to codex: the model gets the result, the stream shows a tool_call, the server stops", async () => {
    h = await harness("exec");
    const set = tools();
    h.model.reply(callTool("add", { a: 2, b: 3 }, { ...NS, callId: "call_add" })).reply(say("done"));
    const { events, urls } = await runTurn(set);

    const requests = h.model.responseRequests();
    expect(requests).toHaveLength(2);
    // The model is offered the tool in the server's namespace, with its schema.
    const namespace = requests[0]!.body.tools?.find((tool) => tool.type === "namespace" && tool.name === "mcp__codexkit");
    expect(namespace).toMatchObject({ tools: [{ name: "add", parameters: set.specs[0]!.inputSchema }, { name: "fail" }, { name: "probe" }, { name: "wait" }] });
    // codex prefixes MCP output with its own "Wall time: ... Output:" text.
    expect(functionCallOutput(requests[1]!, "call_add")).toMatch(/sum=5$/);

    const threadId = events.find((event) => event.type === "thread.started")?.thread_id;
    expect(set.calls).toHaveLength(1);
    expect(set.calls[0]).toMatchObject({ name: "add", args: { a: 2, b: 3 }, ctx: { callId: "call_add", threadId } });
    expect(set.calls[0]!.ctx.signal.aborted).toBe(false);

    const items = toolItems(events);
    expect(items.map((entry) => entry.type)).toEqual(["item.started", "item.completed"]);
    expect(items[0]!.item).toEqual({ id: items[1]!.item.id, type: "tool_call", tool: "add", arguments: { a: 2, b: 3 }, status: "in_progress" });
    expect(items[1]!.item).toMatchObject({ type: "tool_call", tool: "add", arguments: { a: 2, b: 3 }, result: "sum=5", status: "completed" });
    expect(items[1]!.item.duration_ms).toEqual(expect.any(Number));
    expect(events.some((event) => "item" in event && event.item.type === "mcp_tool_call")).toBe(false);
    expect(events.at(-1)?.type).toBe("turn.completed");

    expect(urls).toHaveLength(1);
    expect(await refused(urls[0]!)).toBe(true);
  }, 60_000);

  it("reports a failing tool as a failed tool_call, and the model sees the error", async () => {
    h = await harness("exec");
    h.model.reply(callTool("fail", {}, { ...NS, callId: "call_fail" })).reply(say("done"));
    const { events, urls } = await runTurn(tools());
    expect(functionCallOutput(h.model.responseRequests()[1]!, "call_fail")).toMatch(/it broke: bad input$/);
    const completed = toolItems(events).find((entry) => entry.type === "item.completed")?.item;
    expect(completed).toMatchObject({ tool: "fail", status: "failed", error: { message: "it broke: bad input" } });
    expect(await refused(urls[0]!)).toBe(true);
  }, 60_000);

  linuxOnly("reads codex's environment and argv through /proc, and runs the POSIX `env` command")("keeps the token out of codex's argv and out of the environment of the agent's commands", async () => {
    h = await harness("exec");
    h.model.reply(callTool("probe", {}, NS), runCommand("env", { callId: "call_env" })).reply(say("done"));
    const set = tools();
    await runTurn(set, { sandboxMode: "danger-full-access", approvalPolicy: "never" });
    const token = set.probes.find((probe) => probe.token)?.token;
    expect(token).toMatch(/^[\w-]{40,}$/);
    expect(set.probes.every((probe) => !probe.argvHasToken)).toBe(true);
    // codex 0.169.0 passes its environment on to commands; the tool server blanks the token there.
    const env = functionCallOutput(h.model.responseRequests()[1]!, "call_env") ?? "";
    expect(env).toContain("PATH=");
    expect(env).not.toContain(token);
    expect(env.split("\n")).toContain(`${TOOL_SERVER_TOKEN_ENV}=`);
  }, 60_000);

  it("aborting the turn aborts a running call and stops the server", async () => {
    h = await harness("exec");
    h.model.reply(callTool("wait", {}, NS)).reply(say("done"));
    const set = tools();
    const logger = urlLogger();
    const options: CodexOptions = { ...h.model.codexOptions({ codexHome: h.codexHome }), transport: "exec", killGraceMs: 1_000 };
    const transport = new ExecTransport({ options, redactor: new Redactor(), logger, recorder: new DiagnosticsRecorder(logger, (text) => text) });
    transports.push(transport);
    const controller = new AbortController();
    const turn = collect(
      shaped(
        transport,
        { threadId: null, input: normalizeInput("go"), thread: { skipGitRepoCheck: true, workingDirectory: h.cwd }, tools: set.specs, signal: controller.signal },
        set,
        logger,
      ),
    );
    const settled = turn.catch((error: unknown) => error);
    await expect.poll(() => set.calls.length, { timeout: 20_000 }).toBe(1);
    controller.abort();
    expect(await settled).toBeInstanceOf(AbortError);
    expect(set.calls[0]!.ctx.signal.aborted).toBe(true);
    expect(await refused(logger.urls[0]!)).toBe(true);
  }, 60_000);

  it("close() frees a suspended turn's tool endpoint and output schema, and stops its codex", async () => {
    h = await harness("exec");
    h.model.reply(say("never read"));
    const set = tools();
    const logger = urlLogger();
    const options: CodexOptions = { ...h.model.codexOptions({ codexHome: h.codexHome }), transport: "exec", killGraceMs: 1_000 };
    const transport = new ExecTransport({ options, redactor: new Redactor(), logger, recorder: new DiagnosticsRecorder(logger, (text) => text) });
    transports.push(transport);
    const schemaDirs = (): string[] => readdirSync(os.tmpdir()).filter((name) => name.startsWith("codexkit-schema-"));
    const before = new Set(schemaDirs());
    const generator = shaped(
      transport,
      { threadId: null, input: normalizeInput("go"), thread: { skipGitRepoCheck: true, workingDirectory: h.cwd }, tools: set.specs, outputSchema: { type: "object" } },
      set,
      logger,
    );
    // Suspended after its first event, as a consumer that stopped pulling leaves it.
    expect((await generator.next()).value).toMatchObject({ type: "thread.started" });
    const ours = schemaDirs().filter((name) => !before.has(name));
    expect(ours).toHaveLength(1);
    expect(logger.urls).toHaveLength(1);
    expect(await refused(logger.urls[0]!)).toBe(false);
    await transport.close();
    expect(await refused(logger.urls[0]!)).toBe(true);
    expect(existsSync(path.join(os.tmpdir(), ours[0]!))).toBe(false);
    // The harness checks this again at close; here it must hold before the generator is let go.
    if (PROCESS_TABLE_READABLE) expect(processesWithEnv(h.marker)).toEqual([]);
    await generator.return(undefined);
  });

  it("runs no server when the turn has no tools", async () => {
    h = await harness("exec");
    h.model.reply(say("done"));
    const empty: ToolSet = { specs: [], has: () => false, call: () => Promise.reject(new Error("unreachable")) };
    const { urls } = await runTurn(empty);
    expect(urls).toEqual([]);
    const namespaces = h.model.responseRequests()[0]!.body.tools?.filter((tool) => tool.name === "mcp__codexkit") ?? [];
    expect(namespaces).toEqual([]);
  }, 60_000);

  // codex exec cannot ask for approval; our server's `default_tools_approval_mode="approve"` lets
  // calls through whatever the approval policy and sandbox.
  const policies: ApprovalMode[] = ["never", "on-request", "on-failure"];
  const sandboxes: SandboxMode[] = ["read-only", "workspace-write", "danger-full-access"];
  it.each(policies.flatMap((policy) => sandboxes.map((sandbox) => [policy, sandbox] as const)))(
    "calls go through with approval policy %s and sandbox %s",
    async (approvalPolicy, sandboxMode) => {
      h = await harness("exec");
      h.model.reply(callTool("add", { a: 20, b: 22 }, { ...NS, callId: "call_p" })).reply(say("done"));
      const { events } = await runTurn(tools(), { approvalPolicy, sandboxMode });
      expect(functionCallOutput(h.model.responseRequests()[1]!, "call_p")).toMatch(/sum=42$/);
      expect(toolItems(events).at(-1)?.item).toMatchObject({ status: "completed", result: "sum=42" });
    },
    60_000,
  );

  it('codex 0.169.0 refuses approval policy "untrusted" altogether', async () => {
    h = await harness("exec");
    const error = await runTurn(tools(), { approvalPolicy: "untrusted" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CodexExitError);
    expect((error as CodexExitError).stderrTail).toMatch(/"untrusted" is no longer supported/);
    expect(h.model.responseRequests()).toHaveLength(0);
  }, 60_000);
});
