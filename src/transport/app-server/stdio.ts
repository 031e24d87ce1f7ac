/**
 * A `MessageTransport` over the stdio of a `codex app-server` process: one JSON object per line
 * each way. It knows lines and the process, nothing of JSON-RPC semantics.
 */
import type { JsonRpcMessage, MessageTransport } from "../../jsonrpc/index.js";
import type { Logger } from "../../logger.js";
import { excerpt, parseJsonLine } from "../../process/index.js";
import type { ManagedProcess } from "../../process/index.js";

/** Carries JSON-RPC messages over a codex process's stdin and stdout. */
export class StdioMessageTransport implements MessageTransport {
  onmessage?: (message: JsonRpcMessage, size?: number) => void;
  onclose?: (error?: Error) => void;
  private closing = false;

  constructor(
    private readonly proc: ManagedProcess,
    private readonly logger: Logger,
    private readonly killGraceMs?: number,
  ) {}

  start(): Promise<void> {
    void this.pump();
    return Promise.resolve();
  }

  async send(message: JsonRpcMessage): Promise<void> {
    await this.proc.write(`${JSON.stringify(message)}\n`);
  }

  async close(): Promise<void> {
    this.closing = true;
    this.proc.endInput();
    await this.proc.kill(this.killGraceMs);
  }

  /** Reads stdout until codex exits, then reports how it ended. */
  private async pump(): Promise<void> {
    let failure: Error | undefined;
    try {
      for await (const lines of this.proc.lineBatches()) {
        for (const line of lines) {
          let message: JsonRpcMessage;
          try {
            message = parseJsonLine(line) as unknown as JsonRpcMessage;
          } catch {
            this.logger.warn({ line: excerpt(line) }, "codex app-server printed a line that is not JSON; skipped");
            continue;
          }
          this.onmessage?.(message, line.length);
        }
      }
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
      // Nobody reads stdout any more: a process left running would hang every turn on it.
      await this.proc.kill(this.killGraceMs);
    }
    await this.proc.exited;
    this.proc.release();
    // A process retired at program exit (idle, stdin closed) ended as asked: a clean close.
    const clean = this.closing || (this.proc.retired && failure === undefined);
    this.onclose?.(clean ? undefined : (failure ?? this.proc.exitError("codex app-server exited")));
  }
}
