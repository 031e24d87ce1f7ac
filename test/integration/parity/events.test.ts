/**
 * codexkit yields the same events as @openai/codex-sdk for the same scenario: exactly on exec;
 * on app-server once its documented additions (token deltas, turn ids, item ids) are set aside.
 */
import { describe, expect, it } from "vitest";
import { compare, compareAppServer, scenarios } from "../../helpers/parity.js";

describe("event stream parity with @openai/codex-sdk (exec transport)", () => {
  for (const scenario of scenarios) {
    it(scenario.name, async () => {
      const { official, codexkit } = await compare(scenario);
      expect(official.length).toBeGreaterThan(2);
      expect(codexkit).toEqual(official);
    });
  }
});

describe("event stream parity with @openai/codex-sdk (app-server transport, additions set aside)", () => {
  for (const scenario of scenarios) {
    it(scenario.name, async () => {
      const { official, appServer } = await compareAppServer(scenario);
      expect(official.length).toBeGreaterThan(2);
      expect(appServer).toEqual(official);
    });
  }
});
