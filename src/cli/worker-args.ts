/**
 * The arguments of `codexkit worker`, parsed without side effects: what the command line asks for,
 * or a `UsageError` saying what is wrong (the command prints it with the usage and exits 2).
 * Nothing here echoes a Redis URL: it may carry a password.
 */
import { closestKey } from "../did-you-mean.js";
import { InvalidOptionsError } from "../errors/index.js";

/** The usage text of `codexkit worker`. */
export const WORKER_USAGE = `usage: codexkit worker --redis <url> [--queue <name>] [--concurrency N] [--codex-home DIR]
                       [-c key=value ...] [--tools <module>] [--lock-duration-ms N] [--id ID]

  Runs queued codexkit turns (codexkit/queue) until SIGTERM or Ctrl-C, which drain: running turns
  finish, then the worker stops (a second signal stops it at once, exit code 130).

  --redis <url>           the queue's Redis (redis:// or rediss://); default: $REDIS_URL, which
                          keeps a password out of the process list
  --queue <name>          the queue to take turns from (default "codexkit", as CodexQueue's)
  --concurrency N         turns run at once (default 1)
  --codex-home DIR        CODEX_HOME of the codex this worker runs
  -c, --config key=value  a codex configuration override, as codex -c takes it (repeatable)
  --tools <module>        an ES module exporting \`tools\` (Tool[]) and, optionally, \`onApproval\`
  --lock-duration-ms N    how long a running turn's lock lasts without renewal, in ms (default
                          30000, at least 1000): a lost worker's turns move on after about this long
  --id ID                 this worker's name in logs and BullMQ (default: host name and a random suffix)`;

/** What `codexkit worker` was asked to do. */
export interface WorkerArgs {
  /** The Redis URL (may carry a password: never print it). */
  redis: string;
  /** The queue name. */
  queue: string;
  /** Turns run at once (at least 1). */
  concurrency: number;
  /** CODEX_HOME for codex, as given. */
  codexHome?: string;
  /** Every `-c key=value`, in order. */
  configOverrides: string[];
  /** The tools module, as given (a path, resolved from the working directory, or a file: URL). */
  tools?: string;
  /** How long a turn's lock lasts without renewal, in ms (at least 1000). */
  lockDurationMs?: number;
  /** The worker's id. */
  id?: string;
}

/** The command line, parsed: run a worker, or print the usage. */
export type WorkerCommand = { help: true } | { help: false; args: WorkerArgs };

/** The command line of `codexkit worker` is wrong; the message says how, never showing a Redis URL. */
export class UsageError extends InvalidOptionsError {}

/** The shortest lock CodexWorker accepts (a shorter one would expire under a busy event loop). */
const MIN_LOCK_DURATION_MS = 1_000;

/** The queue a worker takes turns from when `--queue` is not given (CodexQueue's default). */
export const DEFAULT_QUEUE = "codexkit";

const VALUE_FLAGS = ["--redis", "--queue", "--concurrency", "--codex-home", "--config", "--tools", "--lock-duration-ms", "--id"] as const;
type ValueFlag = (typeof VALUE_FLAGS)[number];
const ALIASES: Readonly<Record<string, ValueFlag>> = { "-c": "--config" };

/** Parses the arguments after `codexkit worker`. Throws `UsageError` on anything it cannot use. */
export function parseWorkerArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): WorkerCommand {
  if (argv.some((arg) => arg === "--help" || arg === "-h")) return { help: true };
  const single = new Map<ValueFlag, string>();
  const configOverrides: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const { flag, inline } = splitFlag(arg);
    if (flag === undefined) throw new UsageError(`unexpected argument ${JSON.stringify(arg)}: codexkit worker takes only options`);
    const value = inline ?? argv[i + 1];
    if (value === undefined || (inline === undefined && looksLikeFlag(value))) throw new UsageError(`${arg} needs a value`);
    if (inline === undefined) i++;
    if (flag === "--config") {
      configOverrides.push(configOverride(value));
      continue;
    }
    if (single.has(flag)) throw new UsageError(`${flag} is given twice`);
    single.set(flag, value);
  }
  const redis = single.get("--redis") ?? (env.REDIS_URL || undefined);
  if (redis === undefined) throw new UsageError("--redis <url> (or REDIS_URL in the environment) is required: the Redis the queue lives in");
  if (!/^rediss?:\/\/./i.test(redis)) throw new UsageError("--redis must be a redis:// or rediss:// URL");
  const queue = single.get("--queue") ?? DEFAULT_QUEUE;
  const concurrency = single.has("--concurrency") ? positiveInteger("--concurrency", single.get("--concurrency")!) : 1;
  const lockDurationMs = single.has("--lock-duration-ms") ? positiveInteger("--lock-duration-ms", single.get("--lock-duration-ms")!, MIN_LOCK_DURATION_MS) : undefined;
  const args: WorkerArgs = { redis, queue, concurrency, configOverrides };
  for (const [flag, key] of [["--codex-home", "codexHome"], ["--tools", "tools"], ["--id", "id"]] as const) {
    const value = single.get(flag);
    if (value === undefined) continue;
    if (value.trim() === "") throw new UsageError(`${flag} must not be empty`);
    args[key] = value;
  }
  if (lockDurationMs !== undefined) args.lockDurationMs = lockDurationMs;
  return { help: false, args };
}

/** `--flag`, `--flag=value` or `-c`; `flag` is undefined for something that is not an option. */
function splitFlag(arg: string): { flag: ValueFlag | undefined; inline?: string } {
  if (!arg.startsWith("-")) return { flag: undefined };
  const equals = arg.indexOf("=");
  const name = arg.startsWith("--") && equals > 0 ? arg.slice(0, equals) : arg;
  const flag = ALIASES[name] ?? (VALUE_FLAGS as readonly string[]).find((known) => known === name);
  if (flag === undefined) {
    const hint = closestKey(name.replace(/^-+/, ""), VALUE_FLAGS.map((known) => known.slice(2)));
    throw new UsageError(`unknown option ${name}${hint ? ` (did you mean --${hint}?)` : ""}`);
  }
  return name === arg ? { flag: flag as ValueFlag } : { flag: flag as ValueFlag, inline: arg.slice(equals + 1) };
}

/** A value that is really the next option (`--redis --queue x`): the value was left out. */
function looksLikeFlag(value: string): boolean {
  return value.startsWith("--") || Object.hasOwn(ALIASES, value) || value === "-h";
}

/** A `-c` value: `key=value` with a key, as codex reads it. */
function configOverride(value: string): string {
  const equals = value.indexOf("=");
  if (equals <= 0 || value.slice(0, equals).trim() === "") throw new UsageError(`-c takes key=value (got ${JSON.stringify(value)})`);
  return value;
}

/** A whole number of at least `min`, written in decimal digits. */
function positiveInteger(flag: string, value: string, min = 1): number {
  const number = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(number) || number < min) throw new UsageError(`${flag} takes a whole number of at least ${min} (got ${JSON.stringify(value)})`);
  return number;
}
