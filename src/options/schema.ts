/**
 * One zod schema per options object, strict: a key codexkit does not know is a mistake (a
 * `workingDir` ignored in JavaScript would run the agent in the wrong directory), reported with
 * the nearest known key. Each schema agrees with its TypeScript type (see the `satisfies`), and
 * each field has one message for every way it can be wrong. `config` stays open: it is codex's
 * own namespace, checked when it is flattened.
 */
import type { z } from "zod";
import type { McpConnectOptions, McpHttpServer, McpRestartOptions, McpServerConfig, McpStdioServer } from "../mcp/types.js";
import { MAX_TIMER_MS } from "../timing/index.js";
import { closestKey } from "../did-you-mean.js";
import { isJsonObject as isObject } from "../json.js";
import { lazyModule } from "../lazy-require.js";
import type { CodexMcpServer, CodexOptions, RetryOptions, RetrySetting, ThreadOptions, TurnOptions } from "./types.js";
import { APPROVAL_MODES, CYBER_ACCESS_PROGRAMS, MAX_LOADED_THREADS, REASONING_EFFORTS, SANDBOX_MODES, TRANSPORTS, WEB_SEARCH_MODES } from "./values.js";

/** Marks the issues that name an unknown key: they are reported first, as they often explain the rest. */
export const UNKNOWN_KEY = "unknownKey";

/** The zod module. */
type Zod = typeof z;

/**
 * zod, loaded at the first check that needs it: most programs give options the quick checks
 * accept (see quick-check.ts), and zod costs about 100 ms to load.
 */
const loadZod = lazyModule<{ z: Zod }>("zod");

/** The option schemas, built at the first call. */
export type OptionSchemas = ReturnType<typeof buildSchemas>;
let built: OptionSchemas | undefined;

/** Every option schema; zod is loaded and the schemas are built at the first call. */
export function optionSchemas(): OptionSchemas {
  return (built ??= buildSchemas(loadZod().z));
}

