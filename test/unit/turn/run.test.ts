/**
 * The turn layer's orchestration with a scripted transport: which failures are retried, what the
 * stream shows, and that an abort or a missing revert stops the retries.
 */
import { describe, expect, it } from "vitest";
import { AbortError, RateLimitError, Redactor } from "../../../src/errors/index.js";
import type { ThreadEvent } from "../../../src/events.js";
import { normalizeInput } from "../../../src/input.js";
import { silentLogger } from "../../../src/logger.js";
import { ToolRegistry } from "../../../src/tools/index.js";
import type { Transport, TransportEvent, TurnRequest } from "../../../src/transport/index.js";
import { runTurn, type RetryInfo, type TurnPlan } from "../../../src/turn/index.js";
import { Telemetry } from "../../../src/telemetry/index.js";
import { FileStore } from "../../../src/files/index.js";
import os from "node:os";
import path from "node:path";
import { Recorder } from "../../../src/diagnostics/index.js";

const RATE_LIMITED: ThreadEvent = {
  type: "turn.failed",
  error: { message: "exceeded retry limit, last status: 429 Too Many Requests", codexErrorInfo: { responseTooManyFailedAttempts: { httpStatusCode: 429 } } },
  turnId: "turn-1",
};

/** A transport that plays `attempts[n]` for the n-th attempt and records requests and reverts. */
function scripted(attempts: TransportEvent[][], options: { revert?: boolean | "fails" } = {}): Transport & { requests: TurnRequest[]; reverts: string[][] } {
  const requests: TurnRequest[] = [];
  const reverts: string[][] = [];
  const transport: Transport & { requests: TurnRequest[]; reverts: string[][] } = {
    kind: "app-server",
    requests,
    reverts,
    // eslint-disable-next-line @typescript-eslint/require-await -- async so it is an AsyncGenerator, as Transport.runTurn must be; the scripted events need no waiting
    async *runTurn(request) {
      requests.push(request);
      yield* attempts[requests.length - 1] ?? [];
    },
    steer: async () => {},
    interrupt: async () => {},
    fork: () => Promise.resolve("x"),
    close: async () => {},
    // The turn layer never asks the thread store.
    store: {} as Transport["store"],
  };
  if (options.revert !== false) {
    transport.revertTurn = (threadId, turnId) => {
      if (options.revert === "fails") return Promise.reject(new Error("ephemeral threads do not support thread/revert"));
      reverts.push([threadId, turnId]);
      return Promise.resolve();
    };
  }
  return transport;
}

function plan(transport: Transport, extra: Partial<TurnPlan> = {}, onRetry?: (info: RetryInfo) => void): TurnPlan {
  return {
    transport,
    services: {
      tools: new ToolRegistry(),
      logger: silentLogger,
      redactor: new Redactor(),
      retry: { baseDelayMs: 1, maxDelayMs: 5 },
      telemetry: new Telemetry({}, new Redactor()),
      recorder: new Recorder(silentLogger, (text) => text),
      provider: "openai",
      files: new FileStore({ dir: path.join(os.tmpdir(), "codexkit-run-test-files") }, { logger: silentLogger }),
      recordAttachments: () => {},
      ...(onRetry ? { onRetry } : {}),
    },
    thread: { skipGitRepoCheck: true },
    threadId: null,
    input: normalizeInput("hi"),
    signal: new AbortController().signal,
    ...extra,
  };
}

async function events(generator: AsyncGenerator<ThreadEvent>): Promise<ThreadEvent[]> {
  const out: ThreadEvent[] = [];
  for await (const event of generator) out.push(event);
  return out;
}

const started = (turnId: string): TransportEvent[] => [
  { type: "thread.started", thread_id: "thread-1" },
  { type: "turn.started", turnId },
];
const completed: TransportEvent = { type: "turn.completed", usage: { input_tokens: 1, cached_input_tokens: 0, cache_write_input_tokens: 0, output_tokens: 1, reasoning_output_tokens: 0 } };

