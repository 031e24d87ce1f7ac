/**
 * Errors across the queue: every codexkit error class survives `fromWireError(toWireError(e))`
 * with its class, code, message, retryable flag and own fields; anything else becomes a plain
 * CodexError; a field JSON cannot carry is left behind without a throw.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as errors from "../../../src/errors/index.js";
import {
  AbortError,
  AttachmentError,
  AuthError,
  CodexError,
  CodexExitError,
  CodexNotFoundError,
  CodexSpawnError,
  ConnectionClosedError,
  ContextWindowError,
  InvalidOptionsError,
  McpError,
  OutputSchemaError,
  ProtocolError,
  RateLimitError,
  RpcError,
  ServerError,
  ThreadStateError,
  TimeoutError,
  ToolError,
  TurnFailedError,
  UnsafeDirectoryError,
  UnsupportedFeatureError,
  UntrustedDirectoryError,
  UsageLimitError,
} from "../../../src/errors/index.js";
import { QueueConnectionError } from "../../../src/queue/errors.js";
import { fromWireError, toWireError } from "../../../src/queue/wire-errors.js";

const failure = { codexErrorInfo: { usageLimitExceeded: { resetsAt: 1_700_000_000 } }, httpStatusCode: 429 };

/** One instance of every codexkit error class, its fields set to something other than the defaults. */
const SAMPLES: Record<string, () => CodexError> = {
  CodexError: () => new CodexError("turn_failed", "base", { retryable: true }),
  CodexNotFoundError: () => new CodexNotFoundError("no codex", ["/a/codex", "@openai/codex"]),
  CodexSpawnError: () => new CodexSpawnError("EACCES", "/bin/codex"),
  CodexExitError: () => new CodexExitError("codex died", { exitCode: null, signal: "SIGKILL", stderrTail: "panicked at ..." }),
  ProtocolError: () => new ProtocolError("not JSON", "{oops"),
  TurnFailedError: () => new TurnFailedError("the model refused", { codexErrorInfo: "other", httpStatusCode: 400 }),
  RateLimitError: () => new RateLimitError("slow down", { ...failure, retryAfterMs: 1500 }),
  AuthError: () => new AuthError("bad key", { codexErrorInfo: "unauthorized", httpStatusCode: 401 }),
  ServerError: () => new ServerError("overloaded", { httpStatusCode: 503 }, { retryable: false }),
  ContextWindowError: () => new ContextWindowError("too long", { codexErrorInfo: "contextWindowExceeded" }),
  UsageLimitError: () => new UsageLimitError("quota", failure),
  AbortError: () => new AbortError("stopped"),
  TimeoutError: () => new TimeoutError("too slow", 2500),
  UnsupportedFeatureError: () => new UnsupportedFeatureError("no such thing on exec", "steer"),
  OutputSchemaError: () => new OutputSchemaError("did not match", "{\"a\":1}", ["/a: must be string", "/b: required"]),
  McpError: () => new McpError("server crashed", "files", { mcpCode: -32000 }),
  AttachmentError: () => new AttachmentError("too big", "/tmp/big.bin"),
  ThreadStateError: () => new ThreadStateError("already running"),
  InvalidOptionsError: () => new InvalidOptionsError("bad option"),
  ToolError: () => new ToolError("bad tool", "lookup"),
  RpcError: () => new RpcError("method not found", { rpcCode: -32601, method: "thread/steer", data: { detail: ["x", 1, null] } }),
  ConnectionClosedError: () => new ConnectionClosedError("closed"),
  UntrustedDirectoryError: () => new UntrustedDirectoryError("Not inside a trusted directory", "/work/x"),
  UnsafeDirectoryError: () => new UnsafeDirectoryError("group-writable", "/tmp/store"),
  QueueConnectionError: () => new QueueConnectionError("cannot reach Redis", "127.0.0.1:6379", { retryable: false }),
};

type ErrorClass = abstract new (...args: never[]) => CodexError;

/** Every class src/errors exports that is a CodexError (the base too), and the queue's own. */
const CLASSES: ErrorClass[] = ([...Object.values(errors), QueueConnectionError] as unknown[]).filter(
  (value): value is ErrorClass => typeof value === "function" && (value === CodexError || (value as { prototype: unknown }).prototype instanceof CodexError),
);

const BASE = new Set(["name", "message", "code", "retryable", "stack", "cause"]);

/** The error's own fields other than the base ones, as JSON would carry them. */
function ownFields(error: Error): Record<string, unknown> {
  return Object.fromEntries(Object.entries(error).filter(([key]) => !BASE.has(key)));
}

function roundTrip(error: unknown): CodexError {
  // Through JSON text, as the event stream carries it.
  return fromWireError(JSON.parse(JSON.stringify(toWireError(error))) as ReturnType<typeof toWireError>);
}

