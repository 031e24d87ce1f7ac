/** codexkit's exec transport yields the same events as @openai/codex-sdk for the same scenario. */
import { describe, expect, it } from "vitest";
import { compare, scenarios } from "../../helpers/parity.js";

describe("event stream parity with @openai/codex-sdk", () => {
  for (const scenario of scenarios) {
    it(scenario.name, async () => {
      const { official, codexkit } = await compare(scenario);
      expect(official.length).toBeGreaterThan(2);
      expect(codexkit).toEqual(official);
    });
  }
});
