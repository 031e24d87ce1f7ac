/**
 * The options schemas: an unknown key at any level is an `InvalidOptionsError` naming its path,
 * with the nearest known key when one is close (or the object that takes it), and none when far.
 * Values keep the messages they had before the schemas.
 */
import { describe, expect, it } from "vitest";
import { InvalidOptionsError } from "../../../src/errors/index.js";
import { checkCodexOptions, checkMcpConnectOptions, checkMcpServerConfig, checkThreadOptions, checkTurnOptions } from "../../../src/options/index.js";

function messageOf(check: () => void): string {
  try {
    check();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOptionsError);
    return (error as Error).message;
  }
  throw new Error("expected an InvalidOptionsError");
}

describe("unknown keys, at each level", () => {
  it.each<[string, () => void, string]>([
    ["a client option", () => checkCodexOptions({ apikey: "k" }), "codexOptions.apikey is not an option; did you mean apiKey?"],
    ["a thread option", () => checkThreadOptions({ workingDir: "/x" }), "threadOptions.workingDir is not an option; did you mean workingDirectory?"],
    ["a turn option", () => checkTurnOptions({ outputschema: {} }), "turnOptions.outputschema is not an option; did you mean outputSchema?"],
    ["retry", () => checkCodexOptions({ retry: { maxAttempt: 3 } }), "codexOptions.retry.maxAttempt is not an option; did you mean maxAttempts?"],
    ["a turn's retry", () => checkTurnOptions({ retry: { maxDelay: 3 } }), "turnOptions.retry.maxDelay is not an option; did you mean maxDelayMs?"],
    ["files", () => checkCodexOptions({ files: { root: ["/tmp"] } }), "codexOptions.files.root is not an option; did you mean roots?"],
    ["appServer", () => checkCodexOptions({ appServer: { maxThread: 3 } }), "codexOptions.appServer.maxThread is not an option; did you mean maxThreads?"],
    ["a thread's MCP server", () => checkThreadOptions({ mcpServers: { fx: { comand: "node" } } }), "threadOptions.mcpServers.fx.comand is not an option; did you mean command?"],
    ["an HTTP MCP server", () => checkThreadOptions({ mcpServers: { web: { url: "http://h", header: {} } } }), "threadOptions.mcpServers.web.header is not an option; did you mean headers?"],
    ["mcp.connect's server", () => checkMcpServerConfig("fx", { command: "node", arg: [] }), "MCP server fx: arg is not an option; did you mean args?"],
    ["mcp.connect's options", () => checkMcpConnectOptions("fx", { restrat: {} }), "MCP server fx: restrat is not an option; did you mean restart?"],
    ["mcp.connect's restart", () => checkMcpConnectOptions("fx", { restart: { maxRestart: 1 } }), "MCP server fx: restart.maxRestart is not an option; did you mean maxRestarts?"],
  ])("%s", (_level, check, message) => {
    expect(messageOf(check)).toBe(message);
  });

  it("says where a key of another level belongs", () => {
    expect(messageOf(() => checkCodexOptions({ workingDir: "/x" }))).toBe(
      "codexOptions.workingDir is not an option of new Codex(); did you mean workingDirectory? It is a thread option: give it to startThread()",
    );
    expect(messageOf(() => checkCodexOptions({ sandboxMode: "read-only" }))).toBe(
      "codexOptions.sandboxMode is not an option of new Codex(); sandboxMode is a thread option: give it to startThread()",
    );
    expect(messageOf(() => checkThreadOptions({ apiKey: "k" }))).toBe("threadOptions.apiKey is not an option of a thread; apiKey is an option of new Codex()");
    expect(messageOf(() => checkTurnOptions({ model: "m" }))).toBe("turnOptions.model is not an option of a turn; model is a thread option: give it to startThread()");
    expect(messageOf(() => checkThreadOptions({ signal: new AbortController().signal }))).toMatch(/signal is a turn option: give it to run\(\) or runStreamed\(\)/);
  });

  it("gives no hint when nothing is close; a small object lists what it takes", () => {
    expect(messageOf(() => checkThreadOptions({ temperature: 0.2 }))).toBe("threadOptions.temperature is not an option of a thread");
    expect(messageOf(() => checkCodexOptions({ foo: 1 }))).toBe("codexOptions.foo is not an option of new Codex()");
    expect(messageOf(() => checkCodexOptions({ retry: { jitter: 0.5 } }))).toBe(
      "codexOptions.retry.jitter is not an option; the options are maxAttempts, baseDelayMs, maxDelayMs, maxElapsedMs",
    );
  });

  it("reports every unknown key, before any value error (a misspelt key often explains a missing one)", () => {
    expect(messageOf(() => checkThreadOptions({ model: 5, workingDir: "/x", zzzzzzzzzz: 1 }))).toBe(
      "threadOptions.workingDir is not an option; did you mean workingDirectory? — threadOptions.zzzzzzzzzz is not an option of a thread",
    );
    expect(messageOf(() => checkMcpServerConfig("fx", { comand: "node" }))).toBe("MCP server fx: comand is not an option; did you mean command?");
  });

  it("names a key that is not an identifier in brackets", () => {
    expect(messageOf(() => checkThreadOptions({ "working directory": "/x" }))).toBe('threadOptions["working directory"] is not an option; did you mean workingDirectory?');
  });

  it("keeps codex's own config open: any key, any depth", () => {
    expect(() => checkCodexOptions({ config: { model: "m", profiles: { fast: { model_reasoning_effort: "low" } }, some_future_key: [1, 2] } })).not.toThrow();
  });
});

