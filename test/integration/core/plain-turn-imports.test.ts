/**
 * What a plain program pays for: a child script that imports codexkit, runs one turn and exits
 * loads none of the dependencies codexkit keeps for other work (zod for explaining bad options,
 * the MCP SDK, ws, ajv, picomatch, OpenTelemetry). Checked on both transports, through module
 * hooks (for `import`) and `require.cache` (for what `lazyModule` requires).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MockModelServer, say } from "../../../src/testing/index.js";
import { REPORT, startScript } from "../../helpers/child-script.js";
import { TRANSPORTS } from "../../helpers/transports.js";

const HOOKS = pathToFileURL(path.join(import.meta.dirname, "../../helpers/import-log-hooks.mjs")).href;
const REGISTER = `data:text/javascript,import{register}from"node:module";register(${JSON.stringify(HOOKS)});`;

const PLAIN_TURN = `
import { createRequire } from "node:module";
${REPORT}
const require = createRequire(import.meta.url);
const before = new Set(Object.keys(require.cache));
const { Codex } = await import(CODEXKIT_ENTRY);
const { options, cwd } = JSON.parse(process.env.CODEXKIT_TEST);
const codex = new Codex(options);
const thread = codex.startThread({ workingDirectory: cwd, skipGitRepoCheck: true, sandboxMode: "read-only", approvalPolicy: "never" });
const result = await thread.run("Say ok.", { signal: AbortSignal.timeout(60_000) });
const required = Object.keys(require.cache).filter((file) => !before.has(file) && file.includes("node_modules")).map((file) => file.replace(/.*node_modules[\\\\/]((@[^\\\\/]+[\\\\/])?[^\\\\/]+).*/, "$1"));
report("done", { answer: result.finalResponse, required: [...new Set(required)] });
process.exit(0);
`;

let model: MockModelServer;
let dir: string;

beforeAll(async () => {
  model = await MockModelServer.start();
  dir = mkdtempSync(path.join(os.tmpdir(), "codexkit-imports-"));
});

afterAll(async () => {
  await model.close();
  rmSync(dir, { recursive: true, force: true });
});

describe.each(TRANSPORTS)("a plain one-turn program on %s", (transport) => {
  it("loads no dependency beyond signal-exit", async () => {
    model.reply(say("ok"));
    const log = path.join(dir, `${transport}.log`);
    const options = { ...model.codexOptions(), transport };
    const script = startScript(PLAIN_TURN, { CODEXKIT_TEST: JSON.stringify({ options, cwd: dir }), CODEXKIT_IMPORT_LOG: log }, ["--import", REGISTER]);
    try {
      const done = await script.waitFor("done", 60_000);
      expect(done.answer).toBe("ok");
      const imported = readFileSync(log, { encoding: "utf8", flag: "a+" }).split("\n").filter(Boolean);
      expect({ imported: [...new Set(imported)], required: done.required }).toEqual({ imported: [], required: ["signal-exit"] });
    } finally {
      await script.dispose();
    }
  });
});
