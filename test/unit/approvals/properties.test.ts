import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ApprovalHandler, ApprovalRequest } from "../../../src/approvals/index.js";
import { APPROVAL_DECISIONS, approvalRules, decideApproval, isApprovalDecision } from "../../../src/approvals/index.js";
import { APPROVAL_METHODS } from "../../../src/transport/app-server/approval-methods.js";
import { toApprovalRequest } from "../../../src/transport/app-server/approval-requests.js";
import { silentLogger } from "../../../src/logger.js";
import { commandParams, fileChangeParams } from "./helpers.js";

const request: ApprovalRequest = toApprovalRequest("item/commandExecution/requestApproval", commandParams());
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Arbitrary handler behaviour: return anything, or a decision, sync or after a delay; or throw/reject anything.
const behaviour = fc.record({
  outcome: fc.oneof(
    fc.record({ type: fc.constant("return" as const), value: fc.oneof(fc.anything(), fc.constantFrom(...APPROVAL_DECISIONS)) }),
    fc.record({ type: fc.constant("throw" as const), value: fc.anything() }),
  ),
  async: fc.boolean(),
  delayMs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 60 })),
});

describe("approval properties", () => {
  it("decideApproval always resolves to one of the four decisions", async () => {
    await fc.assert(
      fc.asyncProperty(behaviour, fc.option(fc.constantFrom(...APPROVAL_DECISIONS), { nil: undefined }), async (b, otherwise) => {
        const handler = (async () => {
          if (b.async && b.delayMs > 0) await sleep(b.delayMs);
          if (b.outcome.type === "throw") throw b.outcome.value;
          return b.outcome.value;
        }) as unknown as ApprovalHandler;
        const syncHandler = (() => {
          if (b.outcome.type === "throw") throw b.outcome.value;
          return b.outcome.value;
        }) as unknown as ApprovalHandler;
        const outcome = await decideApproval(b.async ? handler : syncHandler, request, { logger: silentLogger, timeoutMs: 30, ...(otherwise ? { otherwise } : {}) });
        expect(isApprovalDecision(outcome.decision)).toBe(true);
        if (outcome.source !== "handler") expect(outcome.decision).toBe(otherwise ?? "decline");
        else expect(outcome.decision).toBe(b.outcome.value);
      }),
      { numRuns: 150 },
    );
  });

  it("toApprovalRequest never throws and keeps the params as raw", () => {
    fc.assert(
      fc.property(fc.oneof(fc.constantFrom(...APPROVAL_METHODS), fc.string()), fc.anything({ withNullPrototype: true, withBoxedValues: true }), (method, params) => {
        const parsed = toApprovalRequest(method, params, { changes: [params] });
        expect(["command", "file_change", "permissions", "other"]).toContain(parsed.kind);
        expect(parsed.raw).toBe(params);
        expect(parsed.method).toBe(method);
      }),
    );
  });

  const word = fc.stringMatching(/^[a-z]{1,6}$/);

  it("deny always beats allow when both match a command", () => {
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 4 }), fc.constantFrom(...APPROVAL_DECISIONS), (words, otherwise) => {
        const text = words.join(" ");
        const rules = approvalRules({ allow: [text, "*", /.*/], deny: [`${words[0]}*`], otherwise });
        expect(rules(toApprovalRequest("item/commandExecution/requestApproval", commandParams({ command: text })))).toBe("decline");
      }),
    );
  });

  it("deny always beats allow when both match any changed path", () => {
    fc.assert(
      fc.property(fc.array(fc.array(word, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 5 }), fc.nat(), (paths, pick) => {
        const files = paths.map((segments) => segments.join("/"));
        const denied = files[pick % files.length] as string;
        const rules = approvalRules({ allow: ["**", /.*/], deny: [denied], otherwise: "accept" });
        const changes = files.map((path) => ({ path, kind: "update" as const }));
        expect(rules(toApprovalRequest("item/fileChange/requestApproval", fileChangeParams(), { changes }))).toBe("decline");
      }),
    );
  });
});
