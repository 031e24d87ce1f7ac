/** Types only (vitest's type-check mode): what `run()` gives for each kind of output schema. */
import { describe, expectTypeOf, it } from "vitest";
import { z } from "zod";
import type { CodexErrorCode, Thread, ThreadEvent } from "../../src/index.js";

declare const thread: Thread;

describe("structuredOutput types", () => {
  it("is the zod schema's output type with zod, unknown with a JSON Schema or none", async () => {
    const schema = z.object({ ok: z.boolean(), count: z.number().default(0) });
    const typed = await thread.run("x", { outputSchema: schema });
    expectTypeOf(typed.structuredOutput).toEqualTypeOf<{ ok: boolean; count: number } | undefined>();
    const plain = await thread.run("x", { outputSchema: { type: "object" } });
    expectTypeOf(plain.structuredOutput).toEqualTypeOf<unknown>();
    const none = await thread.run("x");
    expectTypeOf(none.structuredOutput).toEqualTypeOf<unknown>();
  });

  it("keeps the official event union and adds codexkit's events to it", () => {
    expectTypeOf<Extract<ThreadEvent, { type: "turn.retrying" }>["error"]["code"]>().toEqualTypeOf<CodexErrorCode>();
    expectTypeOf<Extract<ThreadEvent, { type: "turn.completed" }>["usage"]["input_tokens"]>().toEqualTypeOf<number>();
    // @ts-expect-error no such event type
    expectTypeOf<Extract<ThreadEvent, { type: "turn.exploded" }>>().toEqualTypeOf<{ type: "turn.exploded" }>();
  });
});
