/**
 * The client's tool registry: tools offered on every thread of a client. Transports read it when
 * a turn starts, so registering or removing a tool takes effect from the next turn.
 */
import { ToolError } from "../errors/index.js";
import { toToolSpec } from "./spec.js";
import { ensureTool } from "./tool.js";
import type { Tool, ToolParameters, ToolSpec } from "./types.js";

/** What the registry tells about a tool without exposing `execute`. */
export interface ToolInfo extends ToolSpec {
  /** The tool's own time limit; absent means the client's default applies. */
  timeoutMs?: number;
}

/** A named collection of tools; names are unique. */
export class ToolRegistry {
  private readonly tools = new Map<string, Tool>();

  /** Creates a registry holding `tools` (validated; duplicate names throw `ToolError`). */
  constructor(tools: readonly Tool[] = []) {
    for (const t of tools) this.register(t);
  }

  /** Adds a tool; throws `ToolError` for an invalid definition or a taken name. */
  register<P extends ToolParameters>(tool: Tool<P>): this {
    // Plain objects typed as Tool still reach us from JavaScript callers: they are validated and
    // stored as the frozen copy `tool()` makes, so `get` returns that copy, not the original.
    const checked = ensureTool(tool);
    if (this.tools.has(checked.name)) {
      throw new ToolError(`a tool named ${checked.name} is already registered`, checked.name);
    }
    this.tools.set(checked.name, checked);
    return this;
  }

  /** Removes the tool called `name`; true when there was one. */
  deregister(name: string): boolean {
    return this.tools.delete(name);
  }

  /** The tool called `name`, if registered. */
  get(name: string): Tool | undefined {
    return this.tools.get(name);
  }

  /** True when a tool called `name` is registered. */
  has(name: string): boolean {
    return this.tools.has(name);
  }

  /** How many tools are registered. */
  get size(): number {
    return this.tools.size;
  }

  /** Iterates the registered tools in registration order. */
  [Symbol.iterator](): IterableIterator<Tool> {
    return this.tools.values();
  }

  /** Metadata of every registered tool, in registration order. */
  list(): ToolInfo[] {
    return [...this.tools.values()].map((t) => ({
      ...toToolSpec(t),
      ...(t.timeoutMs === undefined ? {} : { timeoutMs: t.timeoutMs }),
    }));
  }
}
