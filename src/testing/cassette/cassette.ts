/**
 * `Cassette`: record a real agent session once, replay it offline. Recording puts a loopback proxy
 * in front of the real Responses API; replay answers codex from the file. Either way,
 * `codexOptions()` points a `Codex` (on either transport) at the cassette's server.
 */
import { existsSync, mkdirSync, mkdtempSync } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { InvalidOptionsError, Redactor } from "../../errors/index.js";
import { CODEXKIT_VERSION } from "../../version.js";
import { isolatedEnv, type CodexOptionsRequest, type MockProviderConfig } from "../codex-options.js";
import { writeModelCatalog } from "../model-catalog.js";
import { CassetteMismatchError } from "./errors.js";
import { CASSETTE_FORMAT, CASSETTE_VERSION, parseCassette, serializeCassette, type CassetteData, type CassetteHeader } from "./format.js";
import {
  CASSETTE_ENV,
  cassetteMode,
  checkFile,
  checkRecordOptions,
  checkReplayOptions,
  type CassetteMode,
  type CassetteRecordOptions,
  type CassetteReplayOptions,
  type CassetteUseOptions,
} from "./options.js";
import { Recorder } from "./recorder.js";
import { Replayer } from "./replayer.js";

/** The provider id a cassette's `codexOptions()` configures. */
export const CASSETTE_PROVIDER_ID = "cassette";

/** The config part of `CassetteCodexOptions`, flattened by `Codex` into `--config` overrides. */
export type CassetteCodexConfig = {
  /** The model codex asks for; absent when the recording used codex's default. */
  model?: string;
  /** The provider codex uses (`cassette`). */
  model_provider: string;
  /** The provider entry: the cassette's loopback server, no WebSockets, no retries (see `MockProviderConfig`). */
  model_providers: { [id: string]: MockProviderConfig };
  /** Model metadata for a model codex does not know, when the cassette was recorded with `modelCatalog`. */
  model_catalog_json?: string;
  /** codex feature switches; the shell snapshot is off unless asked. */
  features: {
    /** Whether codex snapshots the login shell's environment for each thread. */
    shell_snapshot: boolean;
  };
};

/** What `cassette.codexOptions()` returns: spread it into `new Codex(...)`. */
export interface CassetteCodexOptions {
  /** CODEX_HOME for codex: a fresh temp dir the cassette removes on close, unless one was given. */
  codexHome: string;
  /** Selects the cassette's provider and the recorded model (`Codex`'s `config` option). */
  config: CassetteCodexConfig;
  /** The whole environment for codex: `process.env` minus credentials and redirections, plus extras. */
  env: Record<string, string>;
}

/**
 * Options of `cassette.codexOptions()`: as `MockModelServer`'s, without the retry settings (a
 * cassette's codex never retries: the proxy retries upstream itself, and replay must fail fast)
 * and without `modelCatalog` (the cassette's own setting decides).
 */
export type CassetteCodexOptionsRequest = Omit<CodexOptionsRequest, "requestMaxRetries" | "streamMaxRetries" | "modelCatalog">;

/**
 * A recorded agent session: create one with `Cassette.record`, `Cassette.replay` or (usually)
 * `Cassette.use`, give its `codexOptions()` to a `Codex`, and always `close()` it.
 *
 * @example
 * const cassette = await Cassette.use("test/cassettes/review.jsonl", { model: "gpt-5.5" });
 * const codex = new Codex({ ...cassette.codexOptions() });
 * try {
 *   const turn = await codex.startThread({ skipGitRepoCheck: true }).run("Review the diff");
 *   expect(turn.finalResponse).toContain("LGTM");
 *   await cassette.save(); // writes the file when recording; nothing when replaying
 *   cassette.assertDone(); // replaying: every recorded request was asked for, none differed
 * } finally {
 *   await codex.close();
 *   await cassette.close();
 * }
 */
export class Cassette {
  /** The cassette file. */
  readonly file: string;
  /** Whether this cassette records or replays. */
  readonly mode: CassetteMode;
  /** The loopback base URL codex is pointed at, e.g. `http://127.0.0.1:41234/v1`. */
  readonly url: string;

