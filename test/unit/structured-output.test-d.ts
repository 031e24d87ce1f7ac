/** Types only (vitest's type-check mode): what `run()` gives for each kind of output schema. */
import { toStandardJsonSchema } from "@valibot/to-json-schema";
import { type } from "arktype";
import * as v from "valibot";
import { describe, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { z as z3 } from "zod/v3";
import { withJsonSchema, type CodexErrorCode, type Thread, type ThreadEvent } from "../../src/index.js";

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

  it("is any Standard Schema's output type: zod 3, valibot, arktype", async () => {
    const zod3 = await thread.run("x", { outputSchema: withJsonSchema(z3.object({ ok: z3.boolean(), n: z3.number().default(0) }), {}) });
    expectTypeOf(zod3.structuredOutput).toEqualTypeOf<{ ok: boolean; n: number } | undefined>();
    const valibot = await thread.run("x", { outputSchema: toStandardJsonSchema(v.object({ tags: v.array(v.string()) })) });
    expectTypeOf(valibot.structuredOutput).toEqualTypeOf<{ tags: string[] } | undefined>();
    const ark = await thread.run("x", { outputSchema: type({ summary: "string", "risk?": "'low' | 'high'" }) });
    expectTypeOf(ark.structuredOutput).toEqualTypeOf<{ summary: string; risk?: "low" | "high" } | undefined>();
    // A zod 3 schema alone type-checks (its refusal, for want of a JSON Schema, is at run time).
    const bare = await thread.run("x", { outputSchema: z3.object({ ok: z3.boolean() }) });
    expectTypeOf(bare.structuredOutput).toEqualTypeOf<{ ok: boolean } | undefined>();
  });

  it("keeps the official event union and adds codexkit's events to it", () => {
    expectTypeOf<Extract<ThreadEvent, { type: "turn.retrying" }>["error"]["code"]>().toEqualTypeOf<CodexErrorCode>();
    expectTypeOf<Extract<ThreadEvent, { type: "turn.completed" }>["usage"]["input_tokens"]>().toEqualTypeOf<number>();
    // @ts-expect-error no such event type
    expectTypeOf<Extract<ThreadEvent, { type: "turn.exploded" }>>().toEqualTypeOf<{ type: "turn.exploded" }>();
  });
});
