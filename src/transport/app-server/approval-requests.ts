/**
 * Wire params → `ApprovalRequest`. codex's params arrive as untyped JSON and may come from a newer
 * or older codex than the generated types, so every field is checked and nothing here throws:
 * whatever cannot be read as an approval becomes `{ kind: "other" }`.
 */

import type {
  ApprovalRequest,
  ApprovalRequestBase,
  CommandAction,
  CommandExecutionApprovalKind,
  FileChange,
  NetworkApprovalContext,
  OtherApprovalRequest,
  RequestPermissionProfile,
} from "../../approvals/index.js";
import { isJsonObject } from "../../json.js";
import { APPROVAL_METHOD, ELICITATION_METHOD, isMcpToolApproval } from "./approval-methods.js";

/** What the transport knows that codex leaves out of the request itself. */
export type ApprovalRequestExtra = {
  /** The changes seen on the `fileChange` item's `item/started` (v2 file-change requests omit them). */
  changes?: readonly unknown[];
  /** The thread's working directory, so file rules can match paths relative to it. */
  cwd?: string;
};

type Obj = Record<string, unknown>;

const isObj = isJsonObject;
const str = (obj: Obj, key: string): string | undefined => (typeof obj[key] === "string" ? obj[key] : undefined);
const strOrNull = (obj: Obj, key: string): string | null => str(obj, key) ?? null;

/** Turns a method and its params into an `ApprovalRequest`; never throws, unknown input becomes kind "other". */
export function toApprovalRequest(method: string, params: unknown, extra: ApprovalRequestExtra = {}): ApprovalRequest {
  try {
    return parse(method, params, extra) ?? other(method, params);
  } catch {
    // Hostile getters or proxies: still answer codex rather than drop the request.
    return other(method, params);
  }
}

/**
 * Normalises file changes as either codex (`{path, kind: {type, move_path}, diff}`) or codexkit
 * items (`{path, kind: "add", diff?}`) spell them; used for approval requests and for
 * `file_change` items alike. An entry without a path is kept with an empty one rather than
 * dropped, so path rules can never approve a change nobody could check; an unknown kind reads as
 * "update".
 */
export function toFileChanges(value: unknown): FileChange[] {
  if (!Array.isArray(value)) return [];
  return value.map((entry: unknown) => fileChange(entry) ?? { path: "", kind: "update" });
}

function parse(method: string, params: unknown, extra: ApprovalRequestExtra): ApprovalRequest | undefined {
  if (!isObj(params)) return undefined;
  switch (method) {
    case APPROVAL_METHOD.command:
      return {
        ...base(method, params, { threadId: "threadId", turnId: "turnId", itemId: "itemId" }),
        kind: "command",
        command: str(params, "command") ?? "",
        cwd: strOrNull(params, "cwd"),
        ...commandExtras(params),
      };
    case APPROVAL_METHOD.legacyCommand: {
      const argv = Array.isArray(params.command) ? params.command.filter((arg): arg is string => typeof arg === "string") : [];
      return {
        ...base(method, params, { threadId: "conversationId", itemId: "callId" }),
        kind: "command",
        command: typeof params.command === "string" ? params.command : shellJoin(argv),
        cwd: strOrNull(params, "cwd"),
        ...(str(params, "approvalId") !== undefined ? { approvalId: str(params, "approvalId") } : {}),
      };
    }
    case APPROVAL_METHOD.fileChange:
      return {
        ...base(method, params, { threadId: "threadId", turnId: "turnId", itemId: "itemId" }),
        kind: "file_change",
        changes: toFileChanges(extra.changes),
        grantRoot: strOrNull(params, "grantRoot"),
        cwd: extra.cwd ?? null,
      };
    case APPROVAL_METHOD.legacyPatch:
      return {
        ...base(method, params, { threadId: "conversationId", itemId: "callId" }),
        kind: "file_change",
        changes: isObj(params.fileChanges) ? legacyChanges(params.fileChanges) : toFileChanges(extra.changes),
        grantRoot: strOrNull(params, "grantRoot"),
        cwd: extra.cwd ?? null,
      };
    case ELICITATION_METHOD: {
      if (!isMcpToolApproval(params)) return undefined;
      const meta = isObj(params._meta) ? params._meta : {};
      return {
        ...base(method, params, { threadId: "threadId", turnId: "turnId", itemId: "itemId" }),
        kind: "mcp_tool",
        server: str(params, "serverName") ?? "",
        tool: str(meta, "tool_name") ?? "",
        arguments: meta.tool_params ?? {},
        message: str(params, "message") ?? "",
      };
    }
    case APPROVAL_METHOD.permissions:
      if (!isObj(params.permissions)) return undefined;
      return {
        ...base(method, params, { threadId: "threadId", turnId: "turnId", itemId: "itemId" }),
        kind: "permissions",
        permissions: permissionProfile(params.permissions),
        cwd: strOrNull(params, "cwd"),
      };
    default:
      return undefined;
  }
}

