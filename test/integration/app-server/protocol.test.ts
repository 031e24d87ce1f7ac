/**
 * The committed protocol types must be exactly what the pinned codex binary generates: regenerate
 * into a temp dir and compare byte for byte, so bumping `@openai/codex` without
 * `npm run gen:protocol` (or hand-editing a generated file) fails here.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  GENERATED_DIR,
  installedCodexVersion,
  readTree,
  renderProtocol,
  writeProtocol,
} from "../../../scripts/protocol-gen-lib.js";
import { CODEX_PROTOCOL_VERSION } from "../../../src/transport/app-server/protocol/index.js";

const REGENERATE = "protocol types are stale: run `npm run gen:protocol` and commit the result";
const INDEX = path.join(GENERATED_DIR, "..", "index.ts");

describe("generated app-server protocol types", () => {
  let tmp: string;
  let fresh: Map<string, string>;
  let committed: Map<string, string>;

  beforeAll(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), "codexkit-protocol-test-"));
    // Through writeProtocol, not just renderProtocol, so the script's write path is what is checked.
    writeProtocol(tmp, renderProtocol());
    fresh = readTree(tmp);
    committed = readTree(GENERATED_DIR);
  });

  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it("has the same file list as a fresh generation", () => {
    const missing = [...fresh.keys()].filter((rel) => !committed.has(rel));
    const extra = [...committed.keys()].filter((rel) => !fresh.has(rel));
    expect({ missing, extra }, REGENERATE).toEqual({ missing: [], extra: [] });
  });

  it("has byte-identical files", () => {
    const differing = [...fresh].filter(([rel, content]) => committed.get(rel) !== content).map(([rel]) => rel);
    expect(differing, `${REGENERATE}; differing: ${differing.slice(0, 10).join(", ")}`).toEqual([]);
  });

  it("records the installed @openai/codex version", () => {
    expect(CODEX_PROTOCOL_VERSION, REGENERATE).toBe(installedCodexVersion());
  });

  it("exports v2 types from index.ts wherever a same-named v1 type exists", () => {
    const source = readFileSync(INDEX, "utf8");
    const topLevel = [...source.matchAll(/from "\.\/generated\/([A-Za-z0-9_]+)\.js"/g)].map((m) => m[1] as string);
    const shadowed = topLevel.filter((name) => committed.has(`v2/${name}.ts`));
    expect(shadowed, "protocol/index.ts should export these from ./generated/v2/").toEqual([]);
  });
});
