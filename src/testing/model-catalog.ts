/**
 * The model metadata codex reads for the mock model. codex 0.169.0 looks a model up in its model
 * catalog (bundled, or from the provider's `/models` when signed in); an unknown name gets
 * fallback metadata and every turn an `error` item "Model metadata for `<model>` not found".
 * The `model_catalog_json` config key points codex at a catalog file of our own instead; its one
 * entry repeats codex's fallback values (so the tools and the request body stay exactly what
 * they were), but as known metadata, so no warning is emitted.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";

/** One entry of codex's model catalog (`ModelInfo` in codex-rs, snake_case as codex reads it). */
export interface MockModelInfo {
  /** The model name the entry is for (codex matches the configured model by longest prefix). */
  slug: string;
  /** Shown in model lists. */
  display_name: string;
  /** Shown in model lists. */
  description: string | null;
  /** No reasoning efforts to choose from. */
  supported_reasoning_levels: never[];
  /** `default`: the `exec_command` tool family (as codex's fallback). */
  shell_type: "default";
  /** `none`: kept out of the model picker. */
  visibility: "none";
  /** Usable with an API key (a custom provider). */
  supported_in_api: boolean;
  /** Sort order in model lists (codex's fallback uses 99). */
  priority: number;
  /** No availability notice. */
  availability_nux: null;
  /** No upgrade offered. */
  upgrade: null;
  /** The system prompt; empty, as codex's fallback sends none. */
  base_instructions: string;
  /** No reasoning summaries requested. */
  supports_reasoning_summaries: boolean;
  /** No `verbosity` sent. */
  support_verbosity: boolean;
  /** No verbosity. */
  default_verbosity: null;
  /** No native apply_patch tool: patches go through `exec_command` (see `applyPatch`). */
  apply_patch_tool_type: null;
  /** Web search as a text tool. */
  web_search_tool_type: "text";
  /** How tool output is cut for the model. */
  truncation_policy: { mode: "bytes"; limit: number };
  /** No parallel tool calls asked for. */
  supports_parallel_tool_calls: boolean;
  /** Tokens the mock model pretends to hold. */
  context_window: number;
  /** The most a config override may set. */
  max_context_window: number;
  /** No experimental tools. */
  experimental_supported_tools: never[];
}

/** The catalog file's shape (`ModelsResponse` in codex-rs). */
interface MockModelCatalog {
  /** The models codex knows. */
  models: MockModelInfo[];
}

/** The catalog file's name, in a temp dir of the MockModelServer's own. */
const MODEL_CATALOG_FILE = "mock-model-catalog.json";

/** A catalog with one entry for `model`, holding codex 0.169.0's fallback values. */
function mockModelCatalog(model: string): MockModelCatalog {
  return {
    models: [
      {
        slug: model,
        display_name: model,
        description: null,
        supported_reasoning_levels: [],
        shell_type: "default",
        visibility: "none",
        supported_in_api: true,
        priority: 99,
        availability_nux: null,
        upgrade: null,
        base_instructions: "",
        supports_reasoning_summaries: false,
        support_verbosity: false,
        default_verbosity: null,
        apply_patch_tool_type: null,
        web_search_tool_type: "text",
        truncation_policy: { mode: "bytes", limit: 10_000 },
        supports_parallel_tool_calls: false,
        context_window: 272_000,
        max_context_window: 272_000,
        experimental_supported_tools: [],
      },
    ],
  };
}

/** Writes the catalog for `model` into `dir` and returns the file's path. */
export function writeModelCatalog(dir: string, model: string): string {
  const file = path.join(dir, MODEL_CATALOG_FILE);
  writeFileSync(file, `${JSON.stringify(mockModelCatalog(model), null, 2)}\n`);
  return file;
}
