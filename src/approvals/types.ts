/**
 * The public shapes of approvals decided in code: what codex asks (`ApprovalRequest`), what the
 * caller answers (`ApprovalDecision`) and the callback in between (`ApprovalHandler`). They are
 * codexkit's own and transport-independent; the app-server transport translates codex's wire
 * messages to and from them (`transport/app-server/approval-*.ts`).
 */

/** codex's best-effort reading of a command, for display. */
export type CommandAction =
  | {
      /** The command reads a file. */
      type: "read";
      /** The command this action was read from. */
      command: string;
      /** The name of the file read. */
      name: string;
      /** The path of the file read. */
      path: string;
    }
  | {
      /** The command lists files. */
      type: "listFiles";
      /** The command this action was read from. */
      command: string;
      /** The directory listed, or null. */
      path: string | null;
    }
  | {
      /** The command searches files. */
      type: "search";
      /** The command this action was read from. */
      command: string;
      /** What is searched for, or null. */
      query: string | null;
      /** Where the search runs, or null. */
      path: string | null;
    }
  | {
      /** codex could not tell what the command does. */
      type: "unknown";
      /** The command this action was read from. */
      command: string;
    };

/** What a command approval is about: a command, a command a human typed, or input to a running one. */
export type CommandExecutionApprovalKind = "command" | "humanCommand" | "writeStdin";

/** Set when a command approval is about network access to a host. */
export type NetworkApprovalContext = {
  /** The host the command wants to reach. */
  host: string;
  /** The protocol, e.g. `http`, `https`, `socks5Tcp` or `socks5Udp`. */
  protocol: string;
};

/** Extra sandbox permissions codex asks for; null where it asks for none. */
export type RequestPermissionProfile = {
  /** Network access asked for (codex's `AdditionalNetworkPermissions`), or null. */
  network: Record<string, unknown> | null;
  /** File-system access asked for (codex's `AdditionalFileSystemPermissions`), or null. */
  fileSystem: Record<string, unknown> | null;
};

/** The answer to an approval request: allow once, allow for the rest of the session, refuse, or refuse and stop the turn. */
export type ApprovalDecision = "accept" | "acceptForSession" | "decline" | "cancel";

/** Every valid `ApprovalDecision`, for validating what a handler returned. */
export const APPROVAL_DECISIONS: readonly ApprovalDecision[] = Object.freeze(["accept", "acceptForSession", "decline", "cancel"]);

/** True when `value` is one of the four decisions (handlers written in JS can return anything). */
export function isApprovalDecision(value: unknown): value is ApprovalDecision {
  return typeof value === "string" && (APPROVAL_DECISIONS as readonly string[]).includes(value);
}

/** One file a patch touches; structurally a superset of the `FileUpdateChange` of `file_change` items. */
export type FileChange = {
  /** The file's path. */
  path: string;
  /** Whether the file is added, deleted or updated. */
  kind: "add" | "delete" | "update";
  /** Unified diff for updates, the content for adds and deletes, when codex reported it. */
  diff?: string;
  /** Destination of a rename; rules check it like `path` so a move cannot escape them. */
  movePath?: string;
};

/** Fields every approval request carries; ids are present when codex sent them. */
export type ApprovalRequestBase = {
  /** The JSON-RPC method codex used, kept so the answer can be shaped for it. */
  method: string;
  /** The thread the request comes from. */
  threadId?: string;
  /** The turn the request comes from. */
  turnId?: string;
  /** The item the request is about. */
  itemId?: string;
  /** codex's explanation of why it asks (e.g. "needs network access"), or null. */
  reason: string | null;
  /** The params exactly as codex sent them, for anything this summary leaves out. */
  raw: unknown;
};

/** codex wants to run a shell command (or send stdin to one, see `commandKind`). */
export type CommandApprovalRequest = ApprovalRequestBase & {
  /** Discriminant: a command approval. */
  kind: "command";
  /** The command line as codex shows it, e.g. `/bin/bash -lc 'git status'`; "" when codex sent none. */
  command: string;
  /** The directory the command would run in, or null when codex sent none. */
  cwd: string | null;
  /** What is being approved: a command, a human-typed command or stdin to a running one. */
  commandKind?: CommandExecutionApprovalKind;
  /** codex's best-effort parse of the command, for display. */
  commandActions?: CommandAction[];
  /** Set when the approval is about network access to a host. */
  networkApprovalContext?: NetworkApprovalContext;
  /** Distinguishes several approval callbacks for one item. */
  approvalId?: string;
};

/** codex wants to apply a patch. */
export type FileChangeApprovalRequest = ApprovalRequestBase & {
  /** Discriminant: a patch approval. */
  kind: "file_change";
  /** The files the patch touches; empty when the transport did not see them. */
  changes: FileChange[];
  /** A root codex asks to write under for the rest of the session, or null. */
  grantRoot: string | null;
  /** The directory relative paths are resolved against, when the transport knows it. */
  cwd: string | null;
};

/** codex wants extra sandbox permissions (network, file system). */
export type PermissionsApprovalRequest = ApprovalRequestBase & {
  /** Discriminant: a permissions approval. */
  kind: "permissions";
  /** Exactly what codex asked for; accepting grants exactly this. */
  permissions: RequestPermissionProfile;
  /** The working directory codex sent, or null. */
  cwd: string | null;
};

/** codex wants to call a tool of an MCP server it runs (a thread's `mcpServers` with `toolApproval: "ask"`). */
export type McpToolApprovalRequest = ApprovalRequestBase & {
  /** Discriminant: an MCP tool call approval. */
  kind: "mcp_tool";
  /** The MCP server's name. */
  server: string;
  /** The name of the tool to call. */
  tool: string;
  /** The arguments the model passed. */
  arguments: unknown;
  /** codex's question, e.g. `Allow the fx MCP server to run tool "add"?`. */
  message: string;
};

/** Any other server request (user input, MCP elicitation, methods newer than codexkit). */
export type OtherApprovalRequest = ApprovalRequestBase & {
  /** Discriminant: any other request. */
  kind: "other";
  /** The request's params as codex sent them. */
  params: unknown;
};

/** What codex asks the caller to approve, discriminated on `kind`. */
export type ApprovalRequest =
  | CommandApprovalRequest
  | FileChangeApprovalRequest
  | PermissionsApprovalRequest
  | McpToolApprovalRequest
  | OtherApprovalRequest;

/** The caller's approval callback (`onApproval`). */
export type ApprovalHandler = (request: ApprovalRequest, context: ApprovalContext) => ApprovalDecision | Promise<ApprovalDecision>;

/** What a handler gets besides the request. */
export type ApprovalContext = {
  /** Aborts when the answer is no longer needed (the turn ended, was interrupted, or the handler timed out). */
  signal: AbortSignal;
};

/** Settings a handler may carry itself (as `approvalRules` handlers do) so the dispatcher honours them. */
export type ApprovalHandlerSettings = {
  /** How long to wait for the handler before answering `otherwise`. */
  readonly timeoutMs?: number;
  /** The answer when the handler fails, times out or returns garbage. */
  readonly otherwise?: ApprovalDecision;
};