describe("fromWireError(toWireError(e))", () => {
  it("has a sample for every codexkit error class (a new class needs one here)", () => {
    expect(CLASSES.length).toBeGreaterThan(20);
    expect(Object.keys(SAMPLES).sort()).toEqual(CLASSES.map((cls) => cls.name).sort());
  });

  it.each(Object.keys(SAMPLES))("%s keeps its class, code, message, retryable and own fields", (name) => {
    const original = SAMPLES[name]!();
    const cls = CLASSES.find((c) => c.name === name)!;
    expect(original).toBeInstanceOf(cls);
    const back = roundTrip(original);
    expect(back).toBeInstanceOf(cls);
    expect(back).toBeInstanceOf(CodexError);
    expect(back).toBeInstanceOf(Error);
    expect(back.name).toBe(original.name);
    expect(back.code).toBe(original.code);
    expect(back.message).toBe(original.message);
    expect(back.retryable).toBe(original.retryable);
    expect(ownFields(back)).toEqual(ownFields(original));
  });

  it("keeps the fields callers branch on", () => {
    const timeout = roundTrip(new TimeoutError("slow", 1234));
    expect(timeout).toBeInstanceOf(TimeoutError);
    expect((timeout as TimeoutError).timeoutMs).toBe(1234);
    expect(timeout.retryable).toBe(true);

    const limited = roundTrip(new RateLimitError("429", { retryAfterMs: 900, httpStatusCode: 429, codexErrorInfo: { a: 1 } }));
    expect(limited).toBeInstanceOf(RateLimitError);
    expect(limited).toBeInstanceOf(TurnFailedError);
    expect(limited).toMatchObject({ code: "rate_limited", retryable: true, retryAfterMs: 900, httpStatusCode: 429, codexErrorInfo: { a: 1 } });

    const queue = roundTrip(new QueueConnectionError("cannot reach Redis at redis://h:1", "redis://h:1"));
    expect(queue).toBeInstanceOf(QueueConnectionError);
    expect(queue).toMatchObject({ code: "queue_unavailable", retryable: true, endpoint: "redis://h:1" });

    const aborted = roundTrip(new AbortError());
    expect(aborted).toBeInstanceOf(AbortError);
    expect(aborted.name).toBe("AbortError");
  });

  it("keeps any message, retryable flag and JSON field (property)", () => {
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(SAMPLES)), fc.string(), fc.boolean(), fc.jsonValue(), (name, message, retryable, value) => {
        const original = SAMPLES[name]!();
        Object.assign(original, { message, retryable, extra: value });
        const back = roundTrip(original);
        expect(back).toBeInstanceOf(CLASSES.find((c) => c.name === name)!);
        expect(back.message).toBe(message);
        expect(back.retryable).toBe(retryable);
        // JSON has no -0: it comes back as 0.
        expect((back as unknown as { extra: unknown }).extra).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 200 },
    );
  });
});

describe("anything that is not a codexkit error", () => {
  it.each([
    ["an Error", new Error("plain failure"), "plain failure"],
    ["a TypeError", new TypeError("x is not a function"), "x is not a function"],
    ["a string", "just text", "just text"],
    ["undefined", undefined, "undefined"],
  ])("%s becomes a CodexError with its message, not retryable", (_what, thrown, message) => {
    const back = roundTrip(thrown);
    expect(back).toBeInstanceOf(CodexError);
    expect(back.constructor).toBe(CodexError);
    expect(back).toMatchObject({ name: "CodexError", code: "turn_failed", message, retryable: false });
  });
});

describe("fields JSON cannot carry", () => {
  it("are dropped, without a throw, and the others kept", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const cases: unknown[] = [() => 1, 10n, cyclic, Symbol("s"), undefined];
    for (const data of cases) {
      const error = new RpcError("failed", { rpcCode: -32603, method: "turn/start", data });
      const wire = toWireError(error);
      expect(wire.fields).toEqual({ rpcCode: -32603, method: "turn/start" });
      const back = roundTrip(error);
      expect(back).toBeInstanceOf(RpcError);
      expect("data" in back).toBe(false);
      expect(back).toMatchObject({ rpcCode: -32603, method: "turn/start" });
    }
  });

  it("keep what JSON keeps of a field that is partly JSON", () => {
    const error = new RpcError("failed", { rpcCode: 1, method: "m", data: { keep: [1, "two"], drop: () => 1, date: new Date(0) } });
    expect(roundTrip(error)).toMatchObject({ data: { keep: [1, "two"], date: "1970-01-01T00:00:00.000Z" } });
    expect((roundTrip(error) as RpcError).data).not.toHaveProperty("drop");
  });
});

describe("a wire error another worker wrote", () => {
  it("of an unknown class is a CodexError that keeps the name and fields", () => {
    const back = fromWireError({ name: "FancyError", code: "turn_failed", message: "from a newer worker", retryable: true, fields: { hint: "x" } });
    expect(back.constructor).toBe(CodexError);
    expect(back).toMatchObject({ name: "FancyError", message: "from a newer worker", retryable: true, hint: "x" });
  });
});
