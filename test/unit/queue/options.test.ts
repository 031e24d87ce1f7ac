/**
 * CodexQueue and CodexWorker check their options when constructed, before anything connects or
 * starts: a bad one is an InvalidOptionsError, thrown synchronously, with a message saying what
 * is wrong.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { InvalidOptionsError } from "../../../src/errors/index.js";
import { CodexQueue, CodexWorker, type CodexQueueOptions, type CodexWorkerOptions } from "../../../src/queue/index.js";
import { tool } from "../../../src/tools/index.js";

/** Nothing listens here; no test below may get as far as connecting. */
const connection = "redis://127.0.0.1:1";

/** The InvalidOptionsError `make` throws synchronously. */
function refusal(make: () => unknown): InvalidOptionsError {
  let thrown: InvalidOptionsError | undefined;
  try {
    make();
  } catch (error) {
    thrown = error as InvalidOptionsError;
  }
  expect(thrown).toBeInstanceOf(InvalidOptionsError);
  return thrown!;
}

const worker = (options: Partial<CodexWorkerOptions>): CodexWorker => new CodexWorker({ connection, ...options });

describe("CodexWorker options", () => {
  it.each([[0], [-1], [1.5], [Number.NaN], ["2"]])("refuses concurrency %j", (concurrency) => {
    expect(refusal(() => worker({ concurrency: concurrency as number })).message).toBe(`concurrency must be a whole number of at least 1 (got ${String(concurrency)})`);
  });

  it.each([[999], [0], [1000.5], [Number.POSITIVE_INFINITY]])("refuses lockDurationMs %j", (lockDurationMs) => {
    expect(refusal(() => worker({ lockDurationMs })).message).toBe(`lockDurationMs must be a whole number of milliseconds, at least 1000 (got ${String(lockDurationMs)})`);
  });

  it.each([[{ max: 0, durationMs: 1000 }], [{ max: 1, durationMs: 0 }], [{ max: Number.NaN, durationMs: 1000 }], [{ max: 1 }], [{ durationMs: 1000 }], [{}]])("refuses limiter %j", (limiter) => {
    expect(refusal(() => worker({ limiter: limiter as CodexWorkerOptions["limiter"] })).message).toBe("limiter needs max (turns, at least 1) and durationMs (at least 1)");
  });

  it("refuses a limiter that is null or not an object with InvalidOptionsError (not a TypeError)", () => {
    for (const limiter of [null, 5, "1/s"]) refusal(() => worker({ limiter: limiter as unknown as CodexWorkerOptions["limiter"] }));
  });

  it("refuses tools or onApproval in its codex options", () => {
    const lookup = tool({ name: "lookup", description: "", parameters: z.object({}), execute: () => "x" });
    const message = "give tools and onApproval to the CodexWorker itself, not in its codex options";
    expect(refusal(() => worker({ codex: { tools: [lookup] } as CodexWorkerOptions["codex"] })).message).toBe(message);
    expect(refusal(() => worker({ codex: { onApproval: () => "accept" } as CodexWorkerOptions["codex"] })).message).toBe(message);
  });

  it("refuses a missing connection", () => {
    const message = "CodexWorker needs a connection: a Redis URL, ioredis options or an ioredis instance";
    expect(refusal(() => new CodexWorker({} as CodexWorkerOptions)).message).toBe(message);
    expect(refusal(() => new CodexWorker(undefined as unknown as CodexWorkerOptions)).message).toBe(message);
    expect(refusal(() => new CodexWorker(null as unknown as CodexWorkerOptions)).message).toBe(message);
  });
});

describe("CodexQueue options", () => {
  it("refuses a missing connection", () => {
    const message = "CodexQueue needs a connection: a Redis URL, ioredis options or an ioredis instance";
    expect(refusal(() => new CodexQueue({} as CodexQueueOptions)).message).toBe(message);
    expect(refusal(() => new CodexQueue(undefined as unknown as CodexQueueOptions)).message).toBe(message);
  });

  it.each([[0], [2.5], [Number.NaN]])("refuses attempts %j", (attempts) => {
    expect(refusal(() => new CodexQueue({ connection, attempts })).message).toBe(`attempts must be a whole number of at least 1 (got ${String(attempts)})`);
  });
});
