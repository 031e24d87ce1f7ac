/**
 * `codexkit view [<thread id> | <events file>] [--port N] [--open] [--codex-home DIR]`: serves
 * the run viewer on 127.0.0.1 and prints its URL (with its token) until SIGINT or SIGTERM.
 * An existing file is read as an events file (`recordEvents`); anything else is a thread id,
 * read from codex's stored threads (CODEX_HOME); no source lists the stored threads. Bad
 * arguments exit 2; a source that cannot be read exits 1.
 */
import { spawn } from "node:child_process";
import { statSync } from "node:fs";
import { InvalidOptionsError, Redactor, withoutUrlCredentials } from "../errors/index.js";
import { EventsFileSource, StoredSource, StoredThreads, ViewServer, type ViewSource } from "../view/index.js";

/** The command's help. */
export const VIEW_USAGE = `usage: codexkit view [<thread id> | <events file>] [--port <n>] [--open] [--codex-home <dir>]

  <events file>       a JSON Lines file of events, as recordEvents(path) writes it
  <thread id>         a thread codex stored (read through codex from CODEX_HOME)
  (no source)         the threads codex stored, most recent first
  --port <n>          listen on this port of 127.0.0.1 (default: a free one)
  --open              open the page in the default browser
  --codex-home <dir>  codex's home (default: $CODEX_HOME, else codex's own default)

Serves a page on 127.0.0.1 only, at a URL with a random token; Ctrl-C stops it.`;

/** The parsed arguments. */
interface ViewArgs {
  source: string | undefined;
  port: number;
  open: boolean;
  codexHome: string | undefined;
}

/** Parses the arguments after `view`; an `InvalidOptionsError` names the one that is wrong. */
export function parseViewArgs(argv: readonly string[]): ViewArgs {
  const args: ViewArgs = { source: undefined, port: 0, open: false, codexHome: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--open") args.open = true;
    else if (arg === "--port" || arg === "--codex-home") {
      const value = argv[++i];
      if (value === undefined) throw new InvalidOptionsError(`${arg} needs a value`);
      if (arg === "--codex-home") args.codexHome = value;
      else if (/^\d{1,5}$/.test(value) && Number(value) <= 65_535) args.port = Number(value);
      else throw new InvalidOptionsError(`--port must be a port number (0 to 65535), got ${value}`);
    } else if (arg.startsWith("-") && arg !== "-") throw new InvalidOptionsError(`unknown option ${withoutUrlCredentials(arg)}`);
    else if (args.source === undefined) args.source = arg;
    else throw new InvalidOptionsError(`one source only: got ${withoutUrlCredentials(args.source)} and ${withoutUrlCredentials(arg)}`);
  }
  return args;
}

/** Runs the command; resolves with the exit code once stopped. */
export async function runView(argv: readonly string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(`${VIEW_USAGE}\n`);
    return 0;
  }
  let args: ViewArgs;
  try {
    args = parseViewArgs(argv);
  } catch (error) {
    process.stderr.write(`codexkit view: ${(error as Error).message}\n${VIEW_USAGE}\n`);
    return 2;
  }
  const redactor = new Redactor().addEnv(process.env);
  let source: ViewSource;
  try {
    source = await openSource(args, redactor);
  } catch (error) {
    process.stderr.write(`codexkit view: ${redactor.redact(error instanceof Error ? error.message : String(error))}\n`);
    return 1;
  }
  let server: ViewServer;
  try {
    server = await ViewServer.start({ source, redactor, port: args.port });
  } catch (error) {
    await source.close();
    process.stderr.write(`codexkit view: ${(error as Error).message}\n`);
    return 1;
  }
  process.stdout.write(`codexkit view: ${source.info.label}\n${server.url}\n(Ctrl-C to stop)\n`);
  if (args.open) openInBrowser(server.url);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  await server.close();
  return 0;
}

async function openSource(args: ViewArgs, redactor: Redactor): Promise<ViewSource> {
  if (args.source !== undefined && isFile(args.source)) return EventsFileSource.open(args.source);
  const store = new StoredThreads({ codexHome: args.codexHome, redactor });
  try {
    return await StoredSource.open(store, args.source);
  } catch (error) {
    await store.close();
    throw error;
  }
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Opens `url` with the platform's opener; a failure only says so. */
function openInBrowser(url: string): void {
  const [command, args]: [string, string[]] = process.platform === "darwin" ? ["open", [url]] : process.platform === "win32" ? ["cmd", ["/c", "start", "", url]] : ["xdg-open", [url]];
  try {
    const child = spawn(command, args, { stdio: "ignore", detached: true });
    child.on("error", () => process.stderr.write(`codexkit view: could not open a browser (${command}); open the URL above\n`));
    child.unref();
  } catch {
    process.stderr.write(`codexkit view: could not open a browser; open the URL above\n`);
  }
}