describe("values", () => {
  it.each<[string, () => void, RegExp]>([
    ["options that are not an object", () => checkCodexOptions(null), /^codexOptions must be an object$/],
    ["an unknown transport", () => checkCodexOptions({ transport: "ssh" }), /codexOptions\.transport must be one of "exec", "app-server"; got "ssh"/],
    ["an env value that is not a string", () => checkCodexOptions({ env: { A: 1 } }), /codexOptions\.env\.A must be a string/],
    ["a timer past Node's limit", () => checkCodexOptions({ killGraceMs: 2 ** 31 }), /killGraceMs must be a number of milliseconds from 0 to 2147483647/],
    ["a small line limit", () => checkCodexOptions({ maxLineBytes: 10 }), /maxLineBytes must be a whole number of bytes, at least 1024/],
    ["a hook that is not a function", () => checkCodexOptions({ onEvent: "log" }), /codexOptions\.onEvent must be a function/],
    ["a tracer without startSpan", () => checkCodexOptions({ tracer: {} }), /tracer must be an OpenTelemetry Tracer \(with startSpan\)/],
    ["a meter without createHistogram", () => checkCodexOptions({ meter: { createCounter() {} } }), /meter must be an OpenTelemetry Meter \(with createHistogram\)/],
    ["a logger without levels", () => checkCodexOptions({ logger: { log() {} } }), /logger must be a logger with debug, info, warn and error methods/],
    ["tools that are not a list", () => checkCodexOptions({ tools: {} }), /codexOptions\.tools must be an array of tool\(\) definitions/],
    ["retry that is a number", () => checkCodexOptions({ retry: 3 }), /codexOptions\.retry must be true, false or \{ maxAttempts, baseDelayMs, maxDelayMs, maxElapsedMs \}/],
    ["retry null", () => checkTurnOptions({ retry: null }), /turnOptions\.retry must be true, false or/],
    ["a retry list", () => checkTurnOptions({ retry: [] }), /turnOptions\.retry must be true, false or/],
    ["maxAttempts 0", () => checkCodexOptions({ retry: { maxAttempts: 0 } }), /retry\.maxAttempts must be a whole number from 1 to 100/],
    ["maxAttempts 1.5", () => checkCodexOptions({ retry: { maxAttempts: 1.5 } }), /retry\.maxAttempts must be a whole number from 1 to 100/],
    ["maxAttempts 101", () => checkCodexOptions({ retry: { maxAttempts: 101 } }), /retry\.maxAttempts must be a whole number from 1 to 100/],
    ["a negative delay", () => checkCodexOptions({ retry: { baseDelayMs: -1 } }), /retry\.baseDelayMs must be a number of milliseconds from 0 to 2147483647/],
    ["an infinite delay", () => checkCodexOptions({ retry: { maxDelayMs: Infinity } }), /retry\.maxDelayMs must be a number of milliseconds/],
    ["a delay past Node's limit", () => checkCodexOptions({ retry: { maxDelayMs: 2 ** 31 } }), /retry\.maxDelayMs must be a number of milliseconds/],
    ["a delay as text", () => checkCodexOptions({ retry: { maxElapsedMs: "60s" } }), /retry\.maxElapsedMs must be a number of milliseconds/],
    ["a NaN delay", () => checkCodexOptions({ retry: { maxElapsedMs: NaN } }), /retry\.maxElapsedMs must be a number of milliseconds/],
    ["files that are not an object", () => checkCodexOptions({ files: "/tmp" }), /codexOptions\.files must be an object: \{ dir\?, ttlMs\?, maxBytes\?, roots\? \}/],
    ["appServer with exec", () => checkCodexOptions({ transport: "exec", appServer: {} }), /codexOptions\.appServer needs the app-server transport/],
    ["a bad appServer url", () => checkCodexOptions({ appServer: { url: "http://h" } }), /appServer\.url must be ws:\/\/host:port, wss:\/\/host:port or unix:\/\/\/path\/to\/socket \(got http:\/\/h\)$/],
    ["an appServer url that is a number", () => checkCodexOptions({ appServer: { url: 8080 } }), /appServer\.url must be ws:\/\/host:port, .* \(got number\)$/],
    ["an empty token", () => checkCodexOptions({ appServer: { url: "ws://h:1", token: "" } }), /appServer\.token must be a non-empty string/],
    ["connectAttempts 0", () => checkCodexOptions({ appServer: { url: "ws://h:1", connectAttempts: 0 } }), /appServer\.connectAttempts must be a whole number, at least 1/],
    ["a negative idleThreadMs", () => checkCodexOptions({ appServer: { idleThreadMs: -1 } }), /appServer\.idleThreadMs must be a whole number of milliseconds from 0 to 2147483647/],
    ["a working directory that is not a string", () => checkThreadOptions({ workingDirectory: 1 }), /threadOptions\.workingDirectory must be a path/],
    ["an approval policy with TOML in it", () => checkThreadOptions({ approvalPolicy: 'never"\nx="y' }), /threadOptions\.approvalPolicy must be one of "never", "on-request", "on-failure", "untrusted"; got/],
    ["a flag that is not a boolean", () => checkThreadOptions({ ephemeral: "yes" }), /threadOptions\.ephemeral must be true or false/],
    ["a directory that is not a string", () => checkThreadOptions({ additionalDirectories: ["/a", 3] }), /threadOptions\.additionalDirectories\[1\] must be a path/],
    ["a bad server name", () => checkThreadOptions({ mcpServers: { "a.b": { command: "x" } } }), /threadOptions\.mcpServers\["a\.b"\] is not a server name: use 1 to 64 letters, digits, "_" or "-"/],
    ["a server with command and url", () => checkThreadOptions({ mcpServers: { fx: { command: "x", url: "http://h" } } }), /mcpServers\.fx must give either a command \(stdio\) or a url \(HTTP\), not both/],
    ["an unknown toolApproval", () => checkThreadOptions({ mcpServers: { fx: { command: "x", toolApproval: "sometimes" } } }), /mcpServers\.fx\.toolApproval must be one of "approve", "ask"/],
    ["a signal that is not one", () => checkTurnOptions({ signal: {} }), /turnOptions\.signal must be an AbortSignal/],
    ["an unknown cyber program", () => checkTurnOptions({ cyberAccessProgram: "red" }), /turnOptions\.cyberAccessProgram must be one of "standard", "daybreak_blue", "daybreak_red"/],
    ["an output schema that is text", () => checkTurnOptions({ outputSchema: "json" }), /turnOptions\.outputSchema must be a JSON Schema object or a Standard Schema/],
    ["an ftp MCP url", () => checkMcpServerConfig("x", { url: "ftp://nowhere" }), /^MCP server x: url must be an http\(s\) URL \(or give a command\)$/],
    ["an MCP server that is not an object", () => checkMcpServerConfig("x", 5), /^MCP server x: expected \{ command, args\?, env\?, inheritEnv\?, cwd\? \} or \{ url, headers\? \}$/],
    ["an initialize timeout of 0", () => checkMcpConnectOptions("x", { initializeTimeoutMs: 0 }), /MCP server x: initializeTimeoutMs must be a number of milliseconds from 1 to 2147483647/],
    ["a restart window of 0", () => checkMcpConnectOptions("x", { restart: { windowMs: 0 } }), /MCP server x: restart\.windowMs must be a number of milliseconds >= 1/],
  ])("refuses %s", (_what, check, message) => {
    expect(messageOf(check)).toMatch(message);
  });

  it("shows only the scheme and host of a bad appServer url: a user, password or token in it stays out of the message", () => {
    for (const url of ["http://alice:hunter2@agent.example:4500/private-route?token=s3cr3t-token", "https://alice:hunter2@agent.example:4500/?token=s3cr3t-token"]) {
      const message = messageOf(() => checkCodexOptions({ appServer: { url } }));
      expect(message).toMatch(/\(got https?:\/\/agent\.example:4500\)$/);
      for (const secret of ["alice", "hunter2", "s3cr3t-token", "token=", "private-route"]) expect(message).not.toContain(secret);
    }
    const unparsable = messageOf(() => checkCodexOptions({ appServer: { url: "alice:hunter2 at agent" } }));
    expect(unparsable).toBe("codexOptions.appServer.url must be ws://host:port, wss://host:port or unix:///path/to/socket");
  });

  it("accepts functions, OpenTelemetry objects by shape, and class instances as options", () => {
    class Options {
      model = "m";
    }
    expect(() => checkThreadOptions(new Options())).not.toThrow();
    expect(() =>
      checkCodexOptions({
        onEvent: () => {},
        tracer: { startSpan: () => ({}) },
        meter: { createHistogram: () => ({ record() {} }) },
        logger: console,
        retry: { maxAttempts: undefined },
      }),
    ).not.toThrow();
    const arktypeLike = Object.assign(() => true, { "~standard": { version: 1, vendor: "x", validate: () => ({ value: 1 }) } });
    expect(() => checkTurnOptions({ outputSchema: arktypeLike, signal: AbortSignal.timeout(1000), retry: false })).not.toThrow();
  });
});
