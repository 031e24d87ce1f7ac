import { describe, expectTypeOf, it } from "vitest";
import type { ThreadArchiveParams, ThreadForkParams, ThreadResumeParams, ThreadStartParams, TurnStartParams } from "../../../../src/transport/app-server/protocol/index.js";
import { threadForkParams, threadResumeParams, threadStartParams, turnStartParams, type OutgoingParams } from "../../../../src/transport/app-server/params.js";
import type { AppServer } from "../../../../src/transport/app-server/server.js";

/** Never called: the compiler checks these calls' params against the generated protocol types. */
function calls(server: AppServer): void {
  void server.call("thread/archive", { threadId: "t" });
  void server.call("turn/interrupt", { threadId: "t", turnId: "u" });
  // @ts-expect-error -- a wrong param name (threadID for threadId) is a compile error
  void server.call("thread/archive", { threadID: "t" });
  // @ts-expect-error -- a missing required param (turnId) is a compile error
  void server.call("turn/interrupt", { threadId: "t" });
  // @ts-expect-error -- a param of the wrong type is a compile error
  void server.call("thread/revert", { threadId: "t", beforeTurnId: 3 });
  // @ts-expect-error -- a method app-server does not have is a compile error
  void server.call("thread/archiv", { threadId: "t" });
}

describe("outgoing app-server params", () => {
  it("are the generated protocol types, method by method", () => {
    expectTypeOf(calls).toBeFunction();
    expectTypeOf<OutgoingParams<"thread/archive">>().toEqualTypeOf<ThreadArchiveParams>();
    expectTypeOf<OutgoingParams<"turn/start">>().toEqualTypeOf<TurnStartParams>();
  });

  it("are what the builders return", () => {
    expectTypeOf(threadStartParams).returns.toEqualTypeOf<ThreadStartParams>();
    expectTypeOf(threadResumeParams).returns.toEqualTypeOf<ThreadResumeParams>();
    expectTypeOf(threadForkParams).returns.toEqualTypeOf<ThreadForkParams>();
    expectTypeOf(turnStartParams).returns.toEqualTypeOf<TurnStartParams>();
  });

  it("widen initialize only where codexkit sends less than generate-ts requires (no requestAttestation)", () => {
    expectTypeOf<{ clientInfo: { name: string; title: string; version: string }; capabilities: { experimentalApi: true } }>().toExtend<OutgoingParams<"initialize">>();
  });
});
