/**
 * The quick checks accept only what the schemas accept: whatever they let through without zod
 * must be valid. And they do let the usual options through, or they would save nothing.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { optionSchemas } from "../../../src/options/index.js";
import { quickCodexOptions, quickThreadOptions, quickTurnOptions } from "../../../src/options/quick-check.js";

class Custom {
  startSpan(): void {}
}

/** Values of every kind, near the edges of what options take. */
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ maxLength: 3 }),
  fc.constantFrom("", "exec", "app-server", "read-only", "never", "high", "live", "standard", "approve"),
  fc.constantFrom(-1, 0, 0.5, 1, 1023, 1024, 2 ** 31 - 1, 2 ** 31, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2, Number.NaN, Number.POSITIVE_INFINITY),
  fc.integer(),
  fc.boolean(),
  fc.constantFrom(null, undefined),
  fc.array(fc.oneof(fc.string({ maxLength: 2 }), fc.integer(), fc.constant(undefined), fc.constant({})), { maxLength: 3 }),
  fc.constant(() => undefined),
  fc.constant(Object.assign(() => undefined, { "~standard": { version: 1, vendor: "x", validate: () => ({ value: 1 }) } })),
  fc.dictionary(fc.string({ maxLength: 2 }), fc.oneof(fc.string({ maxLength: 2 }), fc.integer(), fc.constant(undefined)), { maxKeys: 3 }),
  fc.constant(new AbortController().signal),
  fc.constant({ debug() {}, info() {}, warn() {}, error() {} }),
  fc.constant({ startSpan() {}, createHistogram() {} }),
  fc.constant(new Custom()),
  fc.constant(Object.create(null) as object),
  fc.constant(new Map()),
  fc.constant({ type: "object" }),
);

function optionsOf(keys: readonly string[]): fc.Arbitrary<unknown> {
  const known = fc.dictionary(fc.constantFrom(...keys), anyValue, { maxKeys: 4 });
  return fc.oneof(
    { weight: 6, arbitrary: known },
    { weight: 1, arbitrary: fc.tuple(known, fc.string({ maxLength: 4 }), anyValue).map(([options, key, value]) => ({ ...options, [key]: value })) },
    { weight: 1, arbitrary: anyValue },
    { weight: 1, arbitrary: known.map((options) => Object.assign(Object.create(null) as object, options)) },
    { weight: 1, arbitrary: known.map((options) => Object.assign(new Custom(), options)) },
  );
}

describe.each([
  ["client", quickCodexOptions, () => optionSchemas().codexOptionsSchema],
  ["thread", quickThreadOptions, () => optionSchemas().threadOptionsSchema],
  ["turn", quickTurnOptions, () => optionSchemas().turnOptionsSchema],
] as const)("quick checks of %s options", (_level, quick, schema) => {
  it("accept nothing the schema refuses", () => {
    const keys = Object.keys(schema().shape);
    let accepted = 0;
    fc.assert(
      fc.property(optionsOf(keys), (options) => {
        if (!quick(options)) return;
        accepted++;
        const result = schema().safeParse(options);
        expect(result.success, JSON.stringify(result.error?.issues)).toBe(true);
      }),
      { numRuns: 3_000 },
    );
    // The property is about something: many generated options did pass the quick check.
    expect(accepted).toBeGreaterThan(100);
  });
});

describe("quick checks", () => {
  it("let the options of a usual program through", () => {
    expect(quickCodexOptions({})).toBe(true);
    expect(
      quickCodexOptions({
        codexPathOverride: "/usr/bin/codex",
        apiKey: "sk-test",
        baseUrl: "http://127.0.0.1:1/v1",
        config: { model: "m", model_providers: { mock: { name: "mock" } } },
        env: { PATH: "/usr/bin", UNSET: undefined },
        transport: "exec",
        codexHome: "/tmp/home",
        onApproval: () => "approve",
        retry: false,
        logger: { debug() {}, info() {}, warn() {}, error() {} },
      }),
    ).toBe(true);
    expect(quickThreadOptions({ workingDirectory: "/w", sandboxMode: "read-only", approvalPolicy: "never", skipGitRepoCheck: true, model: "m", modelReasoningEffort: "" })).toBe(true);
    expect(quickTurnOptions({ signal: new AbortController().signal, outputSchema: { type: "object" } })).toBe(true);
    expect(quickTurnOptions({})).toBe(true);
  });

  it("leave mistakes and the rarer options to the schema", () => {
    expect(quickCodexOptions({ transport: "exe" })).toBe(false);
    expect(quickCodexOptions({ workingDirectory: "/w" })).toBe(false);
    expect(quickCodexOptions({ appServer: { maxThreads: 2 } })).toBe(false);
    expect(quickCodexOptions({ retry: { maxAttempts: 2 } })).toBe(false);
    expect(quickThreadOptions({ mcpServers: {} })).toBe(false);
    expect(quickThreadOptions(undefined)).toBe(false);
    expect(quickTurnOptions(null)).toBe(false);
  });
});
