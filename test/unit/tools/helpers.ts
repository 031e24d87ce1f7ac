import { Redactor } from "../../../src/errors/index.js";
import { recordingLogger } from "../../helpers/logger.js";
import type { ToolCallContext } from "../../../src/tools/index.js";

export { recordingLogger };

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
