/**
 * An MCP server's tools as codexkit tools: `fx.tools()` gives `tool()` objects whose `execute`
 * calls the server through its supervised connection, so one server serves many threads on both
 * transports, its calls appear as `tool_call` items, and an `approve` handler can gate each call.
 */
import picomatch from "picomatch";
import { decideApproval, type ApprovalHandler, type McpToolApprovalRequest } from "../approvals/index.js";
import { InvalidOptionsError } from "../errors/index.js";
import { tool, TOOL_NAME_PATTERN, type Tool, type ToolContentItem } from "../tools/index.js";
import type { McpConnection } from "./connection.js";
import type { McpContent, McpTool } from "./types.js";

/** A pattern for `allow` / `deny`: a tool name, a glob over names, or a RegExp. */
export type McpToolPattern = string | RegExp;

/** Options of `fx.tools()`. */
export interface McpToolsOptions {
  /** Only tools matching one of these (default: all). */
  allow?: readonly McpToolPattern[];
  /** No tool matching one of these (wins over `allow`). */
  deny?: readonly McpToolPattern[];
  /** Put before each name (`fx_` turns `add` into `fx_add`), to keep several servers apart. */
  prefix?: string;
  /**
   * Decides each call before it reaches the server (a request of kind `mcp_tool`); anything but
   * accept fails the call with the reason. Default: every call goes through.
   */
  approve?: ApprovalHandler;
  /** The tools' time limit (default 60000; 0 = none), enforced by the tool layer. */
  timeoutMs?: number;
}

/** The server's tools (as last listed) as codexkit tools, filtered and renamed. */
export function bridgeTools(connection: McpConnection, options: McpToolsOptions = {}): Tool[] {
  const allow = matchers(options.allow, "allow");
  const deny = matchers(options.deny, "deny");
  const prefix = options.prefix ?? "";
  if (typeof prefix !== "string") throw new InvalidOptionsError("tools(): prefix must be a string");
  return connection.cachedTools
    .filter((t) => (allow.length === 0 || allow.some((m) => m(t.name))) && !deny.some((m) => m(t.name)))
    .map((t) => bridgeTool(connection, t, prefix, options));
}

function bridgeTool(connection: McpConnection, mcpTool: McpTool, prefix: string, options: McpToolsOptions): Tool {
  // The Responses API takes `[a-zA-Z0-9_-]{1,64}`; MCP names may be wider. The server still gets its own name.
  const name = `${prefix}${mcpTool.name}`.replace(/[^a-zA-Z0-9_-]/g, "_").slice(0, 64);
  const schema = mcpTool.inputSchema.type === "object" ? mcpTool.inputSchema : { type: "object", properties: {} };
  return tool({
    name: TOOL_NAME_PATTERN.test(name) ? name : "mcp_tool",
    description: mcpTool.description || `${mcpTool.name} (MCP server ${connection.name})`,
    parameters: schema,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    execute: async (args, ctx) => {
      if (options.approve) {
        const request: McpToolApprovalRequest = {
          kind: "mcp_tool",
          method: "codexkit/mcp/tools",
          threadId: ctx.threadId,
          ...(ctx.turnId ? { turnId: ctx.turnId } : {}),
          itemId: ctx.callId,
          reason: null,
          raw: args,
          server: connection.name,
          tool: mcpTool.name,
          arguments: args,
          message: `Allow the ${connection.name} MCP server to run tool "${mcpTool.name}"?`,
        };
        const { decision, source } = await decideApproval(options.approve, request, { logger: ctx.logger, signal: ctx.signal });
        if (decision !== "accept" && decision !== "acceptForSession") {
          throw new Error(`the call of ${connection.name}.${mcpTool.name} was not approved (${decision}, ${source})`);
        }
      }
      const result = await connection.callTool(mcpTool.name, args, { signal: ctx.signal, timeoutMs: 0 });
      const content = result.content.map(toContentItem);
      if (result.isError) throw new Error(content.map((c) => (c.type === "text" ? c.text : "")).join("") || `${connection.name}.${mcpTool.name} failed`);
      return content.length > 0 ? content : "";
    },
  });
}

/** MCP content as what a codexkit tool returns: text, images as data URLs, anything else as JSON text. */
function toContentItem(block: McpContent): ToolContentItem {
  if (block.type === "text" && typeof block.text === "string") return { type: "text", text: block.text };
  if (block.type === "image" && typeof block.data === "string") {
    const mimeType = typeof block.mimeType === "string" ? block.mimeType : "application/octet-stream";
    return { type: "image", imageUrl: `data:${mimeType};base64,${block.data}` };
  }
  return { type: "text", text: JSON.stringify(block) };
}

function matchers(patterns: readonly McpToolPattern[] | undefined, name: string): Array<(tool: string) => boolean> {
  if (patterns === undefined) return [];
  if (!Array.isArray(patterns)) throw new InvalidOptionsError(`tools(): ${name} must be an array of names, globs or RegExps`);
  return patterns.map((pattern: unknown) => {
    if (pattern instanceof RegExp) return (tool: string) => new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, "")).test(tool);
    if (typeof pattern === "string" && pattern.length > 0) return picomatch(pattern);
    throw new InvalidOptionsError(`tools(): ${name} patterns must be non-empty strings or RegExps`);
  });
}
