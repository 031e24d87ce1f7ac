import { describe, expect, it } from "vitest";
import { silentLogger } from "../../../src/logger.js";
import { decideElicitation, type ElicitationHandler, type ElicitationRequest } from "../../../src/mcp/index.js";

const request: ElicitationRequest = { threadId: "t", turnId: "u", server: "fx", mode: "form", message: "Ship it?", requestedSchema: { type: "object" }, raw: {} };
const options = { logger: silentLogger };

describe("decideElicitation", () => {
  it("passes an answer through, keeping content only for accept", async () => {
    expect(await decideElicitation(() => ({ action: "accept", content: { ok: true } }), request, options)).toEqual({ action: "accept", content: { ok: true } });
    expect(await decideElicitation(() => ({ action: "decline", content: { ok: true } }), request, options)).toEqual({ action: "decline" });
    expect(await decideElicitation(() => Promise.resolve({ action: "cancel" as const }), request, options)).toEqual({ action: "cancel" });
  });

  it.each<[string, ElicitationHandler | undefined]>([
    ["no handler", undefined],
    ["a handler that throws", () => {
      throw new Error("boom");
    }],
    ["a handler that answers something else", () => ({ action: "yes" }) as never],
    ["a handler whose content is not an object", () => ({ action: "accept", content: "ok" }) as never],
  ])("declines with %s", async (_what, handler) => {
    expect(await decideElicitation(handler, request, options)).toEqual({ action: "decline" });
  });

  it("declines after the timeout, and cancels when the turn ends first", async () => {
    const never: ElicitationHandler = () => new Promise(() => {});
    expect(await decideElicitation(never, request, { ...options, timeoutMs: 20 })).toEqual({ action: "decline" });
    const controller = new AbortController();
    let handlerSignal: AbortSignal | undefined;
    const pending = decideElicitation(
      (_request, { signal }) => {
        handlerSignal = signal;
        return new Promise(() => {});
      },
      request,
      { ...options, signal: controller.signal },
    );
    controller.abort();
    expect(await pending).toEqual({ action: "cancel" });
    expect(handlerSignal?.aborted).toBe(true);
  });
});
