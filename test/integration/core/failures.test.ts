/**
 * Failed turns as typed errors on both transports (app-server reads codex's `codexErrorInfo`, exec
 * only its message), and retries. By default a client behaves as the official SDK: it asks the
 * model once and leaves retrying to codex. With `retry`, a retryable failure before any work runs
 * again on app-server, after removing the failed turn from the thread's history (so the input
 * appears once), within a budget that counts codex's own retries and a total time.
 */
import { afterEach, describe, expect, it } from "vitest";
import {
  AbortError,
  AuthError,
  ContextWindowError,
  RateLimitError,
  ServerError,
  TurnFailedError,
  UsageLimitError,
  type Codex,
  type CodexConfigObject,
  type CodexOptions,
  type RetryInfo,
  type Thread,
  type ThreadEvent,
} from "../../../src/index.js";
import {
  disconnect,
  fail,
  httpError,
  inputItems,
  MOCK_PROVIDER_ID,
  rawEvent,
  runCommand,
  say,
  type CodexOptionsRequest,
  type RecordedRequest,
} from "../../../src/testing/index.js";
import { collect, harness, type Harness } from "../../helpers/harness.js";
import { TRANSPORTS } from "../../helpers/transports.js";

let h: Harness;
afterEach(async () => {
  await h.close();
});

/**
 * A client of the fixture whose mock provider has the given codex options; with `codexDefaults`,
 * codex's own retry settings (the provider entry leaves them out), as a real provider has them.
 */
function clientWith(request: CodexOptionsRequest & { codexDefaults?: boolean }, extra: Partial<CodexOptions> = {}): Codex {
  const { codexDefaults, ...rest } = request;
  const { config } = h.model.codexOptions({ ...rest, codexHome: h.codexHome });
  const provider: Record<string, unknown> = { ...config.model_providers[MOCK_PROVIDER_ID] };
  if (codexDefaults) {
    delete provider.request_max_retries;
    delete provider.stream_max_retries;
  }
  return h.client({ config: { ...config, model_providers: { [MOCK_PROVIDER_ID]: provider as CodexConfigObject } }, ...extra });
}

/** A thread of `client` in the fixture's working directory. */
function threadOf(client: Codex): Thread {
  return client.startThread({ skipGitRepoCheck: true, workingDirectory: h.cwd });
}

/** How many times the user's `text` is in the request's input. */
function occurrences(request: RecordedRequest, text: string): number {
  return inputItems(request).filter((item) => item.role === "user" && JSON.stringify(item.content).includes(text)).length;
}

describe.each(TRANSPORTS)("%s transport: failures", (transport) => {
  it.each([
    ["HTTP 429 → RateLimitError", () => httpError(429), RateLimitError, "rate_limited", true, 429],
    ["HTTP 401 → AuthError", () => httpError(401), AuthError, "auth_failed", false, 401],
    ["HTTP 403 → AuthError", () => httpError(403), AuthError, "auth_failed", false, 403],
    ["HTTP 500 → ServerError", () => httpError(500), ServerError, "server_error", true, null],
    ["HTTP 503 → ServerError", () => httpError(503), ServerError, "server_error", true, 503],
    ["a broken stream → ServerError", () => fail("boom"), ServerError, "server_error", true, null],
    ["a full context window → ContextWindowError", () => fail("too long", { code: "context_length_exceeded" }), ContextWindowError, "context_window_exceeded", false, null],
    ["an exhausted quota → UsageLimitError", () => fail("quota", { code: "insufficient_quota" }), UsageLimitError, "usage_limit_exceeded", false, null],
  ] as const)("%s", async (_name, response, type, code, retryable, status) => {
    h = await harness(transport, { retry: false });
    h.model.enqueue(response());
    const error = await h.thread().run("go").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(type);
    expect(error).toBeInstanceOf(TurnFailedError);
    expect(error).toMatchObject({ code, retryable });
    if (status !== null) expect((error as TurnFailedError).httpStatusCode).toBe(status);
    // app-server carries codex's structured reason; exec has only the message.
    if (transport === "app-server") expect((error as TurnFailedError).codexErrorInfo).not.toBeNull();
    else expect((error as TurnFailedError).codexErrorInfo).toBeNull();
    expect(h.model.responseRequests()).toHaveLength(1);
  });

  it("a 400 stays a plain TurnFailedError", async () => {
    h = await harness(transport, { retry: false });
    h.model.enqueue(httpError(400));
    const error = await h.thread().run("go").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TurnFailedError);
    expect(error).toMatchObject({ code: "turn_failed", retryable: false });
  });
});

