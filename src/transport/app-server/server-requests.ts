/**
 * Answers to codex's server-to-client requests: `item/tool/call` runs a codexkit tool of the turn
 * and returns its outcome in app-server's `DynamicToolCallResponse` shape; approval requests go
 * to the turn's `onApproval` (decline without one) and show up in the stream as events.
 */
import { decideApproval, toApprovalRequest, toCodexResponse, toFileChanges } from "../../approvals/index.js";
import type { Logger } from "../../logger.js";
import type { ToolCallOutcome } from "../../tools/types.js";
import { anySignal } from "../abort.js";
import type { ActiveTurn } from "./active-turn.js";

/** `item/tool/call` → `{ contentItems, success }`. Never throws: codex must get an answer. */
export async function answerToolCall(turn: ActiveTurn | undefined, p: Record<string, unknown>, signal: AbortSignal): Promise<unknown> {
  const name = typeof p.tool === "string" ? p.tool : "";
  if (!turn?.tools?.has(name)) return toToolResponse(failure(`unknown tool ${JSON.stringify(name)}`));
  const combined = anySignal([signal, turn.cancel.signal]);
  try {
    const outcome = await turn.tools.call(name, p.arguments, {
      threadId: turn.threadId ?? "",
      turnId: typeof p.turnId === "string" ? p.turnId : turn.turnId,
      callId: typeof p.callId === "string" ? p.callId : "",
      signal: combined.signal,
    });
    return toToolResponse(outcome);
  } finally {
    combined.dispose();
  }
}

function failure(message: string): ToolCallOutcome {
  return { success: false, content: [{ type: "text", text: message }], error: message, durationMs: 0 };
}

/** The wire shape; a failure always carries its reason as text, so the model learns why. */
export function toToolResponse(outcome: ToolCallOutcome): { contentItems: Record<string, unknown>[]; success: boolean } {
  const contentItems: Record<string, unknown>[] = outcome.content.map((item) =>
    item.type === "text" ? { type: "inputText", text: item.text } : { type: "inputImage", imageUrl: item.imageUrl },
  );
  if (!outcome.success && outcome.error && !outcome.content.some((item) => item.type === "text" && item.text.includes(outcome.error!))) {
    contentItems.unshift({ type: "inputText", text: outcome.error });
  }
  return { contentItems, success: outcome.success };
}

/** Keeps a file-change item's changes: the approval request for it will not carry them. */
export function rememberFileChanges(turn: ActiveTurn, params: Record<string, unknown>): void {
  const item = params.item as Record<string, unknown> | undefined;
  if (item?.type === "fileChange" && typeof item.id === "string") turn.fileChanges.set(item.id, toFileChanges(item.changes));
}

/** An approval request → the turn's handler → codex's answer, with events on either side. */
export async function answerApproval(turn: ActiveTurn | undefined, method: string, p: Record<string, unknown>, logger: Logger): Promise<unknown> {
  const itemId = typeof p.itemId === "string" ? p.itemId : undefined;
  const changes = itemId ? turn?.fileChanges.get(itemId) : undefined;
  const request = toApprovalRequest(method, p, { ...(changes ? { changes } : {}), ...(turn?.cwd ? { cwd: turn.cwd } : {}) });
  turn?.emit({ type: "approval.requested", request });
  const outcome = await decideApproval(turn?.approvals.handler, request, {
    timeoutMs: turn?.approvals.timeoutMs,
    logger,
    ...(turn ? { signal: turn.cancel.signal } : {}),
  });
  turn?.emit({ type: "approval.resolved", request, decision: outcome.decision, source: outcome.source });
  return toCodexResponse(method, outcome.decision, request);
}
