/**
 * Option values the official SDK spells as exec's command line takes them, which app-server's v2
 * JSON refuses as they are ("unknown variant"): codexkit sends them so that codex takes them,
 * against the real binary.
 */
import { afterEach, describe, expect, it } from "vitest";
import { say } from "../../../src/testing/index.js";
import { harness, type Harness } from "../../helpers/harness.js";

let h: Harness;
afterEach(async () => {
  await h.close();
});

describe("app-server and the official SDK's spellings", () => {
  it("runs a turn with approvalPolicy 'on-failure' (sent as config, as exec sends it)", async () => {
    h = await harness("app-server");
    h.model.reply(say("done"));
    const turn = await h.thread({ approvalPolicy: "on-failure" }).run("hi");
    expect(turn.finalResponse).toBe("done");
  });

  it("runs a turn with cyberAccessProgram 'daybreak_blue' (sent as app-server spells it, daybreakBlue)", async () => {
    h = await harness("app-server");
    h.model.reply(say("done"));
    const turn = await h.thread().run("hi", { cyberAccessProgram: "daybreak_blue" });
    expect(turn.finalResponse).toBe("done");
  });
});
