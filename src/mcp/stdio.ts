/**
 * The MCP SDK's `Transport` over a stdio server that codexkit starts itself, with the care it
 * gives codex: a process group of its own (a kill reaches what the server started), a bounded and
 * redacted stderr tail, a grace period then SIGKILL, and a last-resort kill at program exit. It
 * starts with the environment and command the MCP SDK would use (see `spawn-command.ts`).
 * Messages are one JSON object per line, as the SDK's own stdio transport writes them.
 */
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { deserializeMessage, serializeMessage } from "@modelcontextprotocol/sdk/shared/stdio.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import type { Recorder } from "../diagnostics/index.js";
import type { Redactor } from "../errors/index.js";
import { ManagedProcess } from "../process/index.js";
import { race } from "../timing/index.js";
import { serverCommand } from "./spawn-command.js";
import type { McpStdioServer } from "./types.js";

/** How long a server gets between SIGTERM and SIGKILL when it is stopped. */
const KILL_GRACE_MS = 2_000;

/** A stdio MCP server process as an SDK transport. */
export class ManagedStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  private proc: ManagedProcess | null = null;
  private closing = false;

  constructor(
    private readonly server: McpStdioServer,
    private readonly name: string,
    private readonly redactor: Redactor,
    private readonly recorder?: Pick<Recorder, "processStarted">,
  ) {}

  /** The server's process id, once started. */
  get pid(): number | undefined {
    return this.proc?.pid;
  }

  /** Whether the server keeps Node alive (only while a call is in flight). */
  setActive(active: boolean): void {
    this.proc?.setActive(active);
  }

  /** What the server printed on stderr lately, redacted. */
  stderrTail(): string {
    return this.proc?.stderrTail() ?? "";
  }

  /**
   * Why the process ended on its own, when it did: it could not start, or its exit code or signal
   * and last stderr lines. "" when it was stopped by `close()` or still runs.
   */
  exitDescription(): string {
    if (!this.proc || (this.closing && !this.proc.spawnFailure())) return "";
    return this.proc.spawnFailure()?.message ?? this.proc.exitError(`MCP server ${this.name} stopped`).message;
  }

  /** Waits up to `ms` for the process to end (a start that failed is reported a moment after the failure shows). */
  async settled(ms: number): Promise<void> {
    const proc = this.proc;
    if (!proc?.running) return;
    await race(proc.exited, { timeoutMs: ms });
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- async so a spawn that throws (bad cwd, bad command) rejects the awaited Transport.start()
  async start(): Promise<void> {
    const { cwd } = this.server;
    // On Windows a `.cmd` shim runs through cmd.exe with arguments cross-spawn escaped already; they
    // must reach it verbatim (`windowsVerbatimArguments`).
    const { executable, args, env, windowsVerbatimArguments } = serverCommand(this.server);
    this.proc = ManagedProcess.spawn({
      executable,
      args,
      env,
      windowsVerbatimArguments,
      ...(cwd ? { cwd } : {}),
      redactor: this.redactor,
      label: `MCP server ${this.name}`,
      killGraceMs: KILL_GRACE_MS,
      kind: "mcp",
      ...(this.recorder ? { recorder: this.recorder } : {}),
    });
    void this.read(this.proc);
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if (!this.proc) throw new Error("the MCP server is not started");
    await this.proc.write(serializeMessage(message));
  }

  async close(): Promise<void> {
    this.closing = true;
    const proc = this.proc;
    if (!proc) return;
    proc.endInput();
    await proc.kill(KILL_GRACE_MS);
  }

  private async read(proc: ManagedProcess): Promise<void> {
    try {
      for await (const line of proc.lines()) {
        let message: JSONRPCMessage;
        try {
          message = deserializeMessage(line);
        } catch (error) {
          // A server that prints logs on stdout: skip the line, say so, keep the connection.
          this.onerror?.(new Error(`MCP server ${this.name} printed a line that is not JSON-RPC: ${this.redactor.redact(line.slice(0, 200))}`, { cause: error }));
          continue;
        }
        this.onmessage?.(message);
      }
    } catch (error) {
      if (!this.closing) this.onerror?.(error instanceof Error ? error : new Error(String(error)));
    }
    await proc.exited;
    proc.release();
    this.onclose?.();
  }
}