describe.each(TRANSPORTS)("%s transport: the official behaviour by default", (transport) => {
  it("a default client asks the model once on a 429 and rejects with RateLimitError", async () => {
    h = await harness(transport);
    h.model.enqueue(httpError(429), httpError(429)).reply(say("never reached"));
    const { events } = await h.thread().runStreamed("go");
    const seen = await collect(events);
    expect(seen.some((e) => e.type === "turn.retrying")).toBe(false);
    expect(seen.at(-1)).toMatchObject({ type: "turn.failed" });
    expect(h.model.responseRequests()).toHaveLength(1);
    await expect(h.thread().run("again")).rejects.toBeInstanceOf(RateLimitError);
    expect(h.model.responseRequests()).toHaveLength(2);
  });

  // The official suite's "throws ThreadRunError on turn failures", in this harness: its proxy ends
  // the first response after `response.created` and every later one after an `error` event, both
  // without `response.completed`; codex (its default stream_max_retries, 5) reconnects five times
  // and fails the turn. codexkit's retries on top once made it take 20 s, past the official 10 s
  // bound: the request count below shows that codexkit adds none (how long it takes is codex's).
  it("the official 'throws ThreadRunError on turn failures' passes with default options: codexkit adds no retry", async () => {
    h = await harness(transport);
    const client = clientWith({ codexDefaults: true });
    h.model.enqueue(disconnect({ graceful: true }));
    for (let i = 0; i < 12; i++) {
      h.model.enqueue(disconnect({ graceful: true, outputs: [rawEvent({ type: "error", error: { code: "rate_limit_exceeded", message: "rate limit exceeded" } })] }));
    }
    const error = await threadOf(client).run("fail").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TurnFailedError);
    expect((error as Error).message).toContain("stream disconnected before completion:");
    // codex's first request and its five reconnects; nothing from codexkit.
    expect(h.model.responseRequests()).toHaveLength(6);
  });
});