function buildSchemas(z: Zod) {
  /** A field's message, or one built from the value it got. */
  type Says = string | ((input: unknown) => string);

  /** The same message for a wrong type and a wrong value: the user needs to know what fits. */
  function says(message: Says): { error: (issue: { input?: unknown }) => string } {
    return { error: (issue) => (typeof message === "string" ? message : message(issue.input)) };
  }

  const text = (message = "must be a string") => z.string(says(message));
  const nonEmpty = (message: string) => z.string(says(message)).min(1, says(message));
  const flag = () => z.boolean(says("must be true or false"));
  const num = (message: string, test: (n: number) => boolean) => z.number(says(message)).refine(test, says(message));
  const whole = (message: string, min: number, max: number) => num(message, (n) => Number.isSafeInteger(n) && n >= min && n <= max);
  const millis = (from: number, to = MAX_TIMER_MS) => num(`must be a number of milliseconds from ${from} to ${to}`, (n) => n >= from && n <= to);
  const list = (message: string, item = "must be a string") => z.array(z.string(says(item)), says(message));
  /**
   * Names to strings, from any object: `process.env` and objects without a prototype are not plain,
   * and zod's record refuses them. With `unsetAllowed`, an `undefined` value passes: the official SDK
   * hands codex's `env` to spawn, which leaves such a variable out.
   */
  function stringMap(message: string): z.ZodType<Record<string, string>>;
  function stringMap(message: string, unsetAllowed: true): z.ZodType<Record<string, string | undefined>>;
  function stringMap(message: string, unsetAllowed = false): z.ZodType<Record<string, string | undefined>> {
    return z.custom<Record<string, string | undefined>>(isObject, says(message)).superRefine((value, ctx) => {
      for (const [key, item] of Object.entries(value)) {
        if (typeof item === "string" || (unsetAllowed && item === undefined)) continue;
        ctx.addIssue({ code: "custom", path: [key], message: "must be a string", input: item });
      }
    });
  }
  const fn = <F>() => z.custom<F>((value) => typeof value === "function", says("must be a function"));
  const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
    z.enum(values, says((input) => `must be one of ${values.map((v) => JSON.stringify(v)).join(", ")}; got ${JSON.stringify(input)}`));
  /**
   * One of `values`, or "": a thread setting the official SDK passes only when truthy, so "" is
   * unset there and here (codexkit reads these settings with `||` or `if`). Typed as `values` only.
   */
  const oneOfOrUnset = <const T extends readonly [string, ...string[]]>(values: T) =>
    z.custom<T[number]>((value) => value === "" || values.includes(value as string), says((input) => `must be one of ${values.map((v) => JSON.stringify(v)).join(", ")}; got ${JSON.stringify(input)}`));

  /**
   * What an `appServer.url` message shows of a bad value: scheme and host only, as a URL may carry
   * a user, a password or a token, and the message is made before any redaction is set up.
   */
  function shownUrl(input: unknown): string {
    if (typeof input !== "string") return ` (got ${input === null ? "null" : typeof input})`;
    // Without a host, what looks like a scheme may be a user name ("alice:secret"): show nothing.
    const url = URL.canParse(input) ? new URL(input) : null;
    return url?.host ? ` (got ${url.protocol}//${url.host})` : "";
  }

  /** Where else a key not known here may belong, and what to tell the user about it. */
  interface Elsewhere {
    keys: readonly string[];
    /** "a thread option: give it to startThread()". */
    what: string;
  }

  /** How an unknown key is reported: the nearest known key, or the object that does take it. */
  function unknownKey(key: string, known: readonly string[], here: string, elsewhere: readonly Elsewhere[]): string {
    const near = closestKey(key, known);
    if (near !== undefined) return `is not an option; did you mean ${near}?`;
    for (const place of elsewhere) {
      const there = closestKey(key, place.keys);
      if (there === key) return `is not an option ${here}; ${key} is ${place.what}`;
      if (there !== undefined) return `is not an option ${here}; did you mean ${there}? It is ${place.what}`;
    }
    return known.length <= 8 ? `is not an option; the options are ${known.join(", ")}` : `is not an option ${here}`;
  }


  /**
   * A strict object whose unknown keys are reported one by one with a hint. zod's `strictObject`
   * hands a refinement its output, without the unknown keys, so this is a loose object that refuses
   * every key it does not know itself: strict in behaviour, and typed so. The check runs even when
   * other fields are wrong too (`when`), so a misspelt key is not hidden behind a value error.
   */
  function strict<S extends z.core.$ZodLooseShape>(shape: S, message: string, where: { here?: string; elsewhere?: () => readonly Elsewhere[] } = {}): z.ZodObject<S, z.core.$strict> {
    const known = Object.keys(shape);
    const loose = z.looseObject(shape, says(message)).superRefine(
      (value: unknown, ctx) => {
        if (!isObject(value)) return;
        for (const key of Object.keys(value)) {
          if (known.includes(key)) continue;
          ctx.addIssue({ code: "custom", path: [key], message: unknownKey(key, known, where.here ?? "here", where.elsewhere?.() ?? []), params: { [UNKNOWN_KEY]: true }, input: value[key] });
        }
      },
      { when: () => true },
    );
    return loose;
  }

  /**
   * A value that is one of several shapes, checked against the one it evidently means (`choose`
   * returns its schema, or a message when it fits none), so the error is about that shape and not
   * a list of every shape's complaints.
   */
  function oneShapeOf<T>(choose: (value: unknown) => z.ZodType | string) {
    return z.custom<T>(() => true).superRefine((value, ctx) => {
      const chosen = choose(value);
      if (typeof chosen === "string") {
        ctx.addIssue({ code: "custom", message: chosen, input: value });
        return;
      }
      const result = chosen.safeParse(value);
      if (!result.success) for (const issue of result.error.issues) ctx.addIssue({ ...issue });
    });
  }

  // Retry ----------------------------------------------------------------------------------------

  const RETRY_SHAPE = "true, false or { maxAttempts, baseDelayMs, maxDelayMs, maxElapsedMs }";

  /** `retry` given as options. */
  const retryOptionsSchema = strict(
    {
      maxAttempts: whole("must be a whole number from 1 to 100", 1, 100).optional(),
      baseDelayMs: millis(0).optional(),
      maxDelayMs: millis(0).optional(),
      maxElapsedMs: millis(0).optional(),
    },
    `must be ${RETRY_SHAPE}`,
  ) satisfies z.ZodType<RetryOptions>;

  /** `retry` on a client or a turn: a switch, or options. */
  const retrySettingSchema = oneShapeOf<RetrySetting>((value) => (typeof value === "boolean" ? z.boolean() : isObject(value) ? retryOptionsSchema : `must be ${RETRY_SHAPE}`));

  // MCP servers ----------------------------------------------------------------------------------

  const stdioShape = {
    command: nonEmpty("must be a non-empty string"),
    args: list("must be an array of strings").optional(),
    env: stringMap("must map names to strings").optional(),
    inheritEnv: flag().optional(),
    cwd: text().optional(),
  };
  const httpUrl = z
    .string(says("must be an http(s) URL (or give a command)"))
    .refine((url) => /^https?:\/\//.test(url) && URL.canParse(url), says("must be an http(s) URL (or give a command)"));
  const httpShape = { url: httpUrl, headers: stringMap("must map names to strings").optional() };
  const STDIO_ONLY = ["command", "args", "env", "inheritEnv", "cwd"];

  /**
   * The shape a server description means: `command` is stdio, `url` is HTTP; with neither, a key
   * that looks like a stdio one (`comand`, `args`) picks stdio, so its hint is about stdio.
   */
  function serverShape(value: unknown, stdio: z.ZodType, http: z.ZodType, notObject: string): z.ZodType | string {
    if (!isObject(value)) return notObject;
    const hasCommand = value.command !== undefined;
    if (hasCommand && value.url !== undefined) return "must give either a command (stdio) or a url (HTTP), not both";
    if (hasCommand) return stdio;
    if (value.url !== undefined) return http;
    return Object.keys(value).some((key) => closestKey(key, STDIO_ONLY) !== undefined) ? stdio : http;
  }

  const stdioServerSchema = strict(stdioShape, "must be an object") satisfies z.ZodType<McpStdioServer>;
  const httpServerSchema = strict(httpShape, "must be an object") satisfies z.ZodType<McpHttpServer>;

  /** A server `codex.mcp.connect` starts or reaches. */
  const mcpServerConfigSchema = oneShapeOf<McpServerConfig>((value) =>
    serverShape(value, stdioServerSchema, httpServerSchema, "expected { command, args?, env?, inheritEnv?, cwd? } or { url, headers? }"),
  );

  /** `restart` of `codex.mcp.connect`. */
  const mcpRestartOptionsSchema = strict(
    {
      maxRestarts: whole("must be a whole number >= 0", 0, Number.MAX_SAFE_INTEGER).optional(),
      windowMs: num("must be a number of milliseconds >= 1", (n) => n >= 1).optional(),
      baseDelayMs: num("must be a number of milliseconds >= 0", (n) => n >= 0).optional(),
      maxDelayMs: num("must be a number of milliseconds >= 0", (n) => n >= 0).optional(),
    },
    "must be { maxRestarts?, windowMs?, baseDelayMs?, maxDelayMs? }",
  ) satisfies z.ZodType<McpRestartOptions>;

  /** The options of `codex.mcp.connect`. */
  const mcpConnectOptionsSchema = strict(
    {
      restart: mcpRestartOptionsSchema.optional(),
      initializeTimeoutMs: millis(1).optional(),
      requestTimeoutMs: millis(0).optional(),
    },
    "must be an object: { restart?, initializeTimeoutMs?, requestTimeoutMs? }",
    { here: "of mcp.connect()" },
  ) satisfies z.ZodType<McpConnectOptions>;

  /** What a thread adds to a server description: how codex treats the server. */
  const codexServerShape = {
    toolApproval: oneOf(["approve", "ask"]).optional(),
    enabledTools: list("must be an array of tool names").optional(),
    disabledTools: list("must be an array of tool names").optional(),
    startupTimeoutMs: num("must be a positive number of milliseconds", (n) => n > 0).optional(),
    toolTimeoutMs: num("must be a positive number of milliseconds", (n) => n > 0).optional(),
    bearerTokenEnvVar: text().optional(),
  };
  const codexStdioServerSchema = strict({ ...stdioShape, ...codexServerShape }, "must be an object") satisfies z.ZodType<CodexMcpServer>;
  const codexHttpServerSchema = strict({ ...httpShape, ...codexServerShape }, "must be an object") satisfies z.ZodType<CodexMcpServer>;

  /** One of a thread's `mcpServers`. */
  const codexMcpServerSchema = oneShapeOf<CodexMcpServer>((value) => serverShape(value, codexStdioServerSchema, codexHttpServerSchema, "must be { command, ... } or { url, ... }"));

  const SERVER_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

  // Client, thread, turn -------------------------------------------------------------------------

  const TO_THREAD = "a thread option: give it to startThread()";
  const TO_TURN = "a turn option: give it to run() or runStreamed()";
  const TO_CLIENT = "an option of new Codex()";

  /** `files` of a client. */
  const filesOptionsSchema = strict(
    {
      dir: nonEmpty("must be a non-empty path").optional(),
      ttlMs: whole("must be a positive whole number", 1, Number.MAX_SAFE_INTEGER).optional(),
      maxBytes: whole("must be a positive whole number", 1, Number.MAX_SAFE_INTEGER).optional(),
      roots: z.array(nonEmpty("must be a directory (a non-empty path)"), says("must be an array of directories")).optional(),
    },
    "must be an object: { dir?, ttlMs?, maxBytes?, roots? }",
  );

  /** `appServer` of a client; which keys go with `url` is checked on the client's options. */
  const appServerOptionsSchema = strict(
    {
      url: z
        .string(says((input) => `must be ws://host:port, wss://host:port or unix:///path/to/socket${shownUrl(input)}`))
        .regex(/^(wss?:\/\/[^/]+|unix:\/\/\/.+)/, says((input) => `must be ws://host:port, wss://host:port or unix:///path/to/socket${shownUrl(input)}`))
        .optional(),
      token: nonEmpty("must be a non-empty string").optional(),
      uploadDir: nonEmpty("must be an absolute path on the agent's host").optional(),
      connectAttempts: whole("must be a whole number, at least 1", 1, Number.MAX_SAFE_INTEGER).optional(),
      maxThreads: whole(`must be a whole number from 1 to ${MAX_LOADED_THREADS}`, 1, MAX_LOADED_THREADS).optional(),
      maxRssMb: whole(`must be a whole number from 1 to ${Number.MAX_SAFE_INTEGER}`, 1, Number.MAX_SAFE_INTEGER).optional(),
      idleThreadMs: whole(`must be a whole number of milliseconds from 0 to ${MAX_TIMER_MS}`, 0, MAX_TIMER_MS).optional(),
    },
    "must be an object: { url, token?, uploadDir?, connectAttempts? } or { maxThreads?, maxRssMb?, idleThreadMs? }",
  );

  const codexShape = {
    // "" is the default binary, as in the official SDK (`codexPathOverride: process.env.CODEX_PATH ?? ""`).
    codexPathOverride: text("must be a path to a codex binary").optional(),
    baseUrl: text().optional(),
    apiKey: text().optional(),
    // Any object, as the official SDK takes (a class instance, no prototype); its values are checked when it is flattened.
    config: z.custom<NonNullable<CodexOptions["config"]>>(isObject, says("must be an object of codex settings (nested keys become dotted paths)")).optional(),
    configOverrides: list('must be an array of "key=value" strings').optional(),
    env: stringMap("must map names to strings", true).optional(),
    transport: oneOf(TRANSPORTS).optional(),
    // "" is the default home, as codexkit always read it (`if (options.codexHome)`).
    codexHome: text("must be a directory (a path)").optional(),
    logger: z
      .custom<NonNullable<CodexOptions["logger"]>>(
        (value) => isObject(value) && ["debug", "info", "warn", "error"].every((level) => typeof value[level] === "function"),
        says("must be a logger with debug, info, warn and error methods (pino-compatible)"),
      )
      .optional(),
    secrets: list("must be an array of strings").optional(),
    killGraceMs: millis(0).optional(),
    interruptTimeoutMs: millis(0).optional(),
    tools: z.array(z.custom<NonNullable<CodexOptions["tools"]>[number]>(isObject, says("must be a tool() definition")), says("must be an array of tool() definitions")).optional(),
    onApproval: fn<NonNullable<CodexOptions["onApproval"]>>().optional(),
    approvalTimeoutMs: millis(0).optional(),
    turnBufferBytes: whole("must be a whole number of bytes, at least 1024", 1024, Number.MAX_SAFE_INTEGER).optional(),
    maxLineBytes: whole("must be a whole number of bytes, at least 1024", 1024, Number.MAX_SAFE_INTEGER).optional(),
    retry: retrySettingSchema.optional(),
    onRetry: fn<NonNullable<CodexOptions["onRetry"]>>().optional(),
    onElicitation: fn<NonNullable<CodexOptions["onElicitation"]>>().optional(),
    files: filesOptionsSchema.optional(),
    appServer: appServerOptionsSchema.optional(),
    // OpenTelemetry objects come from whichever API copy the user has: known by shape, not class.
    tracer: z
      .custom<NonNullable<CodexOptions["tracer"]>>((value) => isObject(value) && typeof value.startSpan === "function", says("must be an OpenTelemetry Tracer (with startSpan)"))
      .optional(),
    meter: z
      .custom<NonNullable<CodexOptions["meter"]>>((value) => isObject(value) && typeof value.createHistogram === "function", says("must be an OpenTelemetry Meter (with createHistogram)"))
      .optional(),
    captureContent: flag().optional(),
    onEvent: fn<NonNullable<CodexOptions["onEvent"]>>().optional(),
    beforeToolCall: fn<NonNullable<CodexOptions["beforeToolCall"]>>().optional(),
    afterToolCall: fn<NonNullable<CodexOptions["afterToolCall"]>>().optional(),
  };

  const threadShape = {
    model: text().optional(),
    threadSource: text().optional(),
    sandboxMode: oneOfOrUnset(SANDBOX_MODES).optional(),
    // "" is the current directory, as the official SDK leaves out `--cd ""`.
    workingDirectory: text("must be a path").optional(),
    skipGitRepoCheck: flag().optional(),
    modelReasoningEffort: oneOfOrUnset(REASONING_EFFORTS).optional(),
    networkAccessEnabled: flag().optional(),
    webSearchMode: oneOfOrUnset(WEB_SEARCH_MODES).optional(),
    webSearchEnabled: flag().optional(),
    approvalPolicy: oneOfOrUnset(APPROVAL_MODES).optional(),
    additionalDirectories: list("must be an array of paths", "must be a path (a string)").optional(),
    ephemeral: flag().optional(),
    baseInstructions: text().optional(),
    developerInstructions: text().optional(),
    tools: codexShape.tools,
    onApproval: fn<NonNullable<ThreadOptions["onApproval"]>>().optional(),
    mcpServers: z
      .record(
        z.string().regex(SERVER_NAME, says('is not a server name: use 1 to 64 letters, digits, "_" or "-"')),
        codexMcpServerSchema,
        says("must map server names to { command, ... } or { url, ... }"),
      )
      .optional(),
    onElicitation: fn<NonNullable<ThreadOptions["onElicitation"]>>().optional(),
  };

  const turnShape = {
    // A JSON Schema object, or a Standard Schema (an arktype type is a function); checked in depth when it is converted.
    outputSchema: z
      .custom<NonNullable<TurnOptions["outputSchema"]>>(
        (value) => isObject(value) || (typeof value === "function" && "~standard" in value),
        says("must be a JSON Schema object or a Standard Schema (zod, valibot, arktype, ...)"),
      )
      .optional(),
    signal: z
      .custom<AbortSignal>((value) => isObject(value) && typeof value.aborted === "boolean" && typeof value.addEventListener === "function", says("must be an AbortSignal"))
      .optional(),
    cyberAccessProgram: oneOf(CYBER_ACCESS_PROGRAMS).optional(),
    retry: retrySettingSchema.optional(),
  };

  /**
   * The options of `new Codex()`. Which keys go together is checked after the fields: `appServer`
   * needs the app-server transport, and its local bounds and remote settings never mix.
   */
  const codexOptionsSchema = strict(codexShape, "must be an object", {
    here: "of new Codex()",
    elsewhere: () => [
      { keys: Object.keys(threadShape), what: TO_THREAD },
      { keys: Object.keys(turnShape), what: TO_TURN },
    ],
  }).superRefine((options, ctx) => {
    const server = options.appServer;
    if (server === undefined) return;
    if (options.transport === "exec") ctx.addIssue({ code: "custom", path: ["appServer"], message: 'needs the app-server transport (transport "exec" runs codex here)', input: server });
    const [present, message] =
      server.url === undefined
        ? [["token", "uploadDir", "connectAttempts"] as const, "needs appServer.url (a running app-server to connect to)"]
        : [["maxThreads", "maxRssMb"] as const, "bounds the app-server codexkit spawns; it does not apply with appServer.url"];
    for (const key of present) if (server[key] !== undefined) ctx.addIssue({ code: "custom", path: ["appServer", key], message, input: server[key] });
  }) satisfies z.ZodType<CodexOptions>;

  /** The options of `startThread()`, `resumeThread()` and `fork()`. */
  const threadOptionsSchema = strict(threadShape, "must be an object", {
    here: "of a thread",
    elsewhere: () => [
      { keys: Object.keys(codexShape), what: TO_CLIENT },
      { keys: Object.keys(turnShape), what: TO_TURN },
    ],
  }) satisfies z.ZodType<ThreadOptions>;

  /** The options of `run()` and `runStreamed()`. */
  const turnOptionsSchema = strict(turnShape, "must be an object", {
    here: "of a turn",
    elsewhere: () => [
      { keys: Object.keys(threadShape), what: TO_THREAD },
      { keys: Object.keys(codexShape), what: TO_CLIENT },
    ],
  }) satisfies z.ZodType<TurnOptions>;

  return {
    retryOptionsSchema,
    retrySettingSchema,
    mcpServerConfigSchema,
    mcpRestartOptionsSchema,
    mcpConnectOptionsSchema,
    codexMcpServerSchema,
    filesOptionsSchema,
    appServerOptionsSchema,
    codexOptionsSchema,
    threadOptionsSchema,
    turnOptionsSchema,
  };
}