  readonly #recorder: Recorder | undefined;
  readonly #replayer: Replayer | undefined;
  readonly #redactor: Redactor;
  readonly #model: string | null;
  readonly #modelCatalog: boolean;
  readonly #tempDirs: string[] = [];
  #catalogPath: string | undefined;
  #closing: Promise<void> | undefined;

  private constructor(
    file: string,
    server: { recorder: Recorder; replayer?: undefined } | { replayer: Replayer; recorder?: undefined },
    settings: { redactor: Redactor; model: string | null; modelCatalog: boolean },
  ) {
    this.file = file;
    this.#recorder = server.recorder;
    this.#replayer = server.replayer;
    this.mode = server.recorder ? "record" : "replay";
    this.url = (server.recorder ?? server.replayer).url;
    this.#redactor = settings.redactor;
    this.#model = settings.model;
    this.#modelCatalog = settings.modelCatalog;
  }

  /**
   * Starts recording into `file`: a loopback proxy in front of `upstream` (OpenAI's API by
   * default) that adds the API key itself. Nothing is written until `save()`.
   */
  static async record(file: string, options: CassetteRecordOptions = {}): Promise<Cassette> {
    checkFile(file, "Cassette.record");
    const settings = checkRecordOptions(options);
    const redactor = new Redactor().add(settings.apiKey, ...settings.secrets).addEnv(process.env);
    const recorder = await Recorder.start({ upstream: settings.upstream, apiKey: settings.apiKey, upstreamRetries: settings.upstreamRetries, redactor });
    return new this(path.resolve(file), { recorder }, { redactor, model: settings.model ?? null, modelCatalog: settings.modelCatalog });
  }

  /** Starts replaying `file` on loopback, with no network. */
  static async replay(file: string, options: CassetteReplayOptions = {}): Promise<Cassette> {
    checkFile(file, "Cassette.replay");
    const settings = checkReplayOptions(options);
    const resolved = path.resolve(file);
    const data = await readCassette(resolved);
    const redactor = new Redactor().add(...settings.secrets).addEnv(process.env);
    const replayer = await Replayer.start(data, { file: resolved, match: settings.match, timing: settings.timing, redactor });
    return new this(resolved, { replayer }, { redactor, model: data.header.model, modelCatalog: data.header.modelCatalog });
  }

  /**
   * Records when `file` is missing, replays when it exists: the usual workflow. `CODEXKIT_CASSETTE=record`
   * records anyway (to update a cassette), `CODEXKIT_CASSETTE=replay` never records (for CI: a
   * missing file is an error instead of a call to the real API).
   */
  static async use(file: string, options: CassetteUseOptions = {}): Promise<Cassette> {
    checkFile(file, "Cassette.use");
    const mode = cassetteMode(existsSync(file), process.env[CASSETTE_ENV]);
    if (mode === "record") return this.record(file, options);
    return this.replay(file, { match: options.match, timing: options.timing, secrets: options.secrets });
  }

