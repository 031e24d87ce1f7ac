/**
 * The turn layer's answers to what codex asks during a turn, for both transports: codexkit tools
 * run here (validated, timed, redacted by the tool set, inside their `execute_tool` span), and
 * approvals are decided here, with the `approval.requested` / `approval.resolved` events around
 * each decision and a span over the wait. Every event the transport reports passes `observe`,
 * which feeds the turn's spans at codex's own timing.
 */
import { decideApproval, type ApprovalHandler } from "../approvals/index.js";
import { logEvent } from "../log-events.js";
import type { Logger } from "../logger.js";
import { decideElicitation, type ElicitationHandler } from "../mcp/index.js";
import type { TurnTelemetry } from "../telemetry/index.js";
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

/** The `TurnHost` of one turn. Without `telemetry`, no spans (tests of the transports). */
export function createTurnHost(tools: ToolSet, approvals: TurnApprovals, logger: Logger, telemetry?: TurnTelemetry): TurnHost {
  const descriptions = new Map(tools.specs.map((spec) => [spec.name, spec.description]));
  return {
    observe(event) {
      if (event.type !== "tool_call.report" && event.type !== "codex_retry.report") telemetry?.observe(event);
    },
    async callTool(call) {
      const run = () => tools.call(call.tool, call.arguments, { threadId: call.threadId, turnId: call.turnId, callId: call.callId, signal: call.signal });
      const facts = { tool: call.tool, callId: call.callId, arguments: call.arguments, ...(descriptions.has(call.tool) ? { description: descriptions.get(call.tool)! } : {}) };
      const outcome = telemetry ? await telemetry.tool(facts, run) : await run();
      logEvent(logger, "tool.call", {
        threadId: call.threadId,
        turnId: call.turnId,
        callId: call.callId,
        tool: call.tool,
        outcome: outcome.vetoed ? "vetoed" : outcome.success ? "success" : "error",
        durationMs: Math.round(outcome.durationMs),
      });
      return outcome;
    },
    async decideApproval(request, { signal, emit }) {
      emit({ type: "approval.requested", request });
      const started = performance.now();
      const decide = () => decideApproval(approvals.handler, request, { timeoutMs: approvals.timeoutMs, logger, signal });
      const outcome = telemetry ? await telemetry.approval(request, decide) : await decide();
      logEvent(logger, "approval.decision", {
        threadId: request.threadId ?? null,
        turnId: request.turnId ?? null,
        kind: request.kind,
        decision: outcome.decision,
        source: outcome.source,
        waitMs: Math.round(performance.now() - started),
      });
      emit({ type: "approval.resolved", request, decision: outcome.decision, source: outcome.source });
      return outcome.decision;
    },
    traceUpload: (file, fn) => (telemetry ? telemetry.upload(file, fn) : fn()),
    elicit: (request, { signal }) => {
      const answer = () => decideElicitation(approvals.elicitation, request, { timeoutMs: approvals.timeoutMs, logger, signal });
      return telemetry ? telemetry.run(answer) : answer();
    },
  };
}
