/**
 * What a cassette compares of a model request: the view keeps what the test controls and drops
 * what changes between runs. The fixtures have the shapes codex 0.169.0 sends on each transport
 * (captured from the real binary against a MockModelServer).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Redactor } from "../../../src/errors/index.js";
import { isCodexContext, normalizeOutputText, normalizeRequest, normalizeTools, stringNormalizer } from "../../../src/testing/cassette/normalize.js";

type Transport = "exec" | "app-server";
const TMP = ["/tmp"];

const EXEC_COMMAND = { type: "function", name: "exec_command", description: "Runs a command in a PTY.", strict: false, parameters: { type: "object", properties: { cmd: { type: "string" } }, required: ["cmd"] } };
const ADD = { type: "function", name: "add", description: "Adds two numbers", strict: false, parameters: { type: "object", properties: { a: { type: "number" }, b: { type: "number" } } } };
const RESOURCE_HELPERS = ["list_mcp_resources", "list_mcp_resource_templates", "read_mcp_resource"].map((name) => ({ type: "function", name, description: name, strict: false, parameters: { type: "object" } }));

/** The tools codex offers: codexkit's `add` in the MCP namespace on exec (with codex's resource helpers), plain on app-server. */
function tools(transport: Transport): unknown[] {
  if (transport === "exec") {
    return [EXEC_COMMAND, ...RESOURCE_HELPERS, { type: "namespace", name: "mcp__codexkit", description: "Tools in the mcp__codexkit namespace.", tools: [ADD] }, { type: "web_search", external_web_access: false }];
  }
  return [EXEC_COMMAND, ADD, { type: "web_search", external_web_access: false }];
}

interface Run {
  transport: Transport;
  cwd: string;
  /** Varies per run: codex's item ids, the model's call ids, timings and chunk ids. */
  salt: string;
  prompt?: string;
  toolOutput?: string;
}

/** A second-turn request of a session with a command and a codexkit tool call, as codex sends it. */
function body(run: Run): Record<string, unknown> {
  const { transport, cwd, salt } = run;
  const toolOutput =
    transport === "exec"
      ? [
          { type: "input_text", text: `Wall time: 0.0${salt.length}58 seconds\nOutput:` },
          { type: "input_text", text: run.toolOutput ?? "5" },
        ]
      : (run.toolOutput ?? "5");
  return {
    model: "mock-model",
    instructions: transport === "exec" ? "exec instructions" : "app-server instructions",
    prompt_cache_key: `01a2-${salt}`,
    client_metadata: { "x-codex-turn-metadata": `{"turn_started_at_unix_ms":${salt.length}}` },
    reasoning: { summary: "auto" },
    stream: true,
    tools: tools(transport),
    input: [
      { type: "message", id: `msg_${salt}_1`, role: "developer", content: [{ type: "input_text", text: `<permissions instructions>\nApproval policy is ${transport === "exec" ? "never" : "on-request"}.\n</permissions instructions>` }] },
      {
        type: "message",
        id: `msg_${salt}_2`,
        role: "user",
        content: [{ type: "input_text", text: `<environment_context>\n  <cwd>${cwd}</cwd>\n  <current_date>2026-12-0${salt.length % 9}</current_date>\n</environment_context>` }],
      },
      { type: "message", id: `msg_${salt}_3`, role: "user", content: [{ type: "input_text", text: run.prompt ?? "run pwd" }] },
      { type: "function_call", id: `fc_${salt}_1`, name: "exec_command", arguments: '{"cmd":"pwd"}', call_id: `call_${salt}_a` },
      {
        type: "function_call_output",
        id: `fco_${salt}_1`,
        call_id: `call_${salt}_a`,
        output: `Chunk ID: ${Buffer.from(salt).toString("hex").slice(0, 6)}\nWall time: 0.00${salt.length} seconds\nProcess exited with code 0\nOutput:\n${cwd}\n`,
      },
      { type: "reasoning", id: `rs_${salt}`, summary: [], encrypted_content: `gAAA${salt}` },
      { type: "message", id: "msg_1", role: "assistant", content: [{ type: "output_text", text: "ran" }] },
      { type: "message", id: `msg_${salt}_4`, role: "user", content: [{ type: "input_text", text: "add 2 and 3" }] },
      transport === "exec"
        ? { type: "function_call", id: `fc_${salt}_2`, name: "add", namespace: "mcp__codexkit", arguments: '{"a":2,"b":3}', call_id: `call_${salt}_b` }
        : { type: "function_call", id: `fc_${salt}_2`, name: "add", arguments: '{"b":3, "a":2}', call_id: `call_${salt}_b` },
      { type: "function_call_output", id: `fco_${salt}_2`, call_id: `call_${salt}_b`, output: toolOutput },
    ],
  };
}

