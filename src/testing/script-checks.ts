/**
 * Shape checks of a MockModelServer script. A hand-written or mistyped script fails where it is
 * given, with what was expected and how to write it, instead of as a puzzling codex error (or a
 * hung turn) later.
 */
import type { MockResponse } from "./script.js";
import { closestKey } from "../did-you-mean.js";

const RESPONSE_BUILDERS: Readonly<Record<string, string>> = {
  stream: "stream([...])",
  fail: 'fail("message")',
  http_error: "httpError(status)",
  stall: "stall()",
  disconnect: "disconnect()",
};

const OUTPUT_BUILDERS: Readonly<Record<string, string>> = {
  message: 'say("text")',
  reasoning: 'think("text")',
  function_call: "callTool(name, args), runCommand(cmd) or applyPatch(...)",
  raw_event: "rawEvent({ type, ... })",
};

const EXPECTED_RESPONSE = `expected a MockResponse: ${Object.values(RESPONSE_BUILDERS).join(", ")}`;
const EXPECTED_OUTPUT = `expected a MockOutput: ${Object.values(OUTPUT_BUILDERS).join(", ")}`;

/**
 * Throws a TypeError saying what was expected and how to fix it when `value` is not a
 * MockResponse, so a hand-written script with a typo fails where it is enqueued. `where` names
 * the value in the message (`enqueue() argument 2`, `fallback`).
 */
export function assertMockResponse(value: unknown, where = "the response"): asserts value is MockResponse {
  const type = typeOf(value);
  if (type === undefined || !(type in RESPONSE_BUILDERS)) {
    throw new TypeError(`${where} is not a MockResponse (${describe(value)}); ${EXPECTED_RESPONSE}${responseHint(value, type)}`);
  }
  const response = value as Record<string, unknown>;
  const outputs = response.outputs;
  if (type === "stream" && !Array.isArray(outputs)) {
    throw new TypeError(`${where}: a stream MockResponse needs an outputs array (${describe(outputs)}); write it as stream([say("hi")]), or model.reply(say("hi"))`);
  }
  if (outputs !== undefined) {
    if (!Array.isArray(outputs)) {
      throw new TypeError(`${where}: outputs of a ${type} MockResponse must be an array (${describe(outputs)}); e.g. ${type}({ outputs: [say("partial")] })`);
    }
    outputs.forEach((output: unknown, index) => assertMockOutput(output, `${where}: outputs[${index}]`));
  }
  checkResponseFields(type, response, where);
}

/** Throws a TypeError saying what was expected when `value` is not a MockOutput. */
export function assertMockOutput(value: unknown, where: string): void {
  const type = typeOf(value);
  if (type === undefined || !(type in OUTPUT_BUILDERS)) {
    throw new TypeError(`${where} is not a MockOutput (${describe(value)}); ${EXPECTED_OUTPUT}${outputHint(value, type)}`);
  }
  const output = value as Record<string, unknown>;
  if ((type === "message" || type === "reasoning") && typeof output.text !== "string") {
    throw new TypeError(`${where}: a ${type} needs its text as a string (${describe(output.text)}); use ${OUTPUT_BUILDERS[type]}`);
  }
  if (type === "function_call") {
    if (typeof output.name !== "string" || output.name === "") {
      throw new TypeError(`${where}: a function_call needs the tool's name as a string (${describe(output.name)}); use callTool("name", args)`);
    }
    if (typeof output.arguments !== "string") {
      throw new TypeError(
        `${where}: a function_call's arguments are the JSON text the API sends (${describe(output.arguments)}); ` +
          "use callTool(name, args), which turns args into that text, or JSON.stringify them",
      );
    }
  }
  if (type === "raw_event" && typeof typeOf(output.event) !== "string") {
    throw new TypeError(`${where}: a raw_event needs an event object with a string type (${describe(output.event)}); use rawEvent({ type: "response.x", ... })`);
  }
}

function checkResponseFields(type: string, response: Record<string, unknown>, where: string): void {
  if (type === "fail" && typeof response.message !== "string") {
    throw new TypeError(`${where}: a fail MockResponse needs its message as a string (${describe(response.message)}); use fail("what went wrong")`);
  }
  if (type === "http_error") {
    const status = response.status;
    if (typeof status !== "number" || !Number.isInteger(status) || status < 400 || status > 599) {
      throw new TypeError(`${where}: an http_error needs a status from 400 to 599 (${describe(status)}); use httpError(429), say, or script a success with stream([...])`);
    }
  }
  for (const key of ["delayMs", "afterMs", "retryAfter", "retryAfterMs"]) {
    const ms = response[key];
    if (ms !== undefined && (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0)) {
      throw new TypeError(`${where}: ${key} must be a finite number >= 0 (${describe(ms)})`);
    }
  }
}

function responseHint(value: unknown, type: string | undefined): string {
  if (type !== undefined && type in OUTPUT_BUILDERS) {
    return "; that is a model output: wrap it as stream([...]), e.g. stream([say(\"hi\")]) (reply(...outputs) does that for you)";
  }
  if (typeof value === "string") return `; to answer with text, use stream([say(${JSON.stringify(clip(value))})]) or model.reply(say(...))`;
  if (Array.isArray(value)) return "; for a list of outputs, use stream([...outputs]) or model.reply(...outputs)";
  if (type !== undefined) return closestHint(type, Object.keys(RESPONSE_BUILDERS));
  return "";
}

function outputHint(value: unknown, type: string | undefined): string {
  if (type !== undefined && type in RESPONSE_BUILDERS) {
    return `; that is a whole response (${type}), not an output: enqueue it on its own, model.enqueue(${RESPONSE_BUILDERS[type]!})`;
  }
  if (typeof value === "string") return `; to say text, use say(${JSON.stringify(clip(value))})`;
  if (type !== undefined) return closestHint(type, Object.keys(OUTPUT_BUILDERS));
  return "";
}

function closestHint(type: string, known: string[]): string {
  const near = closestKey(type, known);
  return near ? ` (did you mean type "${near}"?)` : "";
}

function typeOf(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const type = (value as { type?: unknown }).type;
  return typeof type === "string" ? type : undefined;
}

/** What a value is, for a message: `type "mesage"`, `a string "hi"`, `null`, `an array`, `undefined`. */
function describe(value: unknown): string {
  if (value === undefined) return "got undefined";
  if (value === null) return "got null";
  if (typeof value === "string") return `got the string ${JSON.stringify(clip(value))}`;
  if (Array.isArray(value)) return `got an array of ${value.length}`;
  if (typeof value === "object") {
    const type = (value as { type?: unknown }).type;
    return type === undefined ? "got an object without a type" : `got type ${JSON.stringify(type)}`;
  }
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return `got ${typeof value} ${String(value)}`;
  return `got a ${typeof value}`;
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
