/**
 * codex's server-to-client requests, read off the wire and handed to the running turn's host:
 * `item/tool/call` becomes a `ToolCallRequest` and its outcome a `DynamicToolCallResponse`;
 * approval requests become `ApprovalRequest`s and the decision codex's answer for that method.
 */
import type { ElicitationRequest } from "../../mcp/types.js";
import type { ToolCallOutcome } from "../../tools/index.js";
import { anySignal } from "../../abort.js";
import type { ActiveTurn } from "./active-turn.js";
import { toApprovalRequest, toFileChanges } from "./approval-requests.js";
import { toCodexResponse } from "./approval-responses.js";
import { asObject, asString } from "./items.js";

/** `item/tool/call` → `{ contentItems, success }`. Never throws: codex must get an answer. */
export async function answerToolCall(turn: ActiveTurn | undefined, p: Record<string, unknown>, signal: AbortSignal): Promise<unknown> {
  const tool = asString(p.tool);
  if (!turn) return toToolResponse(failure(`unknown tool ${JSON.stringify(tool)}: no turn of this thread is running`));
  const combined = anySignal([signal, turn.cancelSignal]);
  try {
    const outcome = await turn.host.callTool({
      tool,
      arguments: p.arguments,
      callId: asString(p.callId),
      threadId: turn.threadId ?? "",
      turnId: typeof p.turnId === "string" ? p.turnId : turn.turnId,
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
  const item = asObject(params.item);
  if (item?.type === "fileChange" && typeof item.id === "string") turn.fileChanges.set(item.id, toFileChanges(item.changes));
}

/** An MCP elicitation (not a tool approval) → the turn's host → codex's answer; no turn: decline. */
export async function answerElicitation(turn: ActiveTurn | undefined, p: Record<string, unknown>, signal: AbortSignal): Promise<unknown> {
  const decline = { action: "decline", content: null, _meta: null };
  if (!turn) return decline;
  const request: ElicitationRequest = {
    threadId: asString(p.threadId),
    turnId: typeof p.turnId === "string" ? p.turnId : turn.turnId,
    server: asString(p.serverName),
    mode: asString(p.mode, "form"),
    message: asString(p.message),
    ...(asObject(p.requestedSchema) ? { requestedSchema: asObject(p.requestedSchema)! } : {}),
    ...(typeof p.url === "string" ? { url: p.url } : {}),
    raw: p,
  };
  const combined = anySignal([signal, turn.cancelSignal]);
  try {
    const answer = await turn.host.elicit(request, { signal: combined.signal, emit: turn.emit });
    return { action: answer.action, content: answer.action === "accept" ? (answer.content ?? {}) : null, _meta: null };
  } finally {
    combined.dispose();
  }
}

/**
 * An approval request → the turn's host → codex's answer. Without a running turn (a request for a
 * thread nobody runs here), the answer is "decline": nothing is ever accepted by default.
 */
export async function answerApproval(turn: ActiveTurn | undefined, method: string, p: Record<string, unknown>, signal: AbortSignal): Promise<unknown> {
  const itemId = typeof p.itemId === "string" ? p.itemId : undefined;
  const changes = itemId ? turn?.fileChanges.get(itemId) : undefined;
  const request = toApprovalRequest(method, p, { ...(changes ? { changes } : {}), ...(turn ? { cwd: turn.cwd } : {}) });
  if (!turn) return toCodexResponse(method, "decline", request);
  const combined = anySignal([signal, turn.cancelSignal]);
  try {
    const decision = await turn.host.decideApproval(request, { signal: combined.signal, emit: turn.emit });
    return toCodexResponse(method, decision, request);
  } finally {
    combined.dispose();
  }
}
