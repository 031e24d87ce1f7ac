import { describe, expect, it, vi } from "vitest";
import type { ApprovalHandler, ApprovalRequest } from "../../../src/approvals/index.js";
import { approvalRules, decideApproval } from "../../../src/approvals/index.js";
import { toApprovalRequest } from "../../../src/transport/app-server/approval-requests.js";
import { commandParams, recordingLogger } from "./helpers.js";
import { silentLogger } from "../../../src/logger.js";

const request: ApprovalRequest = toApprovalRequest("item/commandExecution/requestApproval", commandParams());
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("decideApproval", () => {
  it("uses the handler's decision, sync or async", async () => {
    const logger = recordingLogger();
    expect(await decideApproval(() => "accept", request, { logger })).toEqual({ decision: "accept", source: "handler" });
    expect(await decideApproval(() => Promise.resolve("acceptForSession" as const), request, { logger })).toEqual({ decision: "acceptForSession", source: "handler" });
    expect(logger.entries.filter((e) => e.level === "warn")).toEqual([]);
  });

  it("declines without a handler, logging at debug, whatever otherwise says", async () => {
    const logger = recordingLogger();
    expect(await decideApproval(undefined, request, { logger, otherwise: "accept" })).toEqual({ decision: "decline", source: "no-handler" });
    expect(logger.entries).toEqual([expect.objectContaining({ level: "debug" })]);
  });

  it("answers otherwise and warns when the handler throws", async () => {
    const logger = recordingLogger();
    const handler: ApprovalHandler = () => {
      throw new Error("handler exploded");
    };
    expect(await decideApproval(handler, request, { logger, otherwise: "cancel" })).toEqual({ decision: "cancel", source: "error" });
    expect(logger.entries).toEqual([
      expect.objectContaining({ level: "warn", obj: expect.objectContaining({ error: "handler exploded", kind: "command", itemId: "call_1" }) }),
    ]);
  });

  it("answers otherwise (default decline) when the handler rejects", async () => {
    const logger = recordingLogger();
    expect(await decideApproval(() => Promise.reject(new Error("nope")), request, { logger })).toEqual({ decision: "decline", source: "error" });
    expect(logger.entries[0]?.level).toBe("warn");
  });

  it("answers otherwise and warns when the handler is too slow", async () => {
    const logger = recordingLogger();
    vi.useFakeTimers();
    try {
      const slow: ApprovalHandler = async () => {
        await sleep(500);
        return "accept" as const;
      };
      let settled = false;
      const decided = decideApproval(slow, request, { logger, timeoutMs: 40 }).finally(() => (settled = true));
      await vi.advanceTimersByTimeAsync(39);
      expect(settled).toBe(false);
      // At 40 ms of (fake) time the answer is in, long before the handler's 500 ms.
      await vi.advanceTimersByTimeAsync(1);
      expect(settled).toBe(true);
      expect(await decided).toEqual({ decision: "decline", source: "timeout" });
    } finally {
      vi.useRealTimers();
    }
    expect(logger.entries).toEqual([expect.objectContaining({ level: "warn", obj: expect.objectContaining({ timeoutMs: 40 }) })]);
  });

  it("waits without a limit when the timeout is 0 (not the 60 s default)", async () => {
    vi.useFakeTimers();
    try {
      let release: (decision: "accept") => void = () => {};
      const slow: ApprovalHandler = () => new Promise((resolve) => (release = resolve));
      let settled = false;
      const pending = decideApproval(slow, request, { logger: silentLogger, timeoutMs: 0 }).finally(() => (settled = true));
      await vi.advanceTimersByTimeAsync(10 * 60_000);
      expect(settled).toBe(false);
      release("accept");
      expect(await pending).toEqual({ decision: "accept", source: "handler" });
    } finally {
      vi.useRealTimers();
    }
  });

  it("answers otherwise and warns when the handler returns something invalid", async () => {
    const logger = recordingLogger();
    const sloppy = (() => "approve") as unknown as ApprovalHandler;
    expect(await decideApproval(sloppy, request, { logger, otherwise: "cancel" })).toEqual({ decision: "cancel", source: "invalid" });
    expect(logger.entries).toEqual([expect.objectContaining({ level: "warn", obj: expect.objectContaining({ returned: '"approve"' }) })]);
  });

  it("prefers the settings attached to an approvalRules handler", async () => {
    const logger = recordingLogger();
    const rules = approvalRules({ otherwise: "cancel", timeoutMs: 30 });
    const slow = Object.assign(async () => {
      await sleep(500);
      return "accept" as const;
    }, { timeoutMs: rules.timeoutMs, otherwise: rules.otherwise });
    expect(await decideApproval(slow, request, { logger, timeoutMs: 10_000, otherwise: "decline" })).toEqual({ decision: "cancel", source: "timeout" });
    expect(await decideApproval(rules, request, { logger, otherwise: "accept" })).toEqual({ decision: "cancel", source: "handler" });
  });

  it("survives a logger that throws", async () => {
    const broken = recordingLogger();
    broken.warn = () => {
      throw new Error("logger down");
    };
    expect(await decideApproval(() => Promise.reject(new Error("x")), request, { logger: broken })).toEqual({ decision: "decline", source: "error" });
  });

  it("describes thrown non-errors without choking on them", async () => {
    const logger = recordingLogger();
    const weird = Object.create(null) as object;
    const handler: ApprovalHandler = () => {
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- the case under test: a handler that throws a non-Error
      throw weird;
    };
    expect(await decideApproval(handler, request, { logger })).toEqual({ decision: "decline", source: "error" });
    expect(logger.entries[0]?.obj.error).toBe("object");
  });
});

describe("decideApproval cancellation", () => {
  it("answers cancel when the turn's signal aborts first, and aborts the handler's signal", async () => {
    const turn = new AbortController();
    let handlerSignal: AbortSignal | undefined;
    const pending = decideApproval(
      (_request, { signal }) => {
        handlerSignal = signal;
        return new Promise(() => {});
      },
      toApprovalRequest("item/commandExecution/requestApproval", commandParams()),
      { logger: silentLogger, signal: turn.signal, timeoutMs: 10_000 },
    );
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(handlerSignal?.aborted).toBe(false);
    turn.abort();
    expect(await pending).toEqual({ decision: "cancel", source: "cancelled" });
    expect(handlerSignal?.aborted).toBe(true);
  });

  it("does not call the handler when the turn is already over", async () => {
    const turn = new AbortController();
    turn.abort();
    let called = false;
    const outcome = await decideApproval(
      () => {
        called = true;
        return "accept";
      },
      toApprovalRequest("item/commandExecution/requestApproval", commandParams()),
      { logger: silentLogger, signal: turn.signal },
    );
    expect(outcome).toEqual({ decision: "cancel", source: "cancelled" });
    expect(called).toBe(false);
  });
});
