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
    expect(() => assertMockResponse(say("an output, not a response"))).toThrow(/not a MockResponse \(type "message"\)/);
    // An output where a response is wanted says how to wrap it.
    expect(() => assertMockResponse(say("x"))).toThrow(/wrap it as stream\(\[\.\.\.\]\)/);
    expect(() => assertMockResponse({ type: "nope" })).not.toThrow(/wrap it/);
    expect(() => assertMockResponse(null)).toThrow(TypeError);
    expect(() => assertMockResponse({ type: "stream" })).toThrow(/needs an outputs array/);
    expect(() => assertMockResponse({ type: "stall", outputs: "x" })).toThrow(/must be an array/);
    expect(() => assertMockResponse({ type: "stream", outputs: [say("ok"), { type: "mesage", text: "typo" }] })).toThrow(/outputs\[1\] is not a MockOutput \(type "mesage"\)/);
  });
});
