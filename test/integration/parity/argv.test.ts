/**
 * The exec transport must hand codex the same argv and environment as @openai/codex-sdk for the
 * same options (plus codexkit's originator). A recording stand-in for the binary captures both.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Codex as OfficialCodex } from "@openai/codex-sdk";
import { afterAll, beforeAll, describe, expect } from "vitest";
import { Codex } from "../../../src/index.js";
import { PNG } from "../../helpers/fixtures.js";
import { unixOnly } from "../../helpers/platform.js";

/** The stand-in for the binary is a Node script with a shebang. */
const withRecorder = unixOnly("the stand-in binary is a script with a shebang, which Windows cannot start as a program");

let dir: string;
let recorder: string;
/** Images must exist: codexkit refuses a missing one before codex runs (AttachmentError). */
const images = mkdtempSync(path.join(os.tmpdir(), "codexkit-argv-images-"));
for (const name of ["a.png", "b.png"]) writeFileSync(path.join(images, name), PNG);
afterAll(() => rmSync(images, { recursive: true, force: true }));

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "codexkit-argv-"));
  recorder = path.join(dir, "codex");
  // Records argv (one per line, JSON-encoded), env and stdin, then prints a minimal turn.
  writeFileSync(
    recorder,
    `#!/usr/bin/env node
const fs = require("fs");
const out = process.env.RECORD_TO;
let stdin = "";
process.stdin.on("data", (c) => (stdin += c));
process.stdin.on("end", () => {
  fs.writeFileSync(out, JSON.stringify({ argv: process.argv.slice(2), env: process.env, stdin }));
  process.stdout.write('{"type":"thread.started","thread_id":"t-1"}\\n{"type":"turn.started"}\\n');
  process.stdout.write('{"type":"item.completed","item":{"id":"item_0","type":"agent_message","text":"{\\\\"ok\\\\":true}"}}\\n');
  process.stdout.write('{"type":"turn.completed","usage":{"input_tokens":1,"cached_input_tokens":0,"cache_write_input_tokens":0,"output_tokens":1,"reasoning_output_tokens":0}}\\n');
});
`,
  );
  chmodSync(recorder, 0o755);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Recorded {
  argv: string[];
  env: Record<string, string>;
  stdin: string;
}

type Options = { client: Record<string, unknown>; thread: Record<string, unknown>; turn?: Record<string, unknown>; resume?: string; input?: unknown };

async function record(kind: "official" | "codexkit", opts: Options): Promise<Recorded> {
  const file = path.join(dir, `${kind}-${Math.random().toString(36).slice(2)}.json`);
  const env = { PATH: process.env.PATH ?? "", RECORD_TO: file, SOME_SETTING: "x" };
  const clientOptions = { ...opts.client, codexPathOverride: recorder, env };
  const input = (opts.input ?? "hello there") as string;
  if (kind === "official") {
    const codex = new OfficialCodex(clientOptions);
    const thread = opts.resume ? codex.resumeThread(opts.resume, opts.thread) : codex.startThread(opts.thread);
    await thread.run(input, opts.turn ?? {});
  } else {
    const codex = new Codex({ ...(clientOptions as object), transport: "exec" });
    try {
      const thread = opts.resume ? codex.resumeThread(opts.resume, opts.thread) : codex.startThread(opts.thread);
      await thread.run(input, opts.turn ?? {});
    } finally {
      await codex.close();
    }
  }
  const recorded = JSON.parse(readFileSync(file, "utf8")) as Recorded;
  delete recorded.env.RECORD_TO;
  rmSync(file);
  return recorded;
}

/** Schema files live in fresh temp dirs; compare their contents, not their paths. */
function normalizeArgv(argv: string[]): string[] {
  return argv.map((arg, i) => (argv[i - 1] === "--output-schema" ? "<schema-file>" : arg));
}

const cases: Array<[string, Options]> = [
  ["defaults", { client: {}, thread: {} }],
  [
    "every thread option",
    {
      client: { baseUrl: "http://127.0.0.1:9/v1", apiKey: "sk-test-0123456789abcdef", config: { a: { b: 1, c: "x" }, list: [1, 2] }, configOverrides: ["raw=true"] },
      thread: {
        model: "gpt-test",
        sandboxMode: "workspace-write",
        workingDirectory: os.tmpdir(),
        additionalDirectories: ["/a", "/b"],
        skipGitRepoCheck: true,
        modelReasoningEffort: "high",
        networkAccessEnabled: false,
        webSearchMode: "cached",
        approvalPolicy: "on-request",
        threadSource: "ci",
      },
      turn: { outputSchema: { type: "object", properties: { ok: { type: "boolean" } }, required: ["ok"], additionalProperties: false } },
    },
  ],
  ["web search enabled flag", { client: {}, thread: { webSearchEnabled: true } }],
  ["web search disabled flag", { client: {}, thread: { webSearchEnabled: false } }],
  [
    "resume with images",
    {
      client: {},
      thread: { model: "m", threadSource: "ignored-on-resume" },
      resume: "thread-123",
      input: [
        { type: "text", text: "look" },
        { type: "local_image", path: path.join(images, "a.png") },
        { type: "text", text: "and this" },
        { type: "local_image", path: path.join(images, "b.png") },
      ],
    },
  ],
];

describe("exec argv and env parity with @openai/codex-sdk", () => {
  for (const [name, opts] of cases) {
    withRecorder(name, async () => {
      const official = await record("official", opts);
      const ours = await record("codexkit", opts);
      expect(normalizeArgv(ours.argv)).toEqual(normalizeArgv(official.argv));
      expect(ours.stdin).toBe(official.stdin);
      const { CODEX_INTERNAL_ORIGINATOR_OVERRIDE: ourOriginator, ...ourEnv } = ours.env;
      const { CODEX_INTERNAL_ORIGINATOR_OVERRIDE: theirOriginator, ...theirEnv } = official.env;
      expect(ourOriginator).toBe("codexkit");
      expect(theirOriginator).toBe("codex_sdk_ts");
      expect(ourEnv).toEqual(theirEnv);
    });
  }

  withRecorder("adds codexkit's own options after the official ones", async () => {
    const ours = await record("codexkit", {
      client: { codexHome: path.join(dir, "home") },
      thread: { ephemeral: true, baseInstructions: "be brief", developerInstructions: "use tabs" },
    });
    expect(ours.argv).toEqual([
      "exec",
      "--experimental-json",
      "--config",
      'base_instructions="be brief"',
      "--config",
      'developer_instructions="use tabs"',
      "--ephemeral",
    ]);
    expect(ours.env.CODEX_HOME).toBe(path.join(dir, "home"));
  });
});
