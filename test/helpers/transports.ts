/** The transports every core integration test runs on. */
import type { TransportKind } from "../../src/index.js";
import { callTool } from "../../src/testing/index.js";

export const TRANSPORTS: readonly TransportKind[] = ["exec", "app-server"];

/** The model calling codexkit tool `name`: on exec the tool sits in codexkit's MCP namespace. */
export function toolCallFor(transport: TransportKind, name: string, args: unknown, options: { callId?: string } = {}): ReturnType<typeof callTool> {
  return callTool(name, args, transport === "exec" ? { ...options, namespace: "mcp__codexkit" } : options);
}
