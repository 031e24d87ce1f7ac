/**
 * Thread items: what the agent did during a turn. The official `@openai/codex-sdk` item union,
 * field for field, plus codexkit's `tool_call`. Both transports map into these types.
 */

/** The status of a command execution. */
export type CommandExecutionStatus = "in_progress" | "completed" | "failed" | "declined";

/** A command executed by the agent. */
export type CommandExecutionItem = {
  /** The item's id, the same in each of its events. */
  id: string;
  /** Discriminant: a command execution. */
  type: "command_execution";
  /** The command line executed by the agent. */
  command: string;
  /** Aggregated stdout and stderr captured while the command was running. */
  aggregated_output: string;
  /** Set when the command exits; omitted (or null) while still running. */
  exit_code?: number | null;
  /** Current status of the command execution. */
  status: CommandExecutionStatus;
};

/** Indicates the type of the file change. */
export type PatchChangeKind = "add" | "delete" | "update";

/** One file touched by a patch. */
export type FileUpdateChange = {
  /** The file's path. */
  path: string;
  /** Whether the file is added, deleted or updated. */
  kind: PatchChangeKind;
  /** Unified diff of the change, when the transport reports it (app-server). */
  diff?: string;
};

/** The status of a file change. */
export type PatchApplyStatus = "in_progress" | "completed" | "failed" | "declined";

/** A set of file changes by the agent. Emitted once the patch succeeds or fails. */
export type FileChangeItem = {
  /** The item's id, the same in each of its events. */
  id: string;
  /** Discriminant: a file change. */
  type: "file_change";
  /** Individual file changes that comprise the patch. */
  changes: FileUpdateChange[];
  /** Whether the patch ultimately succeeded or failed. */
  status: PatchApplyStatus;
};

/** The status of an MCP tool call. */
export type McpToolCallStatus = "in_progress" | "completed" | "failed";

/** An MCP content block (text, image, resource, ...), as the MCP server returned it. */
export type McpContentBlock = {
  /** The block's kind, e.g. `text`, `image` or `resource`. */
  type: string;
  [key: string]: unknown;
};

/** A call to a tool of an MCP server that codex itself is connected to. */
export type McpToolCallItem = {
  /** The item's id, the same in each of its events. */
  id: string;
  /** Discriminant: an MCP tool call. */
  type: "mcp_tool_call";
  /** Name of the MCP server handling the request. */
  server: string;
  /** The tool invoked on the MCP server. */
  tool: string;
  /** Arguments forwarded to the tool invocation. */
  arguments: unknown;
  /** Result payload returned by the MCP server for successful calls. */
  result?: {
    /** The content blocks the tool returned. */
    content: McpContentBlock[];
    /** The result's `_meta`, when the server sent one. */
    _meta?: unknown;
    /** The tool's structured result, or null when it returned none. */
    structured_content: unknown;
  };
  /** Error message reported for failed calls. */
  error?: {
    /** What went wrong. */
    message: string;
  };
  /** Current status of the tool invocation. */
  status: McpToolCallStatus;
};

/** Response from the agent: natural-language text, or JSON when structured output is requested. */
export type AgentMessageItem = {
  /** The item's id, the same in each of its events. */
  id: string;
  /** Discriminant: an agent message. */
  type: "agent_message";
  /** Either natural-language text or JSON when structured output is requested. */
  text: string;
};

/** The agent's reasoning summary. */
export type ReasoningItem = {
  /** The item's id, the same in each of its events. */
  id: string;
  /** Discriminant: reasoning. */
  type: "reasoning";
  /** The reasoning summary text. */
  text: string;
};

/** A web search request. Completes when results are returned to the agent. */
export type WebSearchItem = {
  /** The item's id, the same in each of its events. */
  id: string;
  /** Discriminant: a web search. */
  type: "web_search";
  /** The search query. */
  query: string;
};

/** A non-fatal error surfaced as an item (codex also uses these for warnings). */
export type ErrorItem = {
  /** The item's id, the same in each of its events. */
  id: string;
  /** Discriminant: an error. */
  type: "error";
  /** The error (or warning) message. */
  message: string;
};

/** An entry of the agent's to-do list. */
export type TodoItem = {
  /** The step, as the agent wrote it. */
  text: string;
  /** Whether the step is done. */
  completed: boolean;
};

/** The agent's running to-do list: starts when the plan is issued, updates as steps change. */
export type TodoListItem = {
  /** The item's id, the same in each of its events. */
  id: string;
  /** Discriminant: a to-do list. */
  type: "todo_list";
  /** The list's entries, in order. */
  items: TodoItem[];
};

/** The status of a codexkit tool call. */
export type ToolCallStatus = "in_progress" | "completed" | "failed";

/** A call of one of your codexkit tools (codexkit addition; absent from the official union). */
export type ToolCallItem = {
  /** The item's id, the same in each of its events. */
  id: string;
  /** Discriminant: a codexkit tool call. */
  type: "tool_call";
  /** The tool's name. */
  tool: string;
  /** The arguments the model passed. */
  arguments: unknown;
  /** What went back to the model, once the call finished. */
  result?: unknown;
  /** Why the call failed, when it did. */
  error?: {
    /** What went wrong. */
    message: string;
  };
  /** Current status of the call. */
  status: ToolCallStatus;
  /** Wall time of the call in milliseconds, once finished. */
  duration_ms?: number;
};

/** Canonical union of thread items and their type-specific payloads. */
export type ThreadItem =
  | AgentMessageItem
  | ReasoningItem
  | CommandExecutionItem
  | FileChangeItem
  | McpToolCallItem
  | WebSearchItem
  | TodoListItem
  | ErrorItem
  | ToolCallItem;
