/**
 * The options of `Cassette.record`, `Cassette.replay` and `Cassette.use`, their checks (an
 * `InvalidOptionsError` that says what was wrong), and the mode `use` picks.
 */
import { InvalidOptionsError, withoutUrlCredentials } from "../../errors/index.js";
import type { CassetteMatchMode } from "./match.js";
import type { CassetteTiming } from "./replayer.js";

/** The API recordings go to unless `upstream` says otherwise. */
export const DEFAULT_UPSTREAM = "https://api.openai.com/v1";

/** Retries of an upstream request that failed (5xx, 429, unreachable) before any of it reached codex. */
export const DEFAULT_UPSTREAM_RETRIES = 2;

/** The environment variable `Cassette.use` reads: `record`, `replay`, or unset for "record when the file is missing". */
export const CASSETTE_ENV = "CODEXKIT_CASSETTE";

/** Whether a cassette records or replays. */
export type CassetteMode = "record" | "replay";

/** Options of `Cassette.record`. */
export interface CassetteRecordOptions {
  /** The Responses API base URL to record (default OpenAI's, `https://api.openai.com/v1`). */
  upstream?: string;
  /** The API key sent upstream (default: `OPENAI_API_KEY` from the environment). codex never sees it, and it is never recorded. */
  apiKey?: string;
  /** More values never to record (besides the key, cookies, api-key headers and secret-looking environment values). */
  secrets?: string[];
  /** The model codex is configured with, recorded in the header so replay configures the same (default: codex's own default). */
  model?: string;
  /**
   * Give codex metadata for `model` as `MockModelServer` does, for a model codex does not know
   * (default false). Recorded, and repeated on replay.
   */
  modelCatalog?: boolean;
  /** Retries of an upstream request that failed (5xx, 429, unreachable) before codex saw any of it (default 2). */
  upstreamRetries?: number;
}

/** Options of `Cassette.replay`. */
export interface CassetteReplayOptions {
  /**
   * `sequence` (default): the n-th request must match the n-th recording. `content`: any unused
   * recording with the same request, for threads that run side by side.
   */
  match?: CassetteMatchMode;
  /** `none` (default): replies are sent at once. `recorded`: at the pace they were recorded. */
  timing?: CassetteTiming;
  /** Values hidden in requests before they are compared, as `secrets` hid them when recording. */
  secrets?: string[];
}

/** Options of `Cassette.use`: those of both modes. */
export type CassetteUseOptions = CassetteRecordOptions & CassetteReplayOptions;

/** The mode `Cassette.use` picks: `CODEXKIT_CASSETTE=record|replay` decides; unset, a missing file records. */
export function cassetteMode(fileExists: boolean, setting: string | undefined): CassetteMode {
  const value = (setting ?? "").trim().toLowerCase();
  if (value === "record" || value === "replay") return value;
  if (value === "" || value === "auto") return fileExists ? "replay" : "record";
  throw new InvalidOptionsError(`${CASSETTE_ENV} must be "record", "replay" or unset (got ${JSON.stringify(setting)})`);
}

/** Throws `InvalidOptionsError` unless `file` is a usable path. */
export function checkFile(file: unknown, where: string): asserts file is string {
  if (typeof file !== "string" || file.trim() === "") throw new InvalidOptionsError(`${where} needs the cassette's file path as a non-empty string`);
}

/** The checked record options, defaults applied; the upstream URL without a trailing slash. */
export function checkRecordOptions(options: CassetteRecordOptions): Required<Omit<CassetteRecordOptions, "apiKey" | "model">> & Pick<CassetteRecordOptions, "apiKey" | "model"> {
  const upstream = options.upstream ?? DEFAULT_UPSTREAM;
  let url: URL | undefined;
  try {
    url = typeof upstream === "string" ? new URL(upstream) : undefined;
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw new InvalidOptionsError(`upstream must be an http(s) URL of a Responses API, e.g. ${DEFAULT_UPSTREAM} (got ${JSON.stringify(typeof upstream === "string" ? withoutUrlCredentials(upstream) : upstream)})`);
  }
  if (options.apiKey !== undefined && typeof options.apiKey !== "string") throw new InvalidOptionsError("apiKey must be a string");
  if (options.model !== undefined && (typeof options.model !== "string" || options.model === "")) throw new InvalidOptionsError("model must be a non-empty string");
  const retries = options.upstreamRetries ?? DEFAULT_UPSTREAM_RETRIES;
  if (!Number.isInteger(retries) || retries < 0 || retries > 10) throw new InvalidOptionsError(`upstreamRetries must be an integer from 0 to 10 (got ${String(retries)})`);
  const checked = {
    upstream: upstream.replace(/\/+$/, ""),
    apiKey: options.apiKey ?? process.env.OPENAI_API_KEY,
    secrets: checkSecrets(options.secrets),
    model: options.model,
    modelCatalog: options.modelCatalog === true,
    upstreamRetries: retries,
  };
  // Without a key, OpenAI's API answers 401 to every request: refuse now rather than record that.
  if (checked.upstream === DEFAULT_UPSTREAM && (checked.apiKey === undefined || checked.apiKey === "")) {
    throw new InvalidOptionsError(
      `recording from ${DEFAULT_UPSTREAM} needs an API key: pass apiKey, or set OPENAI_API_KEY (to replay an existing cassette instead, check its path, or set ${CASSETTE_ENV}=replay)`,
    );
  }
  return checked;
}

/** The checked replay options, defaults applied. */
export function checkReplayOptions(options: CassetteReplayOptions): Required<CassetteReplayOptions> {
  const match = options.match ?? "sequence";
  if (match !== "sequence" && match !== "content") throw new InvalidOptionsError(`match must be "sequence" or "content" (got ${JSON.stringify(match)})`);
  const timing = options.timing ?? "none";
  if (timing !== "none" && timing !== "recorded") throw new InvalidOptionsError(`timing must be "none" or "recorded" (got ${JSON.stringify(timing)})`);
  return { match, timing, secrets: checkSecrets(options.secrets) };
}

function checkSecrets(secrets: unknown): string[] {
  if (secrets === undefined) return [];
  if (!Array.isArray(secrets) || secrets.some((secret) => typeof secret !== "string")) throw new InvalidOptionsError("secrets must be an array of strings");
  return secrets as string[];
}
