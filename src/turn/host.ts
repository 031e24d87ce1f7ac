/**
 * The turn layer's answers to what codex asks during a turn, for both transports: codexkit tools
 * run here (validated, timed, redacted by the tool set), and approvals are decided here, with
 * the `approval.requested` / `approval.resolved` events around each decision.
 */
import { decideApproval, type ApprovalHandler } from "../approvals/index.js";
import type { Logger } from "../logger.js";
import { decideElicitation, type ElicitationHandler } from "../mcp/index.js";
import type { ToolSet } from "../tools/index.js";
import type { TurnHost } from "../transport/index.js";

/** Who answers a turn's approval requests. */
export interface TurnApprovals {
  /** The thread's `onApproval`, else the client's; none means decline. */
  handler?: ApprovalHandler;
  /** Deadline for the handler (default 60000; 0 waits without a limit). */
  timeoutMs?: number;
  /** The thread's `onElicitation`, else the client's; none means decline. */
  elicitation?: ElicitationHandler;
}

/** The `TurnHost` of one turn. */
export function createTurnHost(tools: ToolSet, approvals: TurnApprovals, logger: Logger): TurnHost {
  return {
    callTool: (call) => tools.call(call.tool, call.arguments, { threadId: call.threadId, turnId: call.turnId, callId: call.callId, signal: call.signal }),
    async decideApproval(request, { signal, emit }) {
      emit({ type: "approval.requested", request });
      const outcome = await decideApproval(approvals.handler, request, { timeoutMs: approvals.timeoutMs, logger, signal });
      emit({ type: "approval.resolved", request, decision: outcome.decision, source: outcome.source });
      return outcome.decision;
    },
    elicit: (request, { signal }) => decideElicitation(approvals.elicitation, request, { timeoutMs: approvals.timeoutMs, logger, signal }),
  };
}
