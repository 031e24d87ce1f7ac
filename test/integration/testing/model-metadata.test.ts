/**
 * The testing kit gives codex metadata for the mock model (a `model_catalog_json` file), so a mock
 * turn carries no `error` item "Model metadata for `mock-model` not found" on either transport.
 * codex 0.169.0 does not ask the provider's `/models` for it (only when signed in), so the mock
 * server sees nothing but the model calls.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { ThreadEvent } from "../../../src/index.js";
import { say } from "../../../src/testing/index.js";
import { collect, harness, type Harness } from "../../helpers/harness.js";
import { TRANSPORTS } from "../../helpers/transports.js";

let h: Harness;
afterEach(async () => {
  await h.close();
});

function errorItems(events: ThreadEvent[]): string[] {
  return events.flatMap((e) => (e.type === "item.completed" && e.item.type === "error" ? [e.item.message] : []));
}

describe.each(TRANSPORTS)("%s transport", (transport) => {
  it("a default mock turn has no error item, and the server sees only the model call", async () => {
    h = await harness(transport);
    h.model.reply(say("hi"));
    const events = await collect((await h.thread().runStreamed("hello")).events);
    expect(errorItems(events)).toEqual([]);
    expect(events.map((e) => e.type)).toEqual(["thread.started", "turn.started", "item.completed", "turn.completed"]);
    expect(h.model.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["POST /v1/responses"]);
    expect(h.model.unexpectedRequests).toEqual([]);
    // The tools codex offers are those of its fallback metadata, as before the catalog.
    const tools = (h.model.responseRequests()[0]!.body.tools ?? []).map((t) => (t as { name?: string }).name);
    expect(tools).toEqual(expect.arrayContaining(["exec_command", "write_stdin"]));
  });

  it("without the catalog (modelCatalog: false) codex warns as for any unknown model", async () => {
    h = await harness(transport);
    h.model.reply(say("hi"));
    const config = h.model.codexOptions({ modelCatalog: false, codexHome: h.codexHome }).config;
    const codex = h.client({ config });
    const thread = codex.startThread({ skipGitRepoCheck: true, workingDirectory: h.cwd });
    const events = await collect((await thread.runStreamed("hello")).events);
    expect(errorItems(events)).toEqual([expect.stringContaining("Model metadata for `mock-model` not found")]);
  });
});
