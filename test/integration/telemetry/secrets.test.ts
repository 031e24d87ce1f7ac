/**
 * Planted secrets (an API key, a bearer token, a secret environment value) never reach a span, a
 * span event, a log line or the diagnostics report, across a scenario set on both transports:
 * content capture on, debug logging on, the secrets in the prompt, a tool's arguments and result,
 * a command's output, an approval, a failed turn and a failed tool.
 */
import { afterEach, describe, expect } from "vitest";
import { z } from "zod";
import { tool, type Codex, type TransportKind } from "../../../src/index.js";
import { callTool, httpError, runCommand, say } from "../../../src/testing/index.js";
import { harness, type Harness } from "../../helpers/harness.js";
import { recordingLogger } from "../../helpers/logger.js";
import { otelCapture, spanText, type OtelCapture } from "../../helpers/otel.js";
import { TRANSPORTS } from "../../helpers/transports.js";
import { unixOnly } from "../../helpers/platform.js";

const withShell = unixOnly("the mock model scripts POSIX shell commands; codex runs commands through PowerShell and its own sandbox on Windows");

const API_KEY = "sk-planted-apikey-0123456789abcdef";
const BEARER = "Bearer plantedbearertoken0123456789";
const ENV_SECRET = "planted-env-secret-value-42";
const SECRETS = [API_KEY, "plantedbearertoken0123456789", ENV_SECRET];

let h: Harness;
let otel: OtelCapture;
afterEach(async () => {
  try {
    await h?.close();
  } finally {
    await otel?.shutdown();
  }
});

const leak = tool({
  name: "lookup",
  description: "Returns a credential-bearing header",
  parameters: z.object({ key: z.string() }),
  execute: ({ key }) => `looked up ${key}; send ${BEARER} and ${ENV_SECRET}`,
});
const broken = tool({
  name: "broken",
  description: "Fails with a secret in its message",
  parameters: z.object({}),
  execute: () => {
    throw new Error(`upstream refused ${API_KEY} / ${BEARER}`);
  },
});

function client(transport: TransportKind, logger: ReturnType<typeof recordingLogger>): Codex {
  return h.client({
    env: h.model.codexOptions({ codexHome: h.codexHome, env: { MY_SERVICE_TOKEN: ENV_SECRET } }).env,
    apiKey: API_KEY,
    logger,
    tracer: otel.tracerProvider.getTracer("codexkit"),
    meter: otel.meterProvider.getMeter("codexkit"),
    captureContent: true,
    tools: [leak, broken],
    transport,
  });
}

describe.each(TRANSPORTS)("%s transport: no secret in telemetry", (transport) => {
  withShell("keeps every planted secret out of spans, events, logs and diagnostics", async () => {
    otel = otelCapture();
    h = await harness(transport);
    const logger = recordingLogger();
    const codex = client(transport, logger);
    const ns = transport === "exec" ? { namespace: "mcp__codexkit" } : {};
    const approving = transport === "app-server";
    h.model
      .reply(runCommand(`echo ${ENV_SECRET} ${API_KEY}`, approving ? { escalate: true } : {}))
      .reply(callTool("lookup", { key: API_KEY }, { callId: "c1", ...ns }), callTool("broken", {}, { callId: "c2", ...ns }))
      .reply(say(`done: ${BEARER} ${API_KEY}`));
    const thread = codex.startThread({
      skipGitRepoCheck: true,
      workingDirectory: h.cwd,
      ...(approving ? { approvalPolicy: "on-request" as const, onApproval: () => "accept" as const } : {}),
    });
    const turn = await thread.run(`use ${API_KEY} and ${ENV_SECRET} and ${BEARER}`);
    expect(turn.finalResponse).toContain("done");
    h.model.enqueue(httpError(401, { body: { error: { message: `bad key ${API_KEY}` } } }));
    await expect(thread.run(`again ${API_KEY}`, { retry: false })).rejects.toMatchObject({ code: "auth_failed" });
    const diagnostics = JSON.stringify(await codex.diagnostics());

    const spans = otel.spans();
    expect(spans.map((s) => s.name)).toEqual(expect.arrayContaining(["invoke_agent codex", "execute_tool shell", "execute_tool lookup", "execute_tool broken"]));
    // Content was captured (redacted), so the check below is not vacuous.
    expect(spans.some((s) => String(s.attributes["gen_ai.tool.call.result"] ?? "").includes("[REDACTED]"))).toBe(true);
    const logs = JSON.stringify(logger.entries);
    expect(logger.entries.length).toBeGreaterThan(5);
    for (const secret of SECRETS) {
      for (const span of spans) expect(spanText(span), `${span.name} carries a secret`).not.toContain(secret);
      expect(logs).not.toContain(secret);
      expect(diagnostics).not.toContain(secret);
    }
    expect((JSON.parse(diagnostics) as { recentErrors: unknown }).recentErrors).toEqual([expect.objectContaining({ code: "auth_failed" })]);
  });
});
