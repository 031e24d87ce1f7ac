/** The server→client JSON-RPC methods that ask for an approval this module can answer. */

import type { ServerRequest } from "./protocol/index.js";

/** A server request method this module parses and answers. */
export type ApprovalMethod = Extract<
  ServerRequest["method"],
  | "item/commandExecution/requestApproval"
  | "item/fileChange/requestApproval"
  | "item/permissions/requestApproval"
  | "execCommandApproval"
  | "applyPatchApproval"
>;

// Spelled out once and checked against the generated `ServerRequest` union, so a renamed method fails to compile.
const METHODS = {
  command: "item/commandExecution/requestApproval",
  fileChange: "item/fileChange/requestApproval",
  permissions: "item/permissions/requestApproval",
  legacyCommand: "execCommandApproval",
  legacyPatch: "applyPatchApproval",
} as const satisfies Record<string, ApprovalMethod>;

/** Method names by role, for the parser and the response builder. */
export const APPROVAL_METHOD = METHODS;

/** The server request methods this module handles (v2 plus the legacy v1 pair). */
export const APPROVAL_METHODS: readonly ApprovalMethod[] = Object.freeze(Object.values(METHODS));

/** codex's MCP elicitation request; with `_meta.codex_approval_kind: "mcp_tool_call"` it is an approval. */
export const ELICITATION_METHOD = "mcpServer/elicitation/request" satisfies ServerRequest["method"];

/** True when an elicitation's params are codex asking to approve an MCP tool call. */
export function isMcpToolApproval(params: unknown): boolean {
  const meta = (params as { _meta?: { codex_approval_kind?: unknown } } | null)?._meta;
  return meta?.codex_approval_kind === "mcp_tool_call";
}

/** True when `method` is one of `APPROVAL_METHODS`. */
export function isApprovalMethod(method: string): method is ApprovalMethod {
  return (APPROVAL_METHODS as readonly string[]).includes(method);
}
