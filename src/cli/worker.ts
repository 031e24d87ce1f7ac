/**
 * `codexkit worker`: runs queued turns (`codexkit/queue`) on this machine until told to stop.
 * SIGTERM or Ctrl-C drains (running turns finish, then it exits 0); a second signal exits at once
 * with 130. One line on stderr says when it is ready, for supervisors and tests to wait on. The
 * queue module, and with it bullmq and ioredis, is imported only when a worker is really started.
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ApprovalHandler } from "../approvals/index.js";
import { InvalidOptionsError, Redactor, withoutUrlCredentials } from "../errors/index.js";
import type { Logger } from "../logger.js";
import type { CodexWorker } from "../queue/index.js";
import type { Tool } from "../tools/index.js";
import { parseWorkerArgs, UsageError, WORKER_USAGE, type WorkerArgs } from "./worker-args.js";

/** Where the command writes (the process's streams; tests pass their own). */
export interface WorkerIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

const processIo: WorkerIo = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
};

/** What a `--tools` module gives the worker. */
export interface WorkerExtras {
  tools?: Tool[];
  onApproval?: ApprovalHandler;
}

/** How long a drained worker may leave the process running before it is ended anyway. */
const EXIT_GRACE_MS = 2_000;

/** Runs `codexkit worker <argv>`; resolves with the exit code once the worker has stopped. */
export async function runWorker(argv: readonly string[], io: WorkerIo = processIo): Promise<number> {
  let args: WorkerArgs;
  try {
    const command = parseWorkerArgs(argv, process.env);
    if (command.help) {
      io.stdout(`${WORKER_USAGE}\n`);
      return 0;
    }
    args = command.args;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`codexkit worker: ${error.message}\n\n${WORKER_USAGE}\n`);
    return 2;
  }
  let extras: WorkerExtras;
  try {
    extras = args.tools === undefined ? {} : await loadWorkerExtras(args.tools);
  } catch (error) {
    io.stderr(`codexkit worker: ${messageOf(error)}\n`);
    return error instanceof UsageError ? 2 : 1;
  }
  const { CodexWorker } = await import("../queue/index.js");
  let worker: CodexWorker;
  try {
    worker = new CodexWorker({
      connection: args.redis,
      name: args.queue,
      concurrency: args.concurrency,
      codex: { ...(args.codexHome ? { codexHome: path.resolve(args.codexHome) } : {}), configOverrides: args.configOverrides, transport: "app-server" },
      ...extras,
      ...(args.lockDurationMs !== undefined ? { lockDurationMs: args.lockDurationMs } : {}),
      ...(args.id !== undefined ? { id: args.id } : {}),
      logger: stderrLogger(io, args),
    });
  } catch (error) {
    // Options the worker refuses (a tool it cannot use, ...) are bad input, as a bad flag is.
    io.stderr(`codexkit worker: ${messageOf(error)}\n`);
    return error instanceof InvalidOptionsError ? 2 : 1;
  }
  return serve(worker, args.queue, io);
}

/**
 * Warnings and errors of the worker (and its codex) as lines on stderr, redacted: the Redis
 * password, secret-looking environment values and anything credential-shaped never appear.
 */
function stderrLogger(io: WorkerIo, args: WorkerArgs): Logger {
  const redactor = new Redactor().addEnv(process.env);
  try {
    const { password } = new URL(args.redis);
    redactor.add(password, decodeURIComponent(password));
  } catch {
    // parseWorkerArgs checked the scheme only; an unparsable URL carries no password to hide.
  }
  const write = (level: string) => (fields: Record<string, unknown>, message?: string) => {
    const clean = (text: string): string => withoutUrlCredentials(redactor.redact(text));
    io.stderr(`codexkit worker ${level}: ${clean(message ?? "")} ${clean(JSON.stringify(fields))}\n`);
  };
  return { debug: () => {}, info: () => {}, warn: write("warn"), error: write("error") };
}

/** Waits for the worker to be ready, then for a signal; drains on the first, exits on the second. */
async function serve(worker: CodexWorker, queue: string, io: WorkerIo): Promise<number> {
  const { id } = worker;
  let stopping: Promise<number> | undefined;
  let requestStop!: (code: Promise<number>) => void;
  const stopped = new Promise<number>((resolve) => (requestStop = (code) => resolve(code)));
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      io.stderr(`codexkit worker ${id} stopping now (a second signal, ${signal})\n`);
      process.exit(130);
    }
    io.stderr(`codexkit worker ${id} draining (${signal}): running turns finish, then it stops; ${signal} again stops it now\n`);
    stopping = worker.close().then(
      () => 0,
      (error: unknown) => {
        io.stderr(`codexkit worker ${id}: closing failed: ${messageOf(error)}\n`);
        return 1;
      },
    );
    requestStop(stopping);
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  try {
    try {
      await worker.waitUntilReady();
    } catch (error) {
      if (stopping) return await stopping;
      io.stderr(`codexkit worker ${id}: ${messageOf(error)}\n`);
      await worker.close().catch(() => {});
      return 1;
    }
    if (!stopping) io.stderr(`codexkit worker ${id} ready on queue ${queue}\n`);
    const code = await stopped;
    io.stderr(`codexkit worker ${id} stopped\n`);
    // Whatever a library leaves open must not keep a stopped worker alive (the timer does not either).
    setTimeout(() => process.exit(code), EXIT_GRACE_MS).unref();
    return code;
  } finally {
    process.off("SIGTERM", onSignal);
    process.off("SIGINT", onSignal);
  }
}

/**
 * Imports the user's `--tools` module (a path from the working directory, or a file: URL): its
 * `tools` export (an array of tools) and its optional `onApproval` handler. A module that cannot
 * be imported or exports neither is a `UsageError`.
 */
export async function loadWorkerExtras(specifier: string): Promise<WorkerExtras> {
  const url = /^file:/i.test(specifier) ? specifier : pathToFileURL(path.resolve(specifier)).href;
  let loaded: Record<string, unknown>;
  try {
    loaded = (await import(url)) as Record<string, unknown>;
  } catch (error) {
    throw new UsageError(`--tools ${specifier} could not be imported: ${messageOf(error)}`, { cause: error });
  }
  const { tools, onApproval } = loaded;
  if (tools === undefined && onApproval === undefined) throw new UsageError(`--tools ${specifier} exports neither \`tools\` nor \`onApproval\``);
  if (tools !== undefined && !Array.isArray(tools)) throw new UsageError(`--tools ${specifier}: \`tools\` must be an array of tools (got ${typeof tools})`);
  if (onApproval !== undefined && typeof onApproval !== "function") throw new UsageError(`--tools ${specifier}: \`onApproval\` must be a function (got ${typeof onApproval})`);
  return { ...(tools ? { tools: tools as Tool[] } : {}), ...(onApproval ? { onApproval: onApproval as ApprovalHandler } : {}) };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
