/**
 * The `Codex` options that point the real codex binary at a MockModelServer: a custom model
 * provider (no API key, no WebSockets, few retries) and an isolated CODEX_HOME and environment,
 * so nothing from the developer's own setup leaks into a test.
 */

/**
 * The provider entry codex reads from `model_providers.<id>`. Every key here is accepted by codex
 * 0.169.0 under `--strict-config` (which does reject unknown `-c` provider keys), and each takes
 * effect: see the integration tests of the testing kit.
 */
export type MockProviderConfig = {
  /** The provider's display name (`mock`). */
  name: string;
  /** The mock server's API base URL, e.g. `http://127.0.0.1:<port>/v1`. */
  base_url: string;
  /** The API codex speaks to it: the Responses API. */
  wire_api: "responses";
  /** Off: the mock speaks SSE only, and codex's WebSocket attempt would cost seconds per run. */
  supports_websockets: boolean;
  /**
   * Retries of a failed HTTP request; codex's default of 4 hides failures for seconds. codex
   * 0.169.0 retries 5xx and transport errors this way (after ~200 ms), never a 429.
   */
  request_max_retries: number;
  /**
   * Reconnects after a broken stream (`response.failed`, a disconnect, an idle timeout, or a 429
   * with `retry-after`); codex's default of 5 hides failures for seconds. Each reconnect shows in
   * exec JSONL as an `error` event "Reconnecting... n/N (<reason>)".
   */
  stream_max_retries: number;
  /**
   * How long codex waits for the next SSE event (the first one included) before treating the
   * stream as broken: "stream disconnected before completion: idle timeout waiting for SSE".
   */
  stream_idle_timeout_ms?: number;
};

/** The config part of `MockCodexOptions`, flattened by `Codex` into `--config` overrides. */
export type MockCodexConfig = {
  /** The model codex asks for. */
  model: string;
  /** The provider codex uses (`MOCK_PROVIDER_ID`). */
  model_provider: string;
  /** The provider entries, by id. */
  model_providers: { [id: string]: MockProviderConfig };
  /**
   * A model catalog file with metadata for `model` (see model-catalog.ts), so codex does not fall
   * back to its defaults with an `error` item "Model metadata for `<model>` not found" every turn.
   * Absent with `modelCatalog: false`.
   */
  model_catalog_json?: string;
  /** codex feature switches; the kit turns the shell snapshot off unless asked (see `shellSnapshot`). */
  features: {
    /** Whether codex snapshots the login shell's environment for each thread. */
    shell_snapshot: boolean;
  };
};

/** What `model.codexOptions()` returns: spread it into `new Codex(...)`. */
export interface MockCodexOptions {
  /** CODEX_HOME for codex: a fresh temp dir the server removes on close, unless one was given. */
  codexHome: string;
  /** Selects the mock provider and model (`Codex`'s `config` option). */
  config: MockCodexConfig;
  /** The whole environment for codex: `process.env` minus credentials and redirections, plus extras. */
  env: Record<string, string>;
}

/** Options of `model.codexOptions()`. */
export interface CodexOptionsRequest {
  /** Use this CODEX_HOME (created if missing, never removed) instead of a fresh temp dir. */
  codexHome?: string;
  /** Reconnects after a broken stream (default 0: a broken stream fails the turn at once). */
  streamMaxRetries?: number;
  /** Retries of a failed HTTP request (default 0: an HTTP error fails the turn at once). */
  requestMaxRetries?: number;
  /** Idle timeout for the SSE stream (codex's default is 300000 ms); set it low to test stalls. */
  streamIdleTimeoutMs?: number;
  /**
   * Keep codex's shell snapshot (default false). It sources your login shell's rc files in a
   * helper process for every thread, which makes offline tests slower and machine-dependent.
   */
  shellSnapshot?: boolean;
  /**
   * Give codex metadata for the mock model (default true). `false` leaves codex to its fallback
   * metadata, as for any model it does not know: the same tools and requests, but every turn then
   * starts with an `error` item "Model metadata for `<model>` not found".
   */
  modelCatalog?: boolean;
  /** Extra environment variables; `undefined` removes one. */
  env?: Record<string, string | undefined>;
  /**
   * Keep your own HOME for codex (default false: codex gets a fresh, empty HOME). codex runs the
   * agent's commands in login shells, which read the rc files under HOME; a tool there (pyenv,
   * nvm, a banner) can print into every command's output and change what a test sees.
   */
  inheritHome?: boolean;
}

/** The id of the mock provider in codex's config. */
export const MOCK_PROVIDER_ID = "mock";

/**
 * Variables removed from the inherited environment: a stray API key or base URL would make codex
 * authenticate or talk elsewhere, and a shared CODEX_HOME would mix the developer's sessions,
 * config and trust entries into the test.
 */
export const ISOLATED_ENV_KEYS: readonly string[] = Object.freeze(["OPENAI_API_KEY", "CODEX_API_KEY", "OPENAI_BASE_URL", "CODEX_HOME"]);

/**
 * The config that selects the mock provider at `baseUrl` and the model `model`, with the model
 * catalog file at `catalogPath` when given.
 */
export function mockCodexConfig(model: string, baseUrl: string, request: CodexOptionsRequest = {}, catalogPath?: string): MockCodexConfig {
  const provider: MockProviderConfig = {
    name: MOCK_PROVIDER_ID,
    base_url: baseUrl,
    wire_api: "responses",
    supports_websockets: false,
    request_max_retries: request.requestMaxRetries ?? 0,
    stream_max_retries: request.streamMaxRetries ?? 0,
  };
  if (request.streamIdleTimeoutMs !== undefined) provider.stream_idle_timeout_ms = request.streamIdleTimeoutMs;
  return {
    model,
    model_provider: MOCK_PROVIDER_ID,
    model_providers: { [MOCK_PROVIDER_ID]: provider },
    ...(catalogPath === undefined ? {} : { model_catalog_json: catalogPath }),
    features: { shell_snapshot: request.shellSnapshot ?? false },
  };
}

/**
 * A copy of `base` without `ISOLATED_ENV_KEYS` and unset values, with HOME set to `home` when
 * given, and `extra` applied on top.
 */
export function isolatedEnv(base: NodeJS.ProcessEnv, extra: Record<string, string | undefined> = {}, home?: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) {
    if (value !== undefined && !ISOLATED_ENV_KEYS.includes(key)) env[key] = value;
  }
  if (home !== undefined) env.HOME = home;
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}
