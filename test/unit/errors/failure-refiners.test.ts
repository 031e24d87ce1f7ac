import { describe, expect, it } from "vitest";
import { addFailureRefiner, RateLimitError, TurnFailedError } from "../../../src/errors/index.js";
import { turnError } from "../../../src/turn/failure.js";

describe("failure refiners", () => {
  it("let a registered refiner give the failed turn its own error, until it is removed", () => {
    const own = new TurnFailedError("the cassette says no", { codexErrorInfo: null, httpStatusCode: 409 });
    const remove = addFailureRefiner((message, failure) => (failure.httpStatusCode === 409 && message.includes("the cassette says no") ? own : undefined));
    try {
      expect(turnError({ message: "unexpected status 409 Conflict: the cassette says no" })).toBe(own);
      // Others are left to the usual classification.
      expect(turnError({ message: "unexpected status 409 Conflict: something else" })).not.toBe(own);
      expect(turnError({ message: "exceeded retry limit, last status: 429 Too Many Requests" })).toBeInstanceOf(RateLimitError);
    } finally {
      remove();
    }
    expect(turnError({ message: "unexpected status 409 Conflict: the cassette says no" })).not.toBe(own);
  });
});
