import { describe, expect, it } from "vitest";
import * as errors from "../../../src/errors/errors.js";
import {
  AbortError,
  AttachmentError,
  AuthError,
  CodexError,
  CodexExitError,
  CodexNotFoundError,
  CodexSpawnError,
  ConnectionClosedError,
  UntrustedDirectoryError,
  UnsafeDirectoryError,
  InvalidOptionsError,
  McpError,
  ServerError,
  ContextWindowError,
  UsageLimitError,
  ThreadStateError,
  isCodexError,
  OutputSchemaError,
  ProtocolError,
  RateLimitError,
  RpcError,
  TimeoutError,
  ToolError,
  TurnFailedError,
  UnsupportedFeatureError,
  type CodexErrorOptions,
} from "../../../src/errors/index.js";

interface Case {
  make: (options?: CodexErrorOptions) => CodexError;
  type: abstract new (...args: never[]) => CodexError;
  code: string;
  retryable: boolean;
  fields: Record<string, unknown>;
}

const cases: Record<string, Case> = {
  CodexError: { make: (o) => new CodexError("turn_failed", "msg", o), type: CodexError, code: "turn_failed", retryable: false, fields: {} },
  CodexNotFoundError: {
    make: (o) => new CodexNotFoundError("msg", ["/a", "/b"], o),
    type: CodexNotFoundError,
    code: "codex_not_found",
    retryable: false,
    fields: { searched: ["/a", "/b"] },
  },
  CodexSpawnError: {
    make: (o) => new CodexSpawnError("msg", "/bin/codex", o),
    type: CodexSpawnError,
    code: "spawn_failed",
    retryable: false,
    fields: { executable: "/bin/codex" },
  },
  CodexExitError: {
    make: (o) => new CodexExitError("msg", { exitCode: null, signal: "SIGKILL", stderrTail: "tail" }, o),
    type: CodexExitError,
    code: "process_exited",
    retryable: false,
    fields: { exitCode: null, signal: "SIGKILL", stderrTail: "tail" },
  },
  ProtocolError: {
    make: (o) => new ProtocolError("msg", "the line", o),
    type: ProtocolError,
    code: "protocol_error",
    retryable: false,
    fields: { line: "the line" },
  },
  TurnFailedError: {
    make: (o) => new TurnFailedError("msg", { kind: "contextWindowExceeded" }, o),
    type: TurnFailedError,
    code: "turn_failed",
    retryable: false,
    fields: { codexErrorInfo: { kind: "contextWindowExceeded" }, httpStatusCode: null },
  },
  RateLimitError: {
    make: (o) => new RateLimitError("msg", { retryAfterMs: 1500, httpStatusCode: 429 }, o),
    type: RateLimitError,
    code: "rate_limited",
    retryable: true,
    fields: { retryAfterMs: 1500, httpStatusCode: 429, codexErrorInfo: null },
  },
  AuthError: {
    make: (o) => new AuthError("msg", { httpStatusCode: 401 }, o),
    type: AuthError,
    code: "auth_failed",
    retryable: false,
    fields: { httpStatusCode: 401 },
  },
  ServerError: {
    make: (o) => new ServerError("msg", { codexErrorInfo: "internalServerError" }, o),
    type: ServerError,
    code: "server_error",
    retryable: true,
    fields: { codexErrorInfo: "internalServerError", httpStatusCode: null },
  },
  ContextWindowError: {
    make: (o) => new ContextWindowError("msg", { codexErrorInfo: "contextWindowExceeded" }, o),
    type: ContextWindowError,
    code: "context_window_exceeded",
    retryable: false,
    fields: { codexErrorInfo: "contextWindowExceeded" },
  },
  UsageLimitError: {
    make: (o) => new UsageLimitError("msg", { codexErrorInfo: "usageLimitExceeded" }, o),
    type: UsageLimitError,
    code: "usage_limit_exceeded",
    retryable: false,
    fields: { codexErrorInfo: "usageLimitExceeded" },
  },
  ThreadStateError: { make: (o) => new ThreadStateError("msg", o), type: ThreadStateError, code: "invalid_state", retryable: false, fields: {} },
  AbortError: { make: (o) => new AbortError("msg", o), type: AbortError, code: "aborted", retryable: false, fields: {} },
  TimeoutError: {
    make: (o) => new TimeoutError("msg", 30_000, o),
    type: TimeoutError,
    code: "timeout",
    retryable: true,
    fields: { timeoutMs: 30_000 },
  },
  UnsupportedFeatureError: {
    make: (o) => new UnsupportedFeatureError("msg", "image_url", o),
    type: UnsupportedFeatureError,
    code: "unsupported_feature",
    retryable: false,
    fields: { feature: "image_url" },
  },
  ToolError: { make: (o) => new ToolError("msg", "my_tool", o), type: ToolError, code: "invalid_tool", retryable: false, fields: { tool: "my_tool" } },
  OutputSchemaError: {
    make: (o) => new OutputSchemaError("msg", "raw text", ["a: bad"], o),
    type: OutputSchemaError,
    code: "output_schema_mismatch",
    retryable: false,
    fields: { rawText: "raw text", issues: ["a: bad"] },
  },
  McpError: {
    make: (o) => new McpError("msg", "fx", { mcpCode: -32602 }, o),
    type: McpError,
    code: "mcp_error",
    retryable: false,
    fields: { server: "fx", mcpCode: -32602 },
  },
  AttachmentError: {
    make: (o) => new AttachmentError("msg", "/tmp/file.png", o),
    type: AttachmentError,
    code: "attachment_error",
    retryable: false,
    fields: { path: "/tmp/file.png" },
  },
  InvalidOptionsError: { make: (o) => new InvalidOptionsError("msg", o), type: InvalidOptionsError, code: "invalid_options", retryable: false, fields: {} },
  RpcError: {
    make: (o) => new RpcError("msg", { rpcCode: -32600, method: "thread/start", data: { detail: 1 } }, o),
    type: RpcError,
    code: "rpc_error",
    retryable: false,
    fields: { rpcCode: -32600, method: "thread/start", data: { detail: 1 } },
  },
  ConnectionClosedError: {
    make: (o) => new ConnectionClosedError("msg", o),
    type: ConnectionClosedError,
    code: "connection_closed",
    retryable: true,
    fields: {},
  },
  UntrustedDirectoryError: {
    make: (o) => new UntrustedDirectoryError("msg", "/work/dir", o),
    type: UntrustedDirectoryError,
    code: "untrusted_directory",
    retryable: false,
    fields: { directory: "/work/dir" },
  },
  UnsafeDirectoryError: {
    make: (o) => new UnsafeDirectoryError("msg", "/shared/store", o),
    type: UnsafeDirectoryError,
    code: "unsafe_directory",
    retryable: false,
    fields: { directory: "/shared/store" },
  },
};

