import { Redactor } from "../../../src/errors/index.js";
import type { Logger } from "../../../src/logger.js";
import type { ToolCallContext } from "../../../src/tools/index.js";

/** A logger that keeps what it was told, for assertions. */
export function recordingLogger(): Logger & { entries: Array<{ level: string; obj: Record<string, unknown>; msg?: string }> } {
  const entries: Array<{ level: string; obj: Record<string, unknown>; msg?: string }> = [];
  const at = (level: string) => (obj: Record<string, unknown>, msg?: string) => void entries.push({ level, obj, msg });
  return { entries, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

/** Services with a redactor that knows "sk-secret123". */
export function services(defaultTimeoutMs?: number) {
  const logger = recordingLogger();
  const redactor = new Redactor().add("sk-secret123", "hunter2-password");
  return { logger, redactor, ...(defaultTimeoutMs === undefined ? {} : { defaultTimeoutMs }) };
}

/** A call context with a fresh signal. */
export function callContext(signal: AbortSignal = new AbortController().signal): ToolCallContext {
  return { threadId: "thr_1", turnId: "turn_1", callId: "call_1", signal };
}
