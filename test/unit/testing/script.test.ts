import { describe, expect, it } from "vitest";
import {
  applyPatch,
  assertMockResponse,
  buildPatch,
  callTool,
  DEFAULT_ESCALATION_JUSTIFICATION,
  disconnect,
  fail,
  httpError,
  runCommand,
  say,
  stall,
  stream,
  think,
  type MockOutput,
  type MockResponse,
} from "../../../src/testing/index.js";

/** The parsed `arguments` of a function call output. */
function args(output: MockOutput): Record<string, unknown> {
  if (output.type !== "function_call") throw new Error(`not a function call: ${output.type}`);
  return JSON.parse(output.arguments) as Record<string, unknown>;
}

describe("output builders", () => {
  it("build plain objects without undefined fields, equal to hand-written ones", () => {
    expect(say("hi")).toStrictEqual({ type: "message", text: "hi" });
    expect(say("hi", { deltas: 3, id: "m1" })).toStrictEqual({ type: "message", text: "hi", deltas: 3, id: "m1" });
    expect(think("hmm", { id: undefined })).toStrictEqual({ type: "reasoning", text: "hmm" });
    expect(callTool("add", { a: 1, b: 2 }, { namespace: "mcp__calc", callId: "c" })).toStrictEqual({
      type: "function_call",
      name: "add",
      arguments: '{"a":1,"b":2}',
      namespace: "mcp__calc",
      callId: "c",
    });
  });

  it("runCommand calls exec_command with cmd, workdir and extra arguments", () => {
    const call = runCommand("ls -la", { workdir: "sub", callId: "c1", args: { yield_time_ms: 500 } });
    expect(call).toMatchObject({ type: "function_call", name: "exec_command", callId: "c1" });
    expect(args(call)).toEqual({ cmd: "ls -la", workdir: "sub", yield_time_ms: 500 });
    expect(args(runCommand("ls"))).toEqual({ cmd: "ls" });
  });

  it("runCommand with escalate asks for escalated permissions with a justification", () => {
    expect(args(runCommand("rm -rf build", { escalate: true }))).toEqual({
      cmd: "rm -rf build",
      sandbox_permissions: "require_escalated",
      justification: DEFAULT_ESCALATION_JUSTIFICATION,
    });
    expect(args(runCommand("make", { escalate: "needs network" })).justification).toBe("needs network");
    expect(args(runCommand("make", { escalate: false }))).toEqual({ cmd: "make" });
  });
});

describe("patches", () => {
  it("buildPatch prefixes every added line with + and drops only the final newline", () => {
    expect(buildPatch({ path: "hello.txt", content: "hi\n" })).toBe("*** Begin Patch\n*** Add File: hello.txt\n+hi\n*** End Patch");
    expect(buildPatch({ path: "a.txt", content: "one\n\nthree" })).toBe("*** Begin Patch\n*** Add File: a.txt\n+one\n+\n+three\n*** End Patch");
  });

  it("buildPatch handles several files, empty files and deletions", () => {
    expect(
      buildPatch([
        { path: "empty.txt", content: "" },
        { path: "old.txt", kind: "delete" },
        { path: "src/new.ts", content: "x", kind: "add" },
      ]),
    ).toBe("*** Begin Patch\n*** Add File: empty.txt\n*** Delete File: old.txt\n*** Add File: src/new.ts\n+x\n*** End Patch");
  });

  it("applyPatch wraps the patch in an apply_patch heredoc run by exec_command", () => {
    const call = applyPatch({ path: "hello.txt", content: "hi\n" }, { callId: "p1", workdir: "w" });
    expect(call).toMatchObject({ name: "exec_command", callId: "p1" });
    expect(args(call)).toEqual({
      cmd: "apply_patch <<'EOF'\n*** Begin Patch\n*** Add File: hello.txt\n+hi\n*** End Patch\nEOF",
      workdir: "w",
    });
  });

  it("applyPatch accepts patch text, adding missing Begin/End markers", () => {
    const full = "*** Begin Patch\n*** Delete File: x\n*** End Patch";
    expect(args(applyPatch(`${full}\n`)).cmd).toBe(`apply_patch <<'EOF'\n${full}\nEOF`);
    expect(args(applyPatch("*** Delete File: x")).cmd).toBe(`apply_patch <<'EOF'\n${full}\nEOF`);
  });

  it("applyPatch picks another heredoc delimiter when a line of the patch is EOF", () => {
    const cmd = args(applyPatch("*** Begin Patch\nEOF\n*** End Patch")).cmd as string;
    expect(cmd.startsWith("apply_patch <<'EOF_1'\n")).toBe(true);
    expect(cmd.endsWith("\nEOF_1")).toBe(true);
  });
});

describe("response builders", () => {
  it("build the documented plain objects", () => {
    const expected: MockResponse[] = [
      { type: "stream", outputs: [{ type: "message", text: "a" }], delayMs: 5 },
      { type: "fail", message: "m", code: "c" },
      { type: "http_error", status: 429, retryAfter: 2 },
      { type: "stall", afterMs: 10 },
      { type: "disconnect", outputs: [], graceful: true },
    ];
    expect([
      stream([say("a")], { delayMs: 5 }),
      fail("m", { code: "c" }),
      httpError(429, { retryAfter: 2 }),
      stall({ afterMs: 10 }),
      disconnect({ outputs: [], graceful: true }),
    ]).toStrictEqual(expected);
  });

  it("httpError rejects statuses that are not errors", () => {
    expect(() => httpError(200)).toThrow(RangeError);
    expect(() => httpError(600)).toThrow(/400 to 599/);
    expect(() => httpError(429.5)).toThrow(RangeError);
  });
});