describe("runTurn", () => {
  it("retries a retryable failure before any work, after reverting it, on the same thread", async () => {
    const retries: RetryInfo[] = [];
    const warning: TransportEvent = { type: "item.completed", item: { id: "w", type: "error", message: "model metadata not found" } };
    const transport = scripted([[...started("turn-1"), warning, RATE_LIMITED], [...started("turn-2"), completed]]);
    const seen = await events(runTurn(plan(transport, {}, (info) => retries.push(info))));
    expect(seen.map((e) => e.type)).toEqual(["thread.started", "turn.started", "item.completed", "turn.retrying", "turn.started", "turn.completed"]);
    expect(seen[3]).toMatchObject({ type: "turn.retrying", attempt: 1, maxAttempts: 3, error: { code: "rate_limited", message: RATE_LIMITED.type === "turn.failed" ? RATE_LIMITED.error.message : "" } });
    expect(transport.reverts).toEqual([["thread-1", "turn-1"]]);
    expect(transport.requests.map((r) => r.threadId)).toEqual([null, "thread-1"]);
    expect(retries).toHaveLength(1);
    expect(retries[0]!.error).toBeInstanceOf(RateLimitError);
  });

  it.each<[string, TransportEvent[], { revert?: boolean | "fails" }]>([
    ["the turn started work (an item)", [...started("turn-1"), { type: "item.started", item: { id: "c", type: "command_execution", command: "ls", aggregated_output: "", exit_code: null, status: "in_progress" } }, RATE_LIMITED], {}],
    ["the turn started work (a delta)", [...started("turn-1"), { type: "item.delta", itemId: "m", kind: "agent_message", delta: "h" }, RATE_LIMITED], {}],
    ["the transport cannot revert", [...started("turn-1"), RATE_LIMITED], { revert: false }],
    ["reverting fails (an ephemeral thread)", [...started("turn-1"), RATE_LIMITED], { revert: "fails" }],
    ["the failure is not retryable", [...started("turn-1"), { type: "turn.failed", error: { message: "unexpected status 401 Unauthorized" }, turnId: "turn-1" }], {}],
  ])("does not retry when %s, and ends with the attempt's turn.failed", async (_why, attempt, options) => {
    const transport = scripted([attempt, [...started("turn-2"), completed]], options);
    const seen = await events(runTurn(plan(transport)));
    expect(seen.at(-1)?.type).toBe("turn.failed");
    expect(seen.some((e) => e.type === "turn.retrying")).toBe(false);
    expect(transport.requests).toHaveLength(1);
  });

  it("stops after maxAttempts, and a turn's own setting wins over the client's", async () => {
    const failing = [...started("turn-1"), RATE_LIMITED];
    const transport = scripted([failing, failing, failing, failing]);
    const seen = await events(runTurn(plan(transport, { retry: { maxAttempts: 2, baseDelayMs: 1 } })));
    expect(seen.filter((e) => e.type === "turn.retrying")).toHaveLength(1);
    expect(seen.at(-1)?.type).toBe("turn.failed");
    expect(transport.requests).toHaveLength(2);
    const off = scripted([failing, failing]);
    expect((await events(runTurn(plan(off, { retry: false })))).at(-1)?.type).toBe("turn.failed");
    expect(off.requests).toHaveLength(1);
  });

  it("does not retry unless retry is set (the official behaviour)", async () => {
    const failing = [...started("turn-1"), RATE_LIMITED];
    const transport = scripted([failing, [...started("turn-2"), completed]]);
    const base = plan(transport);
    const { retry: _set, ...services } = base.services;
    const seen = await events(runTurn({ ...base, services }));
    expect(seen.at(-1)?.type).toBe("turn.failed");
    expect(transport.requests).toHaveLength(1);
    expect(transport.reverts).toEqual([]);
  });

  it("counts codex's own retries against maxAttempts, and never shows their reports", async () => {
    const codexRetried: TransportEvent[] = [...started("turn-1"), { type: "error", message: "Reconnecting... 1/1 (stream disconnected before completion: boom)" }, { type: "codex_retry.report" }, RATE_LIMITED];
    // 3 allowed: the first attempt took 2 requests, another as costly would make 4.
    const three = scripted([codexRetried, codexRetried]);
    const seen = await events(runTurn(plan(three, { retry: { maxAttempts: 3 } })));
    expect(seen.map((e) => e.type)).toEqual(["thread.started", "turn.started", "error", "turn.failed"]);
    expect(three.requests).toHaveLength(1);
    // 4 allowed: one retry, which says 2 requests were made, then none (2 + 2 + 2 > 4).
    const four = scripted([codexRetried, codexRetried, codexRetried]);
    const retried = await events(runTurn(plan(four, { retry: { maxAttempts: 4 } })));
    expect(retried.filter((e) => e.type === "turn.retrying")).toMatchObject([{ attempt: 2, maxAttempts: 4 }]);
    expect(retried.at(-1)?.type).toBe("turn.failed");
    expect(four.requests).toHaveLength(2);
  });

  it("maxElapsedMs stops retrying once the next wait would end after it", async () => {
    const slow = (turnId: string): TransportEvent[] => [...started(turnId), RATE_LIMITED];
    const transport = scripted([slow("turn-1"), slow("turn-2")]);
    const runTurnSlowly = transport.runTurn.bind(transport);
    transport.runTurn = async function* (request, host) {
      await new Promise((resolve) => setTimeout(resolve, 60));
      yield* runTurnSlowly(request, host);
    };
    const cut = await events(runTurn(plan(transport, { retry: { maxElapsedMs: 50 } })));
    expect(cut.at(-1)?.type).toBe("turn.failed");
    expect(transport.requests).toHaveLength(1);
    const roomy = scripted([slow("turn-1"), [...started("turn-2"), completed]]);
    expect((await events(runTurn(plan(roomy, { retry: { maxElapsedMs: 10_000 } })))).at(-1)?.type).toBe("turn.completed");
  });

  it("an abort during the backoff ends the turn with AbortError at once", async () => {
    const controller = new AbortController();
    const transport = scripted([[...started("turn-1"), RATE_LIMITED], [...started("turn-2"), completed]]);
    const generator = runTurn(plan(transport, { signal: controller.signal, retry: { baseDelayMs: 600_000, maxDelayMs: 600_000, maxElapsedMs: 1_200_000 } }));
    // A wait of five to ten minutes: only the abort can end it within the test's timeout.
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const event of generator) {
          seen.push(event.type);
          if (event.type === "turn.retrying") controller.abort();
        }
      })(),
    ).rejects.toBeInstanceOf(AbortError);
    expect(seen.at(-1)).toBe("turn.retrying");
    expect(transport.requests).toHaveLength(1);
  });

  it("a throwing onRetry is logged and the retry goes on", async () => {
    const transport = scripted([[...started("turn-1"), RATE_LIMITED], [...started("turn-2"), completed]]);
    const seen = await events(
      runTurn(
        plan(transport, {}, () => {
          throw new Error("hook broke");
        }),
      ),
    );
    expect(seen.at(-1)?.type).toBe("turn.completed");
  });
});
