/**
 * Generates codexkit's app-server protocol types from the pinned codex binary
 * (`codex app-server generate-ts --experimental`). The binary's full output is ~950 files; only the
 * transitive `import type` closure of `PROTOCOL_ROOTS` is kept, so the committed folder stays
 * reviewable while every type in it is still exactly what the binary speaks.
 *
 * Shared by `scripts/gen-protocol.ts` (writes the committed folder) and
 * `test/integration/app-server/protocol.test.ts` (regenerates and compares, so stale types fail CI).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { resolveCodexBinary } from "../src/transport/binary.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** The committed output folder; nothing but this module writes into it. */
export const GENERATED_DIR = path.join(ROOT, "src", "transport", "app-server", "protocol", "generated");

/**
 * Types codexkit needs, as paths inside the generate-ts output without `.ts`. Everything they
 * import comes along; a name that does not exist fails generation (the protocol changed, so a
 * human has to look).
 */
export const PROTOCOL_ROOTS: readonly string[] = [
  // JSON-RPC envelopes: every method name with its params.
  "ServerNotification",
  "ServerRequest",
  "ClientRequest",
  "ClientNotification",
  "InitializeParams",
  "InitializeResponse",
  // Thread lifecycle.
  "v2/ThreadStartParams",
  "v2/ThreadStartResponse",
  "v2/ThreadResumeParams",
  "v2/ThreadResumeResponse",
  "v2/ThreadForkParams",
  "v2/ThreadForkResponse",
  "v2/ThreadListParams",
  "v2/ThreadListResponse",
  "v2/ThreadArchiveParams",
  "v2/ThreadArchiveResponse",
  "v2/ThreadReadParams",
  "v2/ThreadReadResponse",
  // Turns and their items.
  "v2/TurnStartParams",
  "v2/TurnStartResponse",
  "v2/TurnSteerParams",
  "v2/TurnSteerResponse",
  "v2/TurnInterruptParams",
  "v2/TurnInterruptResponse",
  "v2/ThreadItem",
  "v2/Turn",
  "v2/TurnStatus",
  "v2/TurnError",
  "v2/ThreadTokenUsage",
  "v2/ThreadTokenUsageUpdatedNotification",
  "v2/ErrorNotification",
  // Client-side dynamic tools.
  "v2/DynamicToolSpec",
  "v2/DynamicToolCallParams",
  "v2/DynamicToolCallResponse",
  // Approvals the server asks the client for.
  "v2/CommandExecutionRequestApprovalParams",
  "v2/CommandExecutionRequestApprovalResponse",
  "v2/FileChangeRequestApprovalParams",
  "v2/FileChangeRequestApprovalResponse",
  "v2/PermissionsRequestApprovalParams",
  "v2/PermissionsRequestApprovalResponse",
];

/** One generation: the codex version it came from and the files, keyed by sorted POSIX path. */
export interface ProtocolOutput {
  version: string;
  files: Map<string, string>;
}

/** Version of the installed `@openai/codex` package (what package.json pins). */
export function installedCodexVersion(): string {
  const require = createRequire(import.meta.url);
  const pkg = require("@openai/codex/package.json") as { version: string };
  return pkg.version;
}

/** Version of the pinned binary, checked against the package so the header never lies. */
function binaryVersion(bin: string): string {
  const out = execFileSync(bin, ["--version"], { encoding: "utf8" }).trim();
  const match = /(\d+\.\d+\.\d+\S*)$/.exec(out);
  if (!match?.[1]) throw new Error(`cannot parse codex version from ${JSON.stringify(out)}`);
  const pinned = installedCodexVersion();
  if (match[1] !== pinned) throw new Error(`codex binary reports ${match[1]} but @openai/codex ${pinned} is installed; run npm install`);
  return match[1];
}

// ts-rs writes exactly this form, one per line; anything else means the generator changed and the
// closure walk could silently miss a dependency, so it is an error rather than a skip.
const IMPORT_LINE = /^import type \{ [A-Za-z0-9_]+(?:, [A-Za-z0-9_]+)* \} from "(\.{1,2}\/[A-Za-z0-9_./]+)";$/;

