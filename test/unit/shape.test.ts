import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { array, boolean, fits, issueOf, literal, nonEmptyString, nullish, number, object, oneOf, optional, record, string, unknown } from "../../src/shape.js";
import { McpStatusResult, ThreadListResult, ThreadResult } from "../../src/transport/app-server/wire.js";

/** A value that is often close to `{ [key]: { id: string } }`, so both sides of each check are reached. */
function nearly(keys: readonly string[], leaf: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  const value: fc.Arbitrary<unknown> = fc.oneof(fc.jsonValue(), leaf, fc.constant(null), fc.constant(undefined));
  return fc.oneof(
    value,
    fc.dictionary(fc.constantFrom(...keys), fc.oneof(value, fc.dictionary(fc.constantFrom(...keys), value, { maxKeys: 4 }), fc.array(fc.dictionary(fc.constantFrom(...keys), value, { maxKeys: 4 }), { maxLength: 3 })), { maxKeys: 5 }),
  );
}

describe("shape checks agree with the zod schemas they replaced", () => {
  const cases: [string, (value: unknown) => boolean, z.ZodType, readonly string[]][] = [
    ["thread result", (v) => fits(ThreadResult, v), z.object({ thread: z.object({ id: z.string().min(1) }) }), ["thread", "id"]],
    ["thread list", (v) => fits(ThreadListResult, v), z.object({ data: z.array(z.record(z.string(), z.unknown())), nextCursor: z.string().nullish() }), ["data", "nextCursor", "id"]],
    [
      "mcp status",
      (v) => fits(McpStatusResult, v),
      z.object({
        data: z.array(z.object({ name: z.string(), runtimeStatus: z.string().nullish(), serverInfo: z.object({ name: z.string(), version: z.string() }).nullish(), tools: z.record(z.string(), z.unknown()).nullish(), toolsError: z.string().nullish() })),
        nextCursor: z.string().nullish(),
      }),
      ["data", "name", "runtimeStatus", "serverInfo", "version", "tools", "toolsError", "nextCursor"],
    ],
    ["marker", (v) => fits(object({ v: literal(1), sha256: string, modifiedAtMs: number, on: optional(boolean), kind: oneOf(["a", "b"]) }), v), z.object({ v: z.literal(1), sha256: z.string(), modifiedAtMs: z.number(), on: z.boolean().optional(), kind: z.enum(["a", "b"]) }), ["v", "sha256", "modifiedAtMs", "on", "kind"]],
  ];
  for (const [name, check, schema, keys] of cases) {
    it(`${name}: accepts exactly what zod accepts`, () => {
      fc.assert(
        fc.property(nearly(keys, fc.oneof(fc.string(), fc.constant(""), fc.constant(1), fc.constantFrom("a", "b"), fc.boolean())), (value) => {
          expect(check(value)).toBe(schema.safeParse(value).success);
        }),
        { numRuns: 2_000 },
      );
    });
  }
});

describe("shape issues", () => {
  it("name the first place that does not fit, with a path", () => {
    const shape = object({ thread: object({ id: nonEmptyString }), items: array(record(number)), next: nullish(string) });
    expect(issueOf(shape, { thread: {} })).toBe("thread.id: expected string, got undefined");
    expect(issueOf(shape, { thread: { id: "" } })).toBe("thread.id: expected a non-empty string");
    expect(issueOf(shape, { thread: { id: "t" }, items: [{ a: 1 }, { b: "x" }] })).toBe("items.1.b: expected number, got string");
    expect(issueOf(shape, { thread: { id: "t" }, items: [], next: 3 })).toBe("next: expected string, got number");
    expect(issueOf(shape, null)).toBe("(root): expected object, got null");
    expect(issueOf(shape, [])).toBe("(root): expected object, got array");
    expect(issueOf(shape, { thread: { id: "t" }, items: [], next: null })).toBeUndefined();
    expect(issueOf(unknown, undefined)).toBeUndefined();
    expect(issueOf(literal(1), 2)).toBe("(root): expected 1");
    expect(issueOf(oneOf(["a"]), "b")).toBe("(root): expected one of a");
    expect(issueOf(number, Number.NaN)).toBe("(root): expected number, got number");
  });

  it("keep the value as it came: unknown keys stay", () => {
    const value = { thread: { id: "t", path: "/x" }, extra: true };
    expect(fits(ThreadResult, value) && value.extra).toBe(true);
  });
});
