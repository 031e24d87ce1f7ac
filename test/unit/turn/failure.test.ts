import { describe, expect, it } from "vitest";
import { AuthError, ContextWindowError, RateLimitError, ServerError, TurnFailedError, UsageLimitError } from "../../../src/errors/index.js";
import { turnError } from "../../../src/turn/index.js";

describe("turnError", () => {
  it.each([
    // app-server: codexErrorInfo says why.
    [{ message: "exceeded retry limit, last status: 429 Too Many Requests", codexErrorInfo: { responseTooManyFailedAttempts: { httpStatusCode: 429 } } }, RateLimitError, 429],
    [{ message: "unexpected status 401 Unauthorized: no", codexErrorInfo: { httpConnectionFailed: { httpStatusCode: 401 } } }, AuthError, 401],
    [{ message: "unexpected status 403 Forbidden: no", codexErrorInfo: { httpConnectionFailed: { httpStatusCode: 403 } } }, AuthError, 403],
    [{ message: "We’re currently experiencing high demand, which may cause temporary errors.", codexErrorInfo: "internalServerError" }, ServerError, null],
    [{ message: "unexpected status 503 Service Unavailable", codexErrorInfo: { httpConnectionFailed: { httpStatusCode: 503 } } }, ServerError, 503],
    [{ message: "overloaded", codexErrorInfo: "serverOverloaded" }, ServerError, null],
    [{ message: "stream disconnected before completion: boom", codexErrorInfo: "other" }, ServerError, null],
    [{ message: "Codex ran out of room in the model's context window.", codexErrorInfo: "contextWindowExceeded" }, ContextWindowError, null],
    [{ message: "Quota exceeded. Check your plan and billing details.", codexErrorInfo: "usageLimitExceeded" }, UsageLimitError, null],
    [{ message: "budget", codexErrorInfo: "sessionBudgetExceeded" }, UsageLimitError, null],
    [{ message: "nope", codexErrorInfo: "unauthorized" }, AuthError, null],
    [{ message: "slow down", codexErrorInfo: "rateLimitExceeded" }, RateLimitError, null],
    [{ message: '{"error":{"message":"bad request"}}', codexErrorInfo: "other" }, TurnFailedError, null],
    // exec: only the message.
    [{ message: "exceeded retry limit, last status: 429 Too Many Requests" }, RateLimitError, 429],
    [{ message: "unexpected status 401 Unauthorized: MockModelServer: scripted HTTP 401" }, AuthError, 401],
    [{ message: "We’re currently experiencing high demand, which may cause temporary errors." }, ServerError, null],
    [{ message: "unexpected status 502 Bad Gateway" }, ServerError, 502],
    [{ message: "stream disconnected before completion: Transport error" }, ServerError, null],
    [{ message: "Codex ran out of room in the model's context window. Start a new thread." }, ContextWindowError, null],
    [{ message: "Quota exceeded. Check your plan and billing details." }, UsageLimitError, null],
    [{ message: "something else" }, TurnFailedError, null],
  ] as Array<[{ message: string; codexErrorInfo?: unknown }, typeof TurnFailedError, number | null]>)("%j", (error, type, status) => {
    const typed = turnError(error);
    expect(typed).toBeInstanceOf(type);
    expect(typed.constructor).toBe(type);
    expect(typed.message).toBe(error.message);
    expect(typed.httpStatusCode).toBe(status);
    expect(typed.codexErrorInfo).toEqual((error as { codexErrorInfo?: unknown }).codexErrorInfo ?? null);
  });

  it("reads a delay the message names for a rate limit", () => {
    expect((turnError({ message: "status 429: please retry after 3s" }) as RateLimitError).retryAfterMs).toBe(3_000);
    expect((turnError({ message: "429 Too Many Requests (status 429), try again in 1.5 seconds" }) as RateLimitError).retryAfterMs).toBe(1_500);
    expect((turnError({ message: "last status: 429 Too Many Requests" }) as RateLimitError).retryAfterMs).toBeNull();
  });
});