describe("error classes", () => {
  it("covers every class exported by errors.ts", () => {
    const exported = Object.entries(errors)
      .filter(([, value]) => typeof value === "function" && (value as { prototype?: unknown }).prototype instanceof Error)
      .map(([name]) => name)
      .sort();
    expect(exported).toEqual(Object.keys(cases).sort());
  });

  describe.each(Object.entries(cases))("%s", (name, c) => {
    it("is a CodexError and an Error with the documented code, name and fields", () => {
      const error = c.make();
      expect(error).toBeInstanceOf(c.type);
      expect(error).toBeInstanceOf(CodexError);
      expect(error).toBeInstanceOf(Error);
      expect(error.code).toBe(c.code);
      expect(error.name).toBe(name === "AbortError" ? "AbortError" : name);
      expect(error.message).toBe("msg");
      expect(error.retryable).toBe(c.retryable);
      expect(error.cause).toBeUndefined();
      expect("cause" in error).toBe(false);
      expect(typeof error.stack).toBe("string");
      for (const [field, value] of Object.entries(c.fields)) {
        expect((error as unknown as Record<string, unknown>)[field]).toEqual(value);
      }
      expect(Object.prototype.toString.call(error)).toBe("[object Error]");
      expect(String(error)).toBe(`${name}: msg`);
    });

    it("keeps the cause and honours a retryable override", () => {
      const cause = new Error("root");
      const flipped = c.make({ cause, retryable: !c.retryable });
      expect(flipped.cause).toBe(cause);
      expect(flipped.retryable).toBe(!c.retryable);
      expect(c.make({ cause }).retryable).toBe(c.retryable);
    });
  });

  it("every turn failure is a TurnFailedError, and isCodexError tells codexkit's errors apart", () => {
    for (const error of [new RateLimitError("x"), new AuthError("x"), new ServerError("x"), new ContextWindowError("x"), new UsageLimitError("x")]) {
      expect(error).toBeInstanceOf(TurnFailedError);
      expect(isCodexError(error)).toBe(true);
    }
    expect(isCodexError(new Error("x"))).toBe(false);
    expect(isCodexError({ code: "turn_failed" })).toBe(false);
  });

  it("defaults AbortError's message", () => {
    expect(new AbortError().message).toBe("The operation was aborted");
  });

  it("defaults TurnFailedError's codexErrorInfo to null", () => {
    expect(new TurnFailedError("x").codexErrorInfo).toBeNull();
    expect(new TurnFailedError("x", "usageLimitExceeded").codexErrorInfo).toBe("usageLimitExceeded");
  });

  it("accepts a null retryAfterMs and a numeric exit code", () => {
    expect(new RateLimitError("x").retryAfterMs).toBeNull();
    const exit = new CodexExitError("x", { exitCode: 2, signal: null, stderrTail: "" });
    expect(exit.exitCode).toBe(2);
    expect(exit.signal).toBeNull();
  });

  it("keeps the retryable default when options.retryable is undefined", () => {
    expect(new RateLimitError("x", {}, { retryable: undefined }).retryable).toBe(true);
    expect(new TimeoutError("x", 1, { retryable: undefined }).retryable).toBe(true);
  });

  it("leaves RpcError's data undefined when codex sent none", () => {
    const error = new RpcError("x", { rpcCode: -32603, method: "turn/start" });
    expect(error.data).toBeUndefined();
    expect(error.rpcCode).toBe(-32603);
  });

  it("keeps ConnectionClosedError retryable when options.retryable is undefined", () => {
    expect(new ConnectionClosedError("x", { retryable: undefined }).retryable).toBe(true);
  });

  it("lets callers switch on code across classes", () => {
    const codes = Object.values(cases).map((c) => c.make().code);
    // Only the base class (constructed with an arbitrary code here) may repeat a subclass's code.
    expect(new Set(codes.slice(1)).size).toBe(codes.length - 1);
  });
});