/** Relative module paths (without `.ts`) a generated file imports, after strict form checks. */
function importsOf(rel: string, source: string): string[] {
  if (/\bimport\s*\(/.test(source)) throw new Error(`${rel}: unexpected import() type; extend protocol-gen-lib.ts`);
  const specs: string[] = [];
  for (const line of source.split("\n")) {
    if (!/^(import\b|export\s+(type\s+)?[*{])/.test(line)) continue;
    const match = IMPORT_LINE.exec(line);
    if (!match?.[1]) throw new Error(`${rel}: unexpected import form ${JSON.stringify(line)}`);
    specs.push(path.posix.join(path.posix.dirname(rel), match[1]));
  }
  return specs;
}

/** Rewrites relative imports to `.js`, which NodeNext requires. */
function rewriteImports(source: string): string {
  return source
    .split("\n")
    .map((line) => (IMPORT_LINE.test(line) ? line.replace(/";$/, '.js";') : line))
    .join("\n");
}

function header(version: string): string {
  return (
    `// Generated from codex-cli ${version} (\`codex app-server generate-ts --experimental\`) by\n` +
    `// scripts/gen-protocol.ts. Do not edit; run \`npm run gen:protocol\`.\n`
  );
}

/** Runs the pinned binary's generate-ts in a temp dir and returns the closure of `roots`. */
export function renderProtocol(roots: readonly string[] = PROTOCOL_ROOTS): ProtocolOutput {
  const bin = resolveCodexBinary().executable;
  const version = binaryVersion(bin);
  const raw = mkdtempSync(path.join(os.tmpdir(), "codexkit-gen-ts-"));
  try {
    execFileSync(bin, ["app-server", "generate-ts", "--experimental", "--out", raw], { stdio: ["ignore", "ignore", "pipe"] });
    const read = (rel: string): string => {
      const file = path.join(raw, `${rel}.ts`);
      if (!existsSync(file)) throw new Error(`generate-ts from codex ${version} has no ${rel}.ts`);
      return readFileSync(file, "utf8").replace(/\r\n/g, "\n");
    };
    const missing = roots.filter((root) => !existsSync(path.join(raw, `${root}.ts`)));
    if (missing.length > 0) {
      throw new Error(`PROTOCOL_ROOTS names missing from codex ${version} generate-ts output: ${missing.join(", ")}`);
    }

    const sources = new Map<string, string>();
    const pending = [...roots];
    while (pending.length > 0) {
      const rel = pending.pop() as string;
      if (sources.has(rel)) continue;
      const source = read(rel);
      sources.set(rel, source);
      pending.push(...importsOf(rel, source));
    }

    const files = new Map<string, string>();
    for (const rel of [...sources.keys()].sort()) {
      files.set(`${rel}.ts`, header(version) + rewriteImports(sources.get(rel) as string));
    }
    files.set(
      "version.ts",
      `${header(version)}\n/** The codex release these protocol types were generated from. */\nexport const CODEX_PROTOCOL_VERSION = ${JSON.stringify(version)};\n`,
    );
    return { version, files: new Map([...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) };
  } finally {
    rmSync(raw, { recursive: true, force: true });
  }
}

/** Every file under `dir` as POSIX relative path → content, sorted; empty when `dir` is absent. */
export function readTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!existsSync(dir)) return out;
  const entries = readdirSync(dir, { recursive: true, withFileTypes: true });
  const rels = entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join("/"))
    .sort();
  for (const rel of rels) out.set(rel, readFileSync(path.join(dir, rel), "utf8"));
  return out;
}

/** Writes `output` into `dir`, deleting files (and emptied folders) the new closure no longer has. */
export function writeProtocol(dir: string, output: ProtocolOutput): void {
  const existing = readTree(dir);
  for (const rel of existing.keys()) {
    if (!output.files.has(rel)) rmSync(path.join(dir, rel));
  }
  for (const [rel, content] of output.files) {
    if (existing.get(rel) === content) continue;
    const file = path.join(dir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  removeEmptyDirs(dir);
}

function removeEmptyDirs(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const sub = path.join(dir, entry.name);
    removeEmptyDirs(sub);
    if (readdirSync(sub).length === 0) rmSync(sub, { recursive: true });
  }
}
