/**
 * `interrupt()` and `steer()` called from inside the consumer's `for await` loop, at the earliest
 * point a caller can reach them (`thread.started`), must settle: nothing they wait on may depend
 * on the consumer pulling the next event.
 */
import { afterEach, describe, expect, it } from "vitest";
import { AbortError, UnsupportedFeatureError } from "../../../src/index.js";
import { lastUserText, say } from "../../../src/testing/index.js";
import { harness, type Harness } from "../../helpers/harness.js";
import { TRANSPORTS } from "../../helpers/transports.js";

let h: Harness;
afterEach(async () => {
  await h.close();
});

/** `promise`, or a rejection naming `what` after `ms`. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

describe.each(TRANSPORTS)("%s transport", (transport) => {
  it("interrupt() at thread.started settles, the turn ends with AbortError, and the thread goes on", async () => {
    h = await harness(transport);
    h.model.reply(say("warm")).reply(say("maybe")).reply(say("after"));
    const thread = h.thread();
    await thread.run("warm up");
    const { events } = await thread.runStreamed("stop me");
    let interrupted = false;
    const consumed = (async () => {
      for await (const event of events) {
        if (event.type === "thread.started") {
          await within(thread.interrupt(), 3_000, "interrupt()");
          interrupted = true;
        }
      }
    })();
    await expect(consumed).rejects.toBeInstanceOf(AbortError);
    expect(interrupted).toBe(true);
    // The interrupted turn may or may not have reached the model (exec starts at once); the next one runs.
    const next = await thread.run("again");
    expect(["maybe", "after"]).toContain(next.finalResponse);
  });

  it(transport === "exec" ? "steer() at thread.started refuses at once" : "steer() at thread.started settles and reaches the turn", async () => {
    h = await harness(transport);
    h.model.reply(say("warm")).reply(say("steered"));
    const thread = h.thread();
    await thread.run("warm up");
    const { events } = await thread.runStreamed("first part");
    let steer: Error | null = null;
    const seen: string[] = [];
    for await (const event of events) {
      seen.push(event.type);
      if (event.type === "thread.started") steer = await within(thread.steer("second part"), 3_000, "steer()").then(() => null, (e: Error) => e);
    }
    expect(seen.at(-1)).toBe("turn.completed");
    if (transport === "exec") {
      expect(steer).toBeInstanceOf(UnsupportedFeatureError);
      return;
    }
    expect(steer).toBeNull();
    const request = h.model.responseRequests()[1]!;
    expect(JSON.stringify(request.body)).toContain("first part");
    expect(lastUserText(request)).toContain("second part");
  });
});
