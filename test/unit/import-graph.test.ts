/**
 * `import "codexkit"` loads codexkit's own code and Node's built-ins, nothing else: zod, the MCP
 * SDK, ws, ajv, picomatch, signal-exit and OpenTelemetry load when first used (`import()` or
 * `lazyModule`). This walks the static imports from the entry, as Node would, without types.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = fileURLToPath(new URL("../../src/", import.meta.url));

/** The modules `file` loads when it is evaluated: static `import`/`export ... from` that are not type-only. */
function staticImports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const found: string[] = [];
  for (const match of text.matchAll(/^(?:import|export)\s+(type\s+)?([^;]*?)\s*from\s+"([^"]+)"/gm)) {
    const [, typeOnly, , specifier] = match;
    // Only `import type` / `export type` go away: under verbatimModuleSyntax, `import { type A } from "x"` still loads x.
    if (typeOnly === undefined) found.push(specifier!);
  }
  for (const match of text.matchAll(/^import\s+"([^"]+)"/gm)) found.push(match[1]!);
  return found;
}

/** Every file and every outside module reached from `entry` through static imports. */
function graph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    for (const specifier of staticImports(file)) {
      if (specifier.startsWith(".")) visit(path.resolve(path.dirname(file), specifier.replace(/\.js$/, ".ts")));
      else packages.add(specifier);
    }
  };
  visit(path.join(SRC, entry));
  return { files, packages };
}

describe("import codexkit", () => {
  it("loads only Node's built-ins besides its own code", () => {
    const { files, packages } = graph("index.ts");
    expect([...packages].filter((name) => !name.startsWith("node:"))).toEqual([]);
    // The walk did walk: the client, both transports and the turn are reached.
    const reached = [...files].map((file) => path.relative(SRC, file));
    expect(reached).toEqual(expect.arrayContaining(["codex.ts", "thread.ts", "transport/exec/transport.ts", "transport/app-server/transport.ts", "turn/run.ts"]));
  });

  it("leaves what a plain turn does not need to load on first use", () => {
    const reached = new Set([...graph("index.ts").files].map((file) => path.relative(SRC, file)));
    for (const lazy of ["mcp/connection.ts", "mcp/server-connection.ts", "transport/exec/tool-endpoint.ts", "transport/app-server/websocket.ts", "queue/index.ts"]) {
      expect(reached.has(lazy), lazy).toBe(false);
    }
  });

  it("sees an eager import when there is one (the walk is not blind)", () => {
    expect(graph("mcp/server-connection.ts").packages).toContain("@modelcontextprotocol/sdk/client/index.js");
    expect(graph("transport/app-server/websocket.ts").packages).toContain("ws");
  });
});