  /**
   * Options for `new Codex(...)` that point codex at this cassette (either transport), with the
   * recorded model, an isolated CODEX_HOME, HOME and environment, no API key, and no retries.
   * Each call without `codexHome` makes a fresh temp dir, each call without `inheritHome` a fresh
   * empty HOME; `close()` removes both. Secret-looking values of `env` are never recorded.
   */
  codexOptions(request: CassetteCodexOptionsRequest = {}): CassetteCodexOptions {
    this.#assertOpen();
    this.#redactor.addEnv(request.env);
    let codexHome = request.codexHome;
    if (codexHome === undefined) {
      codexHome = this.#tempDir("codexkit-home-");
    } else {
      // codex refuses to start when CODEX_HOME does not exist.
      mkdirSync(codexHome, { recursive: true });
    }
    const home = request.inheritHome === true ? undefined : this.#tempDir("codexkit-userhome-");
    const provider: MockProviderConfig = {
      name: CASSETTE_PROVIDER_ID,
      base_url: this.url,
      wire_api: "responses",
      supports_websockets: false,
      request_max_retries: 0,
      stream_max_retries: 0,
    };
    if (request.streamIdleTimeoutMs !== undefined) provider.stream_idle_timeout_ms = request.streamIdleTimeoutMs;
    const config: CassetteCodexConfig = {
      model_provider: CASSETTE_PROVIDER_ID,
      model_providers: { [CASSETTE_PROVIDER_ID]: provider },
      features: { shell_snapshot: request.shellSnapshot ?? false },
    };
    if (this.#model !== null) config.model = this.#model;
    if (this.#model !== null && this.#modelCatalog) config.model_catalog_json = this.#catalog(this.#model);
    return { codexHome, config, env: isolatedEnv(process.env, request.env, home) };
  }

  /** How many requests codex sent so far. */
  get requests(): number {
    return this.#recorder?.requests ?? this.#replayer!.requests;
  }

  /** Replay: the requests that matched no recording, in order (each also failed its turn). Record: none. */
  get mismatches(): CassetteMismatchError[] {
    return this.#replayer?.mismatches ?? [];
  }

  /** Replay: the file indexes of the recorded requests not asked for (yet). Record: none. */
  unused(): number[] {
    return this.#replayer?.unused() ?? [];
  }

  /**
   * Record: writes the file (JSON Lines, keys sorted; parent directories created; replaced
   * whole, never half-written), once the exchanges in flight have ended: close the `Codex` client
   * first, or let its turns finish. Replay: does nothing, so the same test code serves both modes.
   */
  async save(): Promise<void> {
    const recorder = this.#recorder;
    if (!recorder) return;
    await recorder.settled();
    const { interactions, tools } = recorder.snapshot();
    const header: CassetteHeader = {
      kind: "header",
      format: CASSETTE_FORMAT,
      version: CASSETTE_VERSION,
      codex: recorder.codexVersion,
      codexkit: CODEXKIT_VERSION,
      model: this.#model,
      modelCatalog: this.#modelCatalog,
    };
    const text = serializeCassette({ header, interactions, tools });
    await mkdir(path.dirname(this.file), { recursive: true });
    const temp = `${this.file}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(temp, text);
    await rename(temp, this.file);
  }

  /**
   * Replay: throws the first `CassetteMismatchError` of a request that matched nothing, else one
   * listing the recorded requests never asked for (`kind: "unused"`). Record: does nothing.
   */
  assertDone(): void {
    const replayer = this.#replayer;
    if (!replayer) return;
    const [first] = replayer.mismatches;
    if (first) throw first;
    const unused = replayer.unused();
    if (unused.length === 0) return;
    const which = unused.length === 1 ? `request ${unused[0]!} was` : `requests ${unused.join(", ")} were`;
    throw new CassetteMismatchError(
      `${unused.length} recorded request${unused.length === 1 ? "" : "s"} of ${this.file} never asked for: ${which} recorded, but the session ended before it. If the session is meant to be shorter now, record again: delete the file or set ${CASSETTE_ENV}=record.`,
      { kind: "unused", file: this.file, unused },
    );
  }

  /**
   * Stops the server and removes the temp dirs. Recording: what was not `save()`d is dropped, so a
   * failing test does not overwrite a good cassette. Safe to call twice. Close the `Codex` client
   * first: a codex still running writes into its CODEX_HOME until it exits.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await (this.#recorder ?? this.#replayer)!.close();
      await Promise.all(this.#tempDirs.map((dir) => rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 })));
    })();
    return this.#closing;
  }

  #tempDir(prefix: string): string {
    const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
    this.#tempDirs.push(dir);
    return dir;
  }

  #catalog(model: string): string {
    this.#catalogPath ??= writeModelCatalog(this.#tempDir("codexkit-catalog-"), model);
    return this.#catalogPath;
  }

  #assertOpen(): void {
    if (this.#closing) throw new InvalidOptionsError(`the cassette ${this.file} is closed`);
  }
}

/** Reads and parses a cassette file; a missing one says how to record it. */
async function readCassette(file: string): Promise<CassetteData> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new InvalidOptionsError(`cassette ${file} does not exist: record it first (Cassette.record, or Cassette.use without ${CASSETTE_ENV}=replay)`);
    }
    throw new InvalidOptionsError(`cassette ${file} cannot be read: ${(error as Error).message}`, { cause: error });
  }
  return parseCassette(text, file);
}
