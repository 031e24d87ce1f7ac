/** Properties of the options schemas: every valid options object passes, and any key added to one fails, naming that key. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvalidOptionsError } from "../../../src/errors/index.js";
import {
  APPROVAL_MODES,
  CYBER_ACCESS_PROGRAMS,
  MAX_LOADED_THREADS,
  REASONING_EFFORTS,
  SANDBOX_MODES,
  WEB_SEARCH_MODES,
  checkCodexOptions,
  checkThreadOptions,
  checkTurnOptions,
  optionSchemas,
  type CodexOptions,
  type ThreadOptions,
  type TurnOptions,
} from "../../../src/options/index.js";

const MAX_TIMER_MS = 2 ** 31 - 1;
const ms = fc.integer({ min: 0, max: MAX_TIMER_MS });
const path = fc.string({ minLength: 1 });
const strings = fc.array(fc.string());
const stringMap = fc.dictionary(fc.string(), fc.string());

const retry = fc.oneof(
  fc.boolean(),
  fc.record({ maxAttempts: fc.integer({ min: 1, max: 100 }), baseDelayMs: ms, maxDelayMs: ms, maxElapsedMs: ms }, { requiredKeys: [] }),
);

const server = fc.oneof(
  fc.record({ command: path, args: strings, env: stringMap, cwd: fc.string(), toolApproval: fc.constantFrom("approve" as const, "ask" as const), toolTimeoutMs: fc.integer({ min: 1 }) }, { requiredKeys: ["command"] }),
  fc.record({ url: fc.webUrl({ validSchemes: ["http", "https"] }), headers: stringMap, enabledTools: strings, bearerTokenEnvVar: fc.string() }, { requiredKeys: ["url"] }),
);

const threadOptions: fc.Arbitrary<ThreadOptions> = fc.record(
  {
    model: fc.string(),
    threadSource: fc.string(),
    sandboxMode: fc.constantFrom(...SANDBOX_MODES),
    workingDirectory: path,
    skipGitRepoCheck: fc.boolean(),
    modelReasoningEffort: fc.constantFrom(...REASONING_EFFORTS),
    networkAccessEnabled: fc.boolean(),
    webSearchMode: fc.constantFrom(...WEB_SEARCH_MODES),
    webSearchEnabled: fc.boolean(),
    approvalPolicy: fc.constantFrom(...APPROVAL_MODES),
    additionalDirectories: strings,
    ephemeral: fc.boolean(),
    baseInstructions: fc.string(),
    developerInstructions: fc.string(),
    onApproval: fc.constant(() => "decline" as const),
    mcpServers: fc.dictionary(fc.stringMatching(/^[a-zA-Z0-9_-]{1,64}$/), server, { maxKeys: 3 }),
  },
  { requiredKeys: [] },
);

const appServer = fc.oneof(
  fc.record({ maxThreads: fc.integer({ min: 1, max: MAX_LOADED_THREADS }), maxRssMb: fc.integer({ min: 1 }), idleThreadMs: ms }, { requiredKeys: [] }),
  fc.record({ url: fc.constantFrom("ws://127.0.0.1:4500", "wss://agent.example:443", "unix:///run/codex.sock"), token: path, uploadDir: fc.constant("/srv/uploads"), connectAttempts: fc.integer({ min: 1, max: 10 }), idleThreadMs: ms }, { requiredKeys: ["url"] }),
);

const codexOptions: fc.Arbitrary<CodexOptions> = fc
  .record(
    {
      codexPathOverride: path,
      baseUrl: fc.webUrl(),
      apiKey: fc.string(),
      config: fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.dictionary(fc.string(), fc.string()))),
      configOverrides: strings,
      env: stringMap,
      transport: fc.constant("app-server" as const),
      codexHome: path,
      secrets: strings,
      killGraceMs: ms,
      interruptTimeoutMs: ms,
      approvalTimeoutMs: ms,
      turnBufferBytes: fc.integer({ min: 1024 }),
      maxLineBytes: fc.integer({ min: 1024 }),
      retry,
      onRetry: fc.constant(() => {}),
      onEvent: fc.constant(() => {}),
      captureContent: fc.boolean(),
      files: fc.record({ dir: path, ttlMs: fc.integer({ min: 1 }), maxBytes: fc.integer({ min: 1 }), roots: fc.array(path) }, { requiredKeys: [] }),
      appServer,
      tracer: fc.constant({ startSpan: () => ({}) as never }),
    },
    { requiredKeys: [] },
  )
  // exec runs codex here: without appServer it may be chosen too.
  .chain((options) => (options.appServer ? fc.constant(options) : fc.constantFrom(options, { ...options, transport: "exec" as const })));

const turnOptions: fc.Arbitrary<TurnOptions> = fc.record(
  { outputSchema: fc.constant({ type: "object" }), signal: fc.constant(new AbortController().signal), cyberAccessProgram: fc.constantFrom(...CYBER_ACCESS_PROGRAMS), retry },
  { requiredKeys: [] },
);

/** A key none of the objects knows; `__proto__` would set the prototype, not add a key. */
function extraKey(known: readonly string[]): fc.Arbitrary<string> {
  return fc.string({ minLength: 1, maxLength: 20 }).filter((key) => !known.includes(key) && key !== "__proto__");
}

describe.each([
  ["client", codexOptions as fc.Arbitrary<object>, checkCodexOptions, Object.keys(optionSchemas().codexOptionsSchema.shape), "codexOptions"],
  ["thread", threadOptions as fc.Arbitrary<object>, checkThreadOptions, Object.keys(optionSchemas().threadOptionsSchema.shape), "threadOptions"],
  ["turn", turnOptions as fc.Arbitrary<object>, checkTurnOptions, Object.keys(optionSchemas().turnOptionsSchema.shape), "turnOptions"],
] as const)("%s options", (_level, valid, check, known, where) => {
  it("passes every valid options object", () => {
    fc.assert(fc.property(valid, (options) => void check(options)));
  });

  it("fails when any other key is added, naming it", () => {
    fc.assert(
      fc.property(valid, extraKey(known), fc.jsonValue(), (options, key, value) => {
        let caught: unknown;
        try {
          check({ ...options, [key]: value });
        } catch (error) {
          caught = error;
        }
        expect(caught).toBeInstanceOf(InvalidOptionsError);
        expect((caught as Error).message).toContain(where);
        expect((caught as Error).message).toContain(/^[A-Za-z_$][\w$]*$/.test(key) ? `.${key} is not an option` : `[${JSON.stringify(key)}] is not an option`);
      }),
    );
  });
});