describe("app-server transport: retries", () => {
  it("with retry: { maxAttempts: 3 } a persistent 429 asks the model three times", async () => {
    const retries: RetryInfo[] = [];
    h = await harness("app-server", { retry: { maxAttempts: 3 }, onRetry: (info) => void retries.push(info) });
    h.model.enqueue(httpError(429), httpError(429), httpError(429), httpError(429));
    await expect(h.thread().run("go")).rejects.toBeInstanceOf(RateLimitError);
    expect(h.model.responseRequests()).toHaveLength(3);
    expect(retries.map((r) => [r.attempt, r.maxAttempts])).toEqual([
      [1, 3],
      [2, 3],
    ]);
  });

  it("counts codex's own retries against maxAttempts: the model is asked at most maxAttempts times", async () => {
    h = await harness("app-server");
    const broken = (): void => void h.model.enqueue(...Array.from({ length: 8 }, () => fail("boom")));
    // codex reconnects once itself: each attempt is two requests.
    broken();
    const three = clientWith({ streamMaxRetries: 1 }, { retry: { maxAttempts: 3, baseDelayMs: 10 } });
    const { events } = await threadOf(three).runStreamed("go");
    const seen = await collect(events);
    expect(seen.filter((e) => e.type === "error").map((e) => (e as { message: string }).message)).toContain("Reconnecting... 1/1 (stream disconnected before completion: boom)");
    // Another attempt would make four: codexkit adds none.
    expect(seen.some((e) => e.type === "turn.retrying")).toBe(false);
    expect(seen.at(-1)).toMatchObject({ type: "turn.failed" });
    expect(h.model.responseRequests()).toHaveLength(2);

    const four = clientWith({ streamMaxRetries: 1 }, { retry: { maxAttempts: 4, baseDelayMs: 10 } });
    const { events: more } = await threadOf(four).runStreamed("go");
    const retried = await collect(more);
    expect(retried.filter((e) => e.type === "turn.retrying")).toMatchObject([{ attempt: 2, maxAttempts: 4, error: { code: "server_error" } }]);
    expect(retried.at(-1)).toMatchObject({ type: "turn.failed" });
    expect(h.model.responseRequests()).toHaveLength(2 + 4);
  });

  it("maxElapsedMs cuts retrying short: no attempt starts after it, though maxAttempts allows more", async () => {
    h = await harness("app-server", { retry: { maxAttempts: 100, baseDelayMs: 200, maxDelayMs: 200, maxElapsedMs: 1_500 } });
    const thread = h.thread();
    // Warm: the app-server is running, so the attempts are short and several fit.
    h.model.reply(say("warm"));
    await thread.run("warm up");
    h.model.enqueue(...Array.from({ length: 100 }, () => httpError(429)));
    const { events } = await thread.runStreamed("go");
    const seen = await collect(events);
    expect(seen.at(-1)).toMatchObject({ type: "turn.failed", error: { message: expect.stringContaining("429") } });
    const retrying = seen.filter((e): e is Extract<ThreadEvent, { type: "turn.retrying" }> => e.type === "turn.retrying");
    expect(retrying.length).toBeGreaterThanOrEqual(1);
    // Every wait ended within the limit, and the many attempts left were not used.
    expect(retrying.reduce((sum, e) => sum + e.delayMs, 0)).toBeLessThanOrEqual(1_500);
    const requests = h.model.responseRequests().slice(1);
    expect(requests).toHaveLength(retrying.length + 1);
    expect(requests.length).toBeLessThan(20);
  });

  it("retries 429 twice then succeeds; the input appears once; turn.retrying and onRetry show each retry", async () => {
    const retries: RetryInfo[] = [];
    h = await harness("app-server", { retry: { baseDelayMs: 10, maxDelayMs: 100 }, onRetry: (info) => void retries.push(info) });
    h.model.reply(say("warm")).enqueue(httpError(429), httpError(429)).reply(say("finally"));
    const thread = h.thread();
    await thread.run("warm up");
    const { events } = await thread.runStreamed("the user's question");
    const seen = await collect(events);
    const retrying = seen.filter((e): e is Extract<ThreadEvent, { type: "turn.retrying" }> => e.type === "turn.retrying");
    expect(retrying.map((e) => ({ attempt: e.attempt, maxAttempts: e.maxAttempts, code: e.error.code }))).toEqual([
      { attempt: 1, maxAttempts: 3, code: "rate_limited" },
      { attempt: 2, maxAttempts: 3, code: "rate_limited" },
    ]);
    expect(seen.filter((e) => e.type === "thread.started")).toHaveLength(1);
    expect(seen.filter((e) => e.type === "turn.failed")).toEqual([]);
    expect(seen.at(-1)).toMatchObject({ type: "turn.completed" });
    expect(retries.map((r) => [r.attempt, r.error.code])).toEqual([
      [1, "rate_limited"],
      [2, "rate_limited"],
    ]);
    const requests = h.model.responseRequests();
    expect(requests).toHaveLength(4);
    expect(occurrences(requests.at(-1)!, "the user's question")).toBe(1);
    expect(occurrences(requests.at(-1)!, "warm up")).toBe(1);
    // The thread goes on with one copy of each exchange.
    h.model.reply(say("next"));
    await thread.run("and then");
    expect(occurrences(h.model.responseRequests().at(-1)!, "the user's question")).toBe(1);
  });

  it("does not retry once the turn has started work, and gives up after maxAttempts", async () => {
    h = await harness("app-server", { retry: { baseDelayMs: 1 } });
    h.model.reply(runCommand("echo started")).enqueue(httpError(429));
    const error = await h.thread().run("go").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(h.model.responseRequests()).toHaveLength(2);

    h.model.enqueue(httpError(500), httpError(500));
    const exhausted = await h.thread().run("go", { retry: { maxAttempts: 2, baseDelayMs: 1 } }).catch((e: unknown) => e);
    expect(exhausted).toBeInstanceOf(ServerError);
    expect(h.model.responseRequests()).toHaveLength(4);
  });

  it("an abort during the backoff stops at once", async () => {
    // A wait of five to ten minutes: only the abort can end this turn within the test's timeout.
    h = await harness("app-server", { retry: { baseDelayMs: 600_000, maxDelayMs: 600_000, maxElapsedMs: 1_200_000 } });
    h.model.enqueue(httpError(429));
    const controller = new AbortController();
    const { events } = await h.thread().runStreamed("go", { signal: controller.signal });
    const delays: number[] = [];
    const done = (async () => {
      for await (const event of events) {
        if (event.type === "turn.retrying") {
          delays.push(event.delayMs);
          controller.abort();
        }
      }
    })();
    await expect(done).rejects.toBeInstanceOf(AbortError);
    expect(delays).toHaveLength(1);
    expect(delays[0]).toBeGreaterThanOrEqual(300_000);
    expect(h.model.responseRequests()).toHaveLength(1);
  });
});

describe("exec transport: retries", () => {
  it("never retries (exec cannot remove a failed turn from the history), and says so in the error's class", async () => {
    h = await harness("exec", { retry: { baseDelayMs: 1 } });
    h.model.enqueue(httpError(429));
    const error = await h.thread().run("go").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryable).toBe(true);
    expect(h.model.responseRequests()).toHaveLength(1);
  });
});