const view = (run: Run) => normalizeRequest(body(run), { tmpRoots: TMP });

describe("normalizeRequest", () => {
  it("reduces exec's and app-server's requests for the same session, in different runs, to one view", () => {
    const exec = view({ transport: "exec", cwd: "/tmp/codexkit-work-AbC123", salt: "x1" });
    const appServer = view({ transport: "app-server", cwd: "/tmp/codexkit-work-zZ9yY8", salt: "other-run" });
    expect(appServer).toEqual(exec);
    expect(exec.view.input).toEqual([
      { type: "message", role: "user", content: "run pwd" },
      { type: "function_call", call: "#1", name: "exec_command", arguments: { cmd: "pwd" } },
      { type: "function_call_output", call: "#1", output: "Chunk ID: <id>\nWall time: <t> seconds\nProcess exited with code 0\nOutput:\n<cwd>\n" },
      { type: "message", role: "assistant", content: "ran" },
      { type: "message", role: "user", content: "add 2 and 3" },
      { type: "function_call", call: "#2", name: "add", arguments: { a: 2, b: 3 } },
      { type: "function_call_output", call: "#2", output: "5" },
    ]);
    expect(exec.view).toMatchObject({ model: "mock-model", reasoning: { summary: "auto" } });
    // codex's instructions, cache key and metadata are not part of it.
    expect(JSON.stringify(exec)).not.toMatch(/instructions|01a2-|turn_started|encrypted|environment_context/);
  });

  it("tells apart what the test controls: the prompt, a tool's output, the tools offered", () => {
    const base = view({ transport: "exec", cwd: "/tmp/w-aaaaaa", salt: "s" });
    expect(view({ transport: "exec", cwd: "/tmp/w-aaaaaa", salt: "s", prompt: "run ls" }).view).not.toEqual(base.view);
    expect(view({ transport: "exec", cwd: "/tmp/w-aaaaaa", salt: "s", toolOutput: "6" }).view).not.toEqual(base.view);
    const changedTool = body({ transport: "exec", cwd: "/tmp/w-aaaaaa", salt: "s" });
    changedTool.tools = tools("exec").map((tool) => (tool === EXEC_COMMAND ? { ...EXEC_COMMAND, description: "Runs a command." } : tool));
    const other = normalizeRequest(changedTool, { tmpRoots: TMP });
    expect(other.view.tools).not.toBe(base.view.tools);
    expect(other.view.input).toEqual(base.view.input);
  });

  it("lists tools sorted, codexkit's unwrapped from its exec namespace, other namespaces kept, MCP resource helpers left out", () => {
    const calc = { type: "namespace", name: "mcp__calc", description: "Tools in the mcp__calc namespace.", tools: [{ type: "function", name: "add", description: "calc" }] };
    const listed = normalizeTools([...tools("exec"), calc]);
    expect(listed.map((tool) => [tool.namespace, tool.name ?? tool.type])).toEqual([
      [undefined, "add"],
      [undefined, "exec_command"],
      ["mcp__calc", "add"],
      [undefined, "web_search"],
    ]);
    expect(normalizeTools([...tools("app-server")].reverse())).toEqual(normalizeTools(tools("exec")));
  });

  it("replaces the working directory and mkdtemp names under the temp roots, and nothing else", () => {
    const strings = stringNormalizer("/tmp/cx-work-Qw3rTy", ["/tmp", "/var/folders/x/T"]);
    expect(strings("cd /tmp/cx-work-Qw3rTy/src && cat /tmp/codexkit-userhome-a1B2c3/.bashrc")).toBe("cd <cwd>/src && cat <tmp>/codexkit-userhome-XXXXXX/.bashrc");
    expect(strings("/var/folders/x/T/bot_9f8e7d")).toBe("<tmp>/bot_XXXXXX");
    // Stable names stay (only the root is written the same way on every machine).
    expect(strings("/tmp/project/readme and /home/me/cx-work-Qw3rTy2")).toBe("<tmp>/project/readme and /home/me/cx-work-Qw3rTy2");
  });

  it("keeps images by media type and a hash of their data, so the same picture matches", () => {
    const withImage = (data: string) =>
      normalizeRequest({ input: [{ type: "message", role: "user", content: [{ type: "input_text", text: "what is this" }, { type: "input_image", image_url: `data:image/png;base64,${data}` }] }] });
    const one = withImage("iVBORw0KGgo=");
    expect(one.view.input[0]!.content).toEqual([
      { type: "input_text", text: "what is this" },
      { type: "input_image", image: expect.stringMatching(/^data:image\/png;sha256:[0-9a-f]{16}$/) },
    ]);
    expect(withImage("iVBORw0KGgo=")).toEqual(one);
    expect(withImage("R0lGODlh")).not.toEqual(one);
  });

  it("redacts secrets in the view: known values, key-shaped text, and secret-named argument fields", () => {
    const redactor = new Redactor().add("hunter2-very-secret");
    const request = {
      input: [
        { type: "message", role: "user", content: "my password is hunter2-very-secret" },
        { type: "function_call", call_id: "c", name: "login", arguments: '{"user":"me","token":"tok-abcdef-123"}' },
        { type: "function_call_output", call_id: "c", output: "OPENAI_API_KEY=sk-proj-abcdefghijklmnop" },
      ],
    };
    const { view: redacted } = normalizeRequest(request, { redact: (value) => redactor.redactValue(value) });
    const text = JSON.stringify(redacted);
    expect(text).not.toContain("hunter2-very-secret");
    expect(text).not.toContain("tok-abcdef-123");
    expect(text).not.toContain("sk-proj-abcdefghijklmnop");
    expect(redacted.input[1]).toMatchObject({ arguments: { user: "me", token: "[REDACTED]" } });
  });

  it("is the same whatever ids codex and the model pick (property)", () => {
    const id = fc.stringMatching(/^[A-Za-z0-9]{3,12}$/);
    fc.assert(
      fc.property(id, id, fc.constantFrom<Transport>("exec", "app-server"), fc.constantFrom<Transport>("exec", "app-server"), (a, b, t1, t2) => {
        const first = view({ transport: t1, cwd: `/tmp/work-${a.padEnd(6, "x").slice(0, 6)}`, salt: a });
        const second = view({ transport: t2, cwd: `/tmp/work-${b.padEnd(6, "y").slice(0, 6)}`, salt: b });
        expect(second).toEqual(first);
      }),
    );
  });
});

describe("isCodexContext", () => {
  it("knows codex's blocks and leaves the user's words alone", () => {
    for (const text of ["<environment_context>\n<cwd>/x</cwd>\n</environment_context>", "# AGENTS.md instructions for /repo\n\nbe nice", "<permissions instructions>\nx\n</permissions instructions>", "  <skills_instructions>a</skills_instructions>\n"]) {
      expect(isCodexContext(text), text).toBe(true);
    }
    for (const text of ["run the tests", "<b>bold</b> move", "<environment_context> is what codex adds", "</x>"]) expect(isCodexContext(text), text).toBe(false);
  });
});

describe("normalizeOutputText", () => {
  it("replaces timings and chunk ids, and is idempotent (property)", () => {
    expect(normalizeOutputText("Chunk ID: 0f462d\nWall time: 1.2500 seconds\nOutput:\nok")).toBe("Chunk ID: <id>\nWall time: <t> seconds\nOutput:\nok");
    fc.assert(
      fc.property(fc.string(), (text) => {
        const once = normalizeOutputText(text);
        expect(normalizeOutputText(once)).toBe(once);
      }),
    );
  });
});