describe("assertMockResponse", () => {
  it("accepts every builder's response and hand-written ones", () => {
    for (const response of [stream([say("a"), think("b"), runCommand("c")]), fail("x"), httpError(500), stall(), disconnect({ outputs: [say("p")] })]) {
      expect(() => assertMockResponse(response)).not.toThrow();
    }
    expect(() => assertMockResponse({ type: "stream", outputs: [{ type: "raw_event", event: { type: "x" } }] })).not.toThrow();
  });

  it("names what is wrong with a malformed script", () => {
    expect(() => assertMockResponse(say("an output, not a response"))).toThrow(/not a MockResponse \(got type "message"\)/);
    // An output where a response is wanted says how to wrap it.
    expect(() => assertMockResponse(say("x"))).toThrow(/wrap it as stream\(\[\.\.\.\]\)/);
    expect(() => assertMockResponse({ type: "nope" })).not.toThrow(/wrap it/);
    expect(() => assertMockResponse(null)).toThrow(TypeError);
    expect(() => assertMockResponse({ type: "stream" })).toThrow(/needs an outputs array/);
    expect(() => assertMockResponse({ type: "stall", outputs: "x" })).toThrow(/must be an array/);
    expect(() => assertMockResponse({ type: "stream", outputs: [say("ok"), { type: "mesage", text: "typo" }] })).toThrow(/outputs\[1\] is not a MockOutput \(got type "mesage"\)/);
  });

  // Every script-shape error says what was expected and how to write it.
  it.each<[string, unknown, string]>([
    ["an output", say("hi"), 'the response is not a MockResponse (got type "message"); expected a MockResponse: stream([...]), fail("message"), httpError(status), stall(), disconnect(); that is a model output: wrap it as stream([...]), e.g. stream([say("hi")]) (reply(...outputs) does that for you)'],
    ["plain text", "hi", 'the response is not a MockResponse (got the string "hi"); expected a MockResponse: stream([...]), fail("message"), httpError(status), stall(), disconnect(); to answer with text, use stream([say("hi")]) or model.reply(say(...))'],
    ["a list of outputs", [say("a")], "the response is not a MockResponse (got an array of 1); expected a MockResponse: stream([...]), fail(\"message\"), httpError(status), stall(), disconnect(); for a list of outputs, use stream([...outputs]) or model.reply(...outputs)"],
    ["a misspelt type", { type: "strem", outputs: [] }, 'the response is not a MockResponse (got type "strem"); expected a MockResponse: stream([...]), fail("message"), httpError(status), stall(), disconnect() (did you mean type "stream"?)'],
    ["nothing", undefined, 'the response is not a MockResponse (got undefined); expected a MockResponse: stream([...]), fail("message"), httpError(status), stall(), disconnect()'],
    ["a stream without outputs", { type: "stream" }, 'the response: a stream MockResponse needs an outputs array (got undefined); write it as stream([say("hi")]), or model.reply(say("hi"))'],
    ["outputs that are not a list", { type: "disconnect", outputs: say("x") }, 'the response: outputs of a disconnect MockResponse must be an array (got type "message"); e.g. disconnect({ outputs: [say("partial")] })'],
    ["a response among outputs", { type: "stream", outputs: [fail("x")] }, 'the response: outputs[0] is not a MockOutput (got type "fail"); expected a MockOutput: say("text"), think("text"), callTool(name, args), runCommand(cmd) or applyPatch(...), rawEvent({ type, ... }); that is a whole response (fail), not an output: enqueue it on its own, model.enqueue(fail("message"))'],
    ["text among outputs", { type: "stream", outputs: ["hi"] }, 'the response: outputs[0] is not a MockOutput (got the string "hi"); expected a MockOutput: say("text"), think("text"), callTool(name, args), runCommand(cmd) or applyPatch(...), rawEvent({ type, ... }); to say text, use say("hi")'],
    ["a message without text", { type: "stream", outputs: [{ type: "message", content: "hi" }] }, 'the response: outputs[0]: a message needs its text as a string (got undefined); use say("text")'],
    ["a call with object arguments", { type: "stream", outputs: [{ type: "function_call", name: "t", arguments: { a: 1 } }] }, "the response: outputs[0]: a function_call's arguments are the JSON text the API sends (got an object without a type); use callTool(name, args), which turns args into that text, or JSON.stringify them"],
    ["a call without a name", { type: "stream", outputs: [{ type: "function_call", arguments: "{}" }] }, 'the response: outputs[0]: a function_call needs the tool\'s name as a string (got undefined); use callTool("name", args)'],
    ["a raw event without a type", { type: "stream", outputs: [{ type: "raw_event", event: {} }] }, 'the response: outputs[0]: a raw_event needs an event object with a string type (got an object without a type); use rawEvent({ type: "response.x", ... })'],
    ["a failure without a message", { type: "fail" }, 'the response: a fail MockResponse needs its message as a string (got undefined); use fail("what went wrong")'],
    ["an HTTP error that is not one", { type: "http_error", status: 200 }, "the response: an http_error needs a status from 400 to 599 (got number 200); use httpError(429), say, or script a success with stream([...])"],
    ["a negative delay", { type: "stream", outputs: [], delayMs: -5 }, "the response: delayMs must be a finite number >= 0 (got number -5)"],
  ])("%s", (_name, value, message) => {
    expect(() => assertMockResponse(value)).toThrow(new TypeError(message));
  });
});
