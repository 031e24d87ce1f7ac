/** The entry point: a client that owns a transport and the services threads share. */
import { InvalidOptionsError, Redactor } from "./errors/index.js";
import { redactingLogger, silentLogger } from "./logger.js";
import type { CodexOptions, ThreadOptions, TransportKind } from "./options.js";
import { Thread, type ThreadHost } from "./thread.js";
import { ExecTransport, type ClientContext, type Transport } from "./transport/index.js";

const TRANSPORTS: readonly TransportKind[] = ["exec", "app-server"];

/**
 * Drives the codex agent. Start or resume threads; `close()` stops every process it owns.
 */
export class Codex {
  private readonly ctx: ClientContext;
  private _transport: Transport | null = null;
  private readonly host: ThreadHost;

  constructor(options: CodexOptions = {}) {
    validateOptions(options);
    const redactor = new Redactor().add(options.apiKey, ...(options.secrets ?? [])).addEnv(options.env).addEnv(process.env);
    const logger = redactingLogger(options.logger ?? silentLogger, (value) => redactor.redactValue(value));
    this.ctx = { options: { ...options }, redactor, logger };
    this.host = { transport: () => this.transport() };
  }

  /** Which transport runs this client's turns. */
  get transportKind(): TransportKind {
    return this.ctx.options.transport ?? "exec";
  }

  /** Starts a new conversation with the agent. */
  startThread(options: ThreadOptions = {}): Thread {
    return new Thread(this.host, { ...options });
  }

  /** Continues a conversation by id (threads are persisted under CODEX_HOME/sessions). */
  resumeThread(id: string, options: ThreadOptions = {}): Thread {
    if (typeof id !== "string" || id.length === 0) throw new InvalidOptionsError("resumeThread needs a thread id");
    return new Thread(this.host, { ...options }, id);
  }

  /** Stops every codex process this client started. The client can be used again afterwards. */
  async close(): Promise<void> {
    const transport = this._transport;
    this._transport = null;
    await transport?.close();
  }

  /** `await using codex = new Codex()` closes it at the end of the scope. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private transport(): Transport {
    if (!this._transport) {
      this._transport = new ExecTransport(this.ctx);
    }
    return this._transport;
  }
}

function validateOptions(options: CodexOptions): void {
  if (options === null || typeof options !== "object") throw new InvalidOptionsError("Codex options must be an object");
  if (options.transport !== undefined && !TRANSPORTS.includes(options.transport)) {
    throw new InvalidOptionsError(`unknown transport ${JSON.stringify(options.transport)}; use "exec" or "app-server"`);
  }
  if (options.transport === "app-server") {
    throw new InvalidOptionsError('the "app-server" transport is not available yet in this version; use transport: "exec"');
  }
  if (options.env !== undefined) {
    for (const [key, value] of Object.entries(options.env)) {
      if (typeof value !== "string") throw new InvalidOptionsError(`env.${key} must be a string`);
    }
  }
  if (options.killGraceMs !== undefined && !(options.killGraceMs >= 0)) {
    throw new InvalidOptionsError("killGraceMs must be a number >= 0");
  }
}
