/**
 * Checks every MockModelServer helper against the real pinned codex binary (`codex exec --json`).
 * What codex 0.169.0 does with each scripted response is written down here, next to its check.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  applyPatch,
  callTool,
  disconnect,
  fail,
  functionCallOutput,
  httpError,
  lastUserText,
  MockModelServer,
  runCommand,
  say,
  stall,
  stream,
  think,
} from "../../../src/testing/index.js";
import { cleanupRuns, configFlags, runExec } from "./exec-runner.js";
import { unixOnly } from "../../helpers/platform.js";

const withShell = unixOnly("the mock model scripts POSIX shell commands; codex runs commands through PowerShell and its own sandbox on Windows");

const servers: MockModelServer[] = [];

async function mock(): Promise<MockModelServer> {
  const model = await MockModelServer.start();
  servers.push(model);
  return model;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  cleanupRuns();
});

describe("MockModelServer with the real codex binary", () => {
  it("uses only provider keys codex knows: --strict-config accepts them all and rejects a made-up one", async () => {
    const model = await mock();
    model.reply(say("configured"));
    // Every key, stream_idle_timeout_ms included, under --strict-config (runExec always passes it).
    const run = await runExec(model, { codexOptions: { streamIdleTimeoutMs: 5_000, requestMaxRetries: 0, streamMaxRetries: 0 } });
    expect(run.exitCode).toBe(0);
    expect(run.items("agent_message").map((i) => i.text)).toEqual(["configured"]);

    // The control: strict config does check provider keys given with -c.
    const bad = await runExec(model, { args: ["-c", "model_providers.mock.no_such_key=1"] });
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain("unknown configuration field `model_providers.mock.no_such_key`");
    expect(model.unexpectedRequests).toEqual([]);
  });

  it("say and think become agent_message and reasoning items with the exact text, deltas and all", async () => {
    const model = await mock();
    const text = "Grüße 🌍 — 日本語\u2028line\u2029para\nend";
    model.enqueue(stream([think("Weighing options", { deltas: 3 }), say(text, { deltas: true })], { usage: { input_tokens: 40 } }));
    const run = await runExec(model, { prompt: "greet me" });
    expect(run.exitCode).toBe(0);
    expect(run.items("reasoning").map((i) => i.text)).toEqual(["Weighing options"]);
    expect(run.items("agent_message").map((i) => i.text)).toEqual([text]);
    // exec maps the Responses usage to its own names; total_tokens follows the override.
    expect(run.events.at(-1)).toEqual({
      type: "turn.completed",
      usage: { input_tokens: 40, cached_input_tokens: 2, cache_write_input_tokens: 0, output_tokens: 5, reasoning_output_tokens: 1 },
    });
    const [request] = model.responseRequests();
    expect(request?.body).toMatchObject({ model: "mock-model", stream: true });
    expect(lastUserText(request!)).toBe("greet me");
  });

  withShell("runCommand runs the command, and the tool output reaches the next request under the same call id", async () => {
    const model = await mock();
    model.reply(runCommand("echo hi")).reply(say("ran it"));
    const run = await runExec(model);
    expect(run.exitCode).toBe(0);
    const [command] = run.items("command_execution");
    expect(command).toMatchObject({ status: "completed", exit_code: 0 });
    expect(command?.command).toContain("echo hi");
    // A login shell runs the command, so profile noise may precede the output.
    expect(command?.aggregated_output).toMatch(/(^|\n)hi\n$/);
    const requests = model.responseRequests();
    expect(requests).toHaveLength(2);
    const output = functionCallOutput(requests[1]!, "call_1");
    expect(output).toContain("Process exited with code 0");
    expect(output).toMatch(/\nhi\n$/);
  });

  withShell("applyPatch adds files under workspace-write and is reported as a file_change", async () => {
    const model = await mock();
    model.reply(applyPatch([{ path: "hello.txt", content: "hi\n" }, { path: "sub/empty.txt", content: "" }])).reply(say("patched"));
    const run = await runExec(model, { args: ["--sandbox", "workspace-write"] });
    expect(run.exitCode).toBe(0);
    const [change] = run.items("file_change");
    expect(change).toMatchObject({ status: "completed" });
    expect(change?.changes).toEqual([
      { path: path.join(run.cwd, "hello.txt"), kind: "add" },
      { path: path.join(run.cwd, "sub/empty.txt"), kind: "add" },
    ]);
    expect(readFileSync(path.join(run.cwd, "hello.txt"), "utf8")).toBe("hi\n");
    expect(readFileSync(path.join(run.cwd, "sub/empty.txt"), "utf8")).toBe("");
    expect(functionCallOutput(model.responseRequests()[1]!, "call_1")).toContain("Success. Updated the following files:\nA hello.txt");
  });

  withShell("applyPatch under the default read-only sandbox is rejected silently: no item, no file, a refusal for the model", async () => {
    const model = await mock();
    model.reply(applyPatch({ path: "hello.txt", content: "hi\n" })).reply(say("could not"));
    const run = await runExec(model);
    expect(run.exitCode).toBe(0);
    expect(run.items("file_change")).toEqual([]);
    expect(existsSync(path.join(run.cwd, "hello.txt"))).toBe(false);
    expect(functionCallOutput(model.responseRequests()[1]!, "call_1")).toBe(
      "patch rejected: writing is blocked by read-only sandbox; rejected by user approval settings",
    );
  });

  it("callTool sends any function call: codex answers an unknown tool with `unsupported call`", async () => {
    const model = await mock();
    model.reply(callTool("no_such_tool", { a: 1 }, { callId: "t1" })).reply(say("ok"));
    const run = await runExec(model);
    expect(run.exitCode).toBe(0);
    expect(functionCallOutput(model.responseRequests()[1]!, "t1")).toBe("unsupported call: no_such_tool");
  });

  withShell("runCommand with escalate is read as an escalation request (refused under exec's `never` approvals)", async () => {
    const model = await mock();
    model.reply(runCommand("echo esc", { escalate: true })).reply(say("ok"));
    const run = await runExec(model);
    expect(run.exitCode).toBe(0);
    expect(run.items("command_execution")).toEqual([]);
    expect(functionCallOutput(model.responseRequests()[1]!, "call_1")).toContain("you cannot ask for escalated permissions if the approval policy is Never");
  });

  it("fail fails the turn as a broken stream", async () => {
    const model = await mock();
    model.enqueue(fail("the model broke"));
    const run = await runExec(model);
    expect(run.exitCode).toBe(1);
    expect(run.events.at(-1)).toEqual({ type: "turn.failed", error: { message: "stream disconnected before completion: the model broke" } });
    expect(model.responseRequests()).toHaveLength(1);
  });

  it("streamMaxRetries takes effect: codex reconnects once after a failure and the turn recovers", async () => {
    const model = await mock();
    model.enqueue(fail("flaky")).reply(say("recovered"));
    const run = await runExec(model, { codexOptions: { streamMaxRetries: 1 } });
    expect(run.exitCode).toBe(0);
    expect(run.errors()).toEqual(["Reconnecting... 1/1 (stream disconnected before completion: flaky)"]);
    expect(run.items("agent_message").map((i) => i.text)).toEqual(["recovered"]);
  });

  it("requestMaxRetries takes effect for 5xx: one retry after a 502, then success", async () => {
    const model = await mock();
    model.enqueue(httpError(502)).reply(say("second try"));
    const run = await runExec(model, { codexOptions: { requestMaxRetries: 1 } });
    expect(run.exitCode).toBe(0);
    expect(model.responseRequests()).toHaveLength(2);
    expect(run.items("agent_message").map((i) => i.text)).toEqual(["second try"]);
  });

  it("an exhausted script answers 500, which codex reports only as `high demand`; unexpectedRequests tells the truth", async () => {
    const model = await mock();
    const run = await runExec(model);
    expect(run.exitCode).toBe(1);
    expect(run.events.at(-1)?.error?.message).toMatch(/currently experiencing high demand/);
    expect(model.unexpectedRequests.map((r) => r.outcome)).toEqual(["exhausted"]);
  });

  it("httpError(429) with retry-after fails the turn at once when stream retries are off", async () => {
    const model = await mock();
    model.enqueue(httpError(429, { retryAfter: 1 })).reply(say("never reached"));
    const run = await runExec(model);
    expect(run.exitCode).toBe(1);
    expect(run.events.at(-1)).toEqual({ type: "turn.failed", error: { message: "exceeded retry limit, last status: 429 Too Many Requests" } });
    expect(model.pending).toBe(1);
  });

  it("httpError(429) with retry-after is retried as a reconnect after the given seconds when stream retries are on", async () => {
    const model = await mock();
    model.enqueue(httpError(429, { retryAfter: 1 })).reply(say("after the wait"));
    const run = await runExec(model, { codexOptions: { streamMaxRetries: 1 } });
    expect(run.exitCode).toBe(0);
    expect(run.errors()).toEqual(["Reconnecting... 1/1 (exceeded retry limit, last status: 429 Too Many Requests)"]);
    const [first, second] = model.responseRequests();
    // The retry waits for the scripted retry-after: a lower bound only.
    expect(second!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual(950);
    expect(run.items("agent_message").map((i) => i.text)).toEqual(["after the wait"]);
  });

  it("stall with a short streamIdleTimeoutMs fails the turn with an idle timeout", async () => {
    const model = await mock();
    model.enqueue(stall({ outputs: [say("partial")] }));
    const run = await runExec(model, { codexOptions: { streamIdleTimeoutMs: 1_000 } });
    expect(run.exitCode).toBe(1);
    expect(run.items("agent_message").map((i) => i.text)).toEqual(["partial"]);
    expect(run.events.at(-1)).toEqual({
      type: "turn.failed",
      error: { message: "stream disconnected before completion: idle timeout waiting for SSE" },
    });
    // The idle timeout is a scripted delay: a lower bound only. The short one, not codex's
    // default of minutes, is what ended the turn: runExec gives up on a run after 20 s.
    expect(run.ms).toBeGreaterThanOrEqual(1_000);
  });

  it("close() during a stall breaks codex's stream, so the turn ends instead of hanging", async () => {
    const model = await mock();
    model.enqueue(stall());
    // Our own CODEX_HOME: close() runs while codex is alive, and codex writes into its home until
    // it exits, so a home removed by close() would be recreated behind our back.
    const codexHome = mkdtempSync(path.join(os.tmpdir(), "codexkit-home-"));
    const running = runExec(model, { codexOptions: { codexHome } });
    await model.waitForRequests(1);
    await model.close();
    const run = await running.finally(() => rmSync(codexHome, { recursive: true, force: true }));
    expect(run.exitCode).toBe(1);
    expect(run.events.at(-1)).toEqual({
      type: "turn.failed",
      error: { message: "stream disconnected before completion: Transport error: network error: error decoding response body" },
    });
  });

  it("disconnect fails the turn with `stream disconnected` after the outputs sent before it", async () => {
    const model = await mock();
    model.enqueue(disconnect({ outputs: [say("half a thought")] }));
    const run = await runExec(model);
    expect(run.exitCode).toBe(1);
    expect(run.items("agent_message").map((i) => i.text)).toEqual(["half a thought"]);
    expect(run.events.at(-1)).toEqual({
      type: "turn.failed",
      error: { message: "stream disconnected before completion: Transport error: network error: error decoding response body" },
    });
  });

  it("a graceful disconnect fails the turn as a stream closed before response.completed", async () => {
    const model = await mock();
    model.enqueue(disconnect({ graceful: true }));
    const run = await runExec(model);
    expect(run.exitCode).toBe(1);
    expect(run.events.at(-1)).toEqual({
      type: "turn.failed",
      error: { message: "stream disconnected before completion: stream closed before response.completed" },
    });
  });
});

describe("configFlags", () => {
  it("flattens codexOptions().config into dotted -c overrides with TOML values", async () => {
    const model = await mock();
    const flags = configFlags(model.codexOptions({ streamIdleTimeoutMs: 10 }).config);
    expect(flags).toEqual([
      "-c",
      'model="mock-model"',
      "-c",
      'model_provider="mock"',
      "-c",
      'model_providers.mock.name="mock"',
      "-c",
      `model_providers.mock.base_url=${JSON.stringify(model.url)}`,
      "-c",
      'model_providers.mock.wire_api="responses"',
      "-c",
      "model_providers.mock.supports_websockets=false",
      "-c",
      "model_providers.mock.request_max_retries=0",
      "-c",
      "model_providers.mock.stream_max_retries=0",
      "-c",
      "model_providers.mock.stream_idle_timeout_ms=10",
      "-c",
      expect.stringMatching(/^model_catalog_json=".*mock-model-catalog\.json"$/) as unknown,
      "-c",
      "features.shell_snapshot=false",
    ]);
  });
});
