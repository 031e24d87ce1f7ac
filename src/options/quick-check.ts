/**
 * Quick checks of the options most programs give, accepted without loading zod or building the
 * schemas (see schema.ts). Each accepts only values the schema accepts too (a property test holds
 * them to it); anything else (a key they do not cover, a value they are unsure of, a mistake)
 * goes to the schema, which alone explains what is wrong.
 */
import { isJsonObject as isObject } from "../json.js";
import { MAX_TIMER_MS } from "../timing/index.js";
import { APPROVAL_MODES, CYBER_ACCESS_PROGRAMS, REASONING_EFFORTS, SANDBOX_MODES, TRANSPORTS, WEB_SEARCH_MODES } from "./values.js";

/** Whether one option's value is certainly fine. */
type Quick = (value: unknown) => boolean;

/** A plain object literal (or one without a prototype): the top level of every options object here. */
function isPlain(value: unknown): value is Record<string, unknown> {
  if (!isObject(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

const text: Quick = (value) => typeof value === "string";
const flag: Quick = (value) => typeof value === "boolean";
const fn: Quick = (value) => typeof value === "function";
const texts: Quick = (value) => Array.isArray(value) && value.every(text);
const millis: Quick = (value) => typeof value === "number" && value >= 0 && value <= MAX_TIMER_MS;
const bytes: Quick = (value) => typeof value === "number" && Number.isSafeInteger(value) && value >= 1024;
const objects: Quick = (value) => Array.isArray(value) && value.every(isObject);
const oneOf =
  (values: readonly string[]): Quick =>
  (value) =>
    typeof value === "string" && values.includes(value);
/** One of `values`, or "" (unset, as in the official SDK). */
const oneOfOrUnset = (values: readonly string[]): Quick => {
  const known = oneOf(values);
  return (value) => value === "" || known(value);
};
const withMethods =
  (...names: string[]): Quick =>
  (value) =>
    isObject(value) && names.every((name) => typeof value[name] === "function");
/** Names to strings (`undefined` too: an unset variable), as `process.env` holds them. */
const environment: Quick = (value) => isObject(value) && Object.values(value).every((item) => item === undefined || typeof item === "string");

const CODEX: Record<string, Quick> = {
  codexPathOverride: text,
  baseUrl: text,
  apiKey: text,
  config: isObject,
  configOverrides: texts,
  env: environment,
  transport: oneOf(TRANSPORTS),
  codexHome: text,
  logger: withMethods("debug", "info", "warn", "error"),
  secrets: texts,
  killGraceMs: millis,
  interruptTimeoutMs: millis,
  tools: objects,
  onApproval: fn,
  approvalTimeoutMs: millis,
  turnBufferBytes: bytes,
  maxLineBytes: bytes,
  retry: flag,
  onRetry: fn,
  onElicitation: fn,
  tracer: withMethods("startSpan"),
  meter: withMethods("createHistogram"),
  captureContent: flag,
  onEvent: fn,
  beforeToolCall: fn,
  afterToolCall: fn,
};

const THREAD: Record<string, Quick> = {
  model: text,
  threadSource: text,
  sandboxMode: oneOfOrUnset(SANDBOX_MODES),
  workingDirectory: text,
  skipGitRepoCheck: flag,
  modelReasoningEffort: oneOfOrUnset(REASONING_EFFORTS),
  networkAccessEnabled: flag,
  webSearchMode: oneOfOrUnset(WEB_SEARCH_MODES),
  webSearchEnabled: flag,
  approvalPolicy: oneOfOrUnset(APPROVAL_MODES),
  additionalDirectories: texts,
  ephemeral: flag,
  baseInstructions: text,
  developerInstructions: text,
  tools: objects,
  onApproval: fn,
  onElicitation: fn,
};

const TURN: Record<string, Quick> = {
  outputSchema: (value) => isObject(value) || (typeof value === "function" && "~standard" in value),
  signal: (value) => isObject(value) && typeof value.aborted === "boolean" && typeof value.addEventListener === "function",
  cyberAccessProgram: oneOf(CYBER_ACCESS_PROGRAMS),
  retry: flag,
};

function quick(fields: Record<string, Quick>): (options: unknown) => boolean {
  return (options) => {
    if (!isPlain(options)) return false;
    for (const key of Object.keys(options)) {
      const value = options[key];
      if (value === undefined) {
        if (!Object.hasOwn(fields, key)) return false;
        continue;
      }
      const check = Object.hasOwn(fields, key) ? fields[key] : undefined;
      if (check === undefined || !check(value)) return false;
    }
    return true;
  };
}

/** Whether options of `new Codex()` are certainly valid. */
export const quickCodexOptions = quick(CODEX);
/** Whether thread options are certainly valid. */
export const quickThreadOptions = quick(THREAD);
/** Whether turn options are certainly valid. */
export const quickTurnOptions = quick(TURN);
