/**
 * An output schema is checked before codex is asked, on both transports: an invalid JSON Schema or
 * a non-object root rejects the turn with InvalidOptionsError, the model server receives no
 * request, and the thread stays usable.
 */
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { InvalidOptionsError } from "../../../src/index.js";
import { say } from "../../../src/testing/index.js";
import { harness, type Harness } from "../../helpers/harness.js";
import { TRANSPORTS } from "../../helpers/transports.js";

let h: Harness;
afterEach(async () => {
  await h.close();
});

describe.each(TRANSPORTS)("%s transport", (transport) => {
  it("refuses an invalid output schema before codex is asked, and the thread goes on", async () => {
    h = await harness(transport);
    h.model.reply(say('{"ok":true}'));
    const thread = h.thread();
    const invalid = await thread.run("x", { outputSchema: { type: "objekt" } }).catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(InvalidOptionsError);
    expect((invalid as Error).message).toContain('outputSchema.type: "objekt" is not a JSON Schema type');
    const notObject = await thread.run("x", { outputSchema: z.string() }).catch((e: unknown) => e);
    expect(notObject).toBeInstanceOf(InvalidOptionsError);
    expect((notObject as Error).message).toContain("z.object({ value: z.string() })");
    expect(h.model.requests).toEqual([]);
    expect(thread.id).toBeNull();

    const turn = await thread.run("y", { outputSchema: { type: "object", properties: { ok: { type: "boolean" } }, required: ["ok"] } });
    expect(turn.structuredOutput).toEqual({ ok: true });
    expect(h.model.responseRequests()).toHaveLength(1);
  });
});