function other(method: string, params: unknown): OtherApprovalRequest {
  let ids: Partial<ApprovalRequestBase> = {};
  let reason: string | null = null;
  try {
    if (isObj(params)) {
      ids = base(method, params, { threadId: "threadId", turnId: "turnId", itemId: "itemId" });
      reason = ids.reason ?? null;
    }
  } catch {
    // Ids are a courtesy for logging; the request is answerable without them.
  }
  return {
    method,
    ...(ids.threadId !== undefined ? { threadId: ids.threadId } : {}),
    ...(ids.turnId !== undefined ? { turnId: ids.turnId } : {}),
    ...(ids.itemId !== undefined ? { itemId: ids.itemId } : {}),
    reason,
    raw: params,
    kind: "other",
    params,
  };
}

function base(method: string, params: Obj, keys: { threadId: string; turnId?: string; itemId: string }): ApprovalRequestBase {
  const threadId = str(params, keys.threadId);
  const turnId = keys.turnId === undefined ? undefined : str(params, keys.turnId);
  const itemId = str(params, keys.itemId);
  return {
    method,
    ...(threadId !== undefined ? { threadId } : {}),
    ...(turnId !== undefined ? { turnId } : {}),
    ...(itemId !== undefined ? { itemId } : {}),
    reason: strOrNull(params, "reason"),
    raw: params,
  };
}

const COMMAND_KINDS: readonly string[] = ["command", "humanCommand", "writeStdin"] satisfies CommandExecutionApprovalKind[];

function commandExtras(params: Obj): {
  commandKind?: CommandExecutionApprovalKind;
  commandActions?: CommandAction[];
  networkApprovalContext?: NetworkApprovalContext;
  approvalId?: string;
} {
  const extras: ReturnType<typeof commandExtras> = {};
  if (typeof params.kind === "string" && COMMAND_KINDS.includes(params.kind)) extras.commandKind = params.kind as CommandExecutionApprovalKind;
  if (Array.isArray(params.commandActions)) {
    // Display-only data: keep the well-formed entries and trust codex for the variant fields.
    extras.commandActions = params.commandActions.filter(
      (action): action is CommandAction => isObj(action) && typeof action.type === "string" && typeof action.command === "string",
    );
  }
  const network = params.networkApprovalContext;
  if (isObj(network) && typeof network.host === "string") extras.networkApprovalContext = network as NetworkApprovalContext;
  const approvalId = str(params, "approvalId");
  if (approvalId !== undefined) extras.approvalId = approvalId;
  return extras;
}

function fileChange(entry: unknown): FileChange | undefined {
  if (!isObj(entry) || typeof entry.path !== "string") return undefined;
  const rawKind = isObj(entry.kind) ? entry.kind.type : entry.kind;
  const change: FileChange = { path: entry.path, kind: rawKind === "add" || rawKind === "delete" ? rawKind : "update" };
  if (typeof entry.diff === "string") change.diff = entry.diff;
  const movePath = isObj(entry.kind) ? entry.kind.move_path : entry.movePath;
  if (typeof movePath === "string") change.movePath = movePath;
  return change;
}

// The legacy request keys changes by path and spells their content per kind.
function legacyChanges(fileChanges: Obj): FileChange[] {
  return Object.entries(fileChanges).map(([path, value]): FileChange => {
    if (!isObj(value)) return { path, kind: "update" };
    if (value.type === "add" || value.type === "delete") {
      return { path, kind: value.type, ...(typeof value.content === "string" ? { diff: value.content } : {}) };
    }
    return {
      path,
      kind: "update",
      ...(typeof value.unified_diff === "string" ? { diff: value.unified_diff } : {}),
      ...(typeof value.move_path === "string" ? { movePath: value.move_path } : {}),
    };
  });
}

function permissionProfile(value: Obj): RequestPermissionProfile {
  return {
    network: isObj(value.network) ? value.network : null,
    fileSystem: isObj(value.fileSystem) ? value.fileSystem : null,
  };
}

// Same spelling codex uses for v2 command strings, so rules see one format for both protocols.
function shellJoin(argv: readonly string[]): string {
  return argv.map((arg) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'"'"'`)}'`)).join(" ");
}
