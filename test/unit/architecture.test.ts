/**
 * The shape of `src/`, checked: no import cycles (type imports included), and the one direction
 * of flow of `shared/DESIGN.md` section 1 — the turn layer above the transports, the transports
 * knowing only the wire, and the shared models (errors, schema, tools, approvals) below both.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = fileURLToPath(new URL("../../src", import.meta.url));

interface Edge {
  to: string;
  typeOnly: boolean;
}

/** Every module under src (generated protocol types excluded), by path under src, with its text. */
function sources(): Map<string, string> {
  const texts = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) {
        if (name !== "generated") walk(full);
      } else if (name.endsWith(".ts")) {
        texts.set(rel(full), readFileSync(full, "utf8"));
      }
    }
  };
  walk(SRC);
  return texts;
}

/** Every module with its relative imports. */
function graph(texts: Map<string, string>): Map<string, Edge[]> {
  return new Map([...texts].map(([module, text]) => [module, importsOf(path.join(SRC, module), text)]));
}

function rel(file: string): string {
  return path.relative(SRC, file).split(path.sep).join("/");
}

function importsOf(file: string, text: string): Edge[] {
  const edges: Edge[] = [];
  for (const match of text.matchAll(/^(import|export)\s+(type\s+)?[^;]*?from\s+"(\.[^"]+)"/gms)) {
    const target = path.resolve(path.dirname(file), match[3]!.replace(/\.js$/, ".ts"));
    edges.push({ to: rel(target), typeOnly: match[2] !== undefined });
  }
  return edges;
}

/** Strongly connected components with more than one module (or a self-import). */
function cycles(modules: Map<string, Edge[]>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    indices.set(node, index);
    low.set(node, index++);
    stack.push(node);
    onStack.add(node);
    for (const { to } of modules.get(node) ?? []) {
      if (!modules.has(to)) continue;
      if (!indices.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (onStack.has(to)) {
        low.set(node, Math.min(low.get(node)!, indices.get(to)!));
      }
    }
    if (low.get(node) === indices.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || (modules.get(node) ?? []).some((e) => e.to === node)) found.push(component.sort());
    }
  };
  for (const node of modules.keys()) if (!indices.has(node)) visit(node);
  return found;
}

/** Imports from modules under `from` into modules under `to` (runtime ones only unless `types`). */
function crossings(modules: Map<string, Edge[]>, from: string, to: string, types = true): string[] {
  const out: string[] = [];
  for (const [module, edges] of modules) {
    if (!module.startsWith(from)) continue;
    for (const edge of edges) if (edge.to.startsWith(to) && (types || !edge.typeOnly)) out.push(`${module} -> ${edge.to}`);
  }
  return out;
}

/** Lines of each top-level folder of src, and of all of src. */
function linesByFolder(texts: Map<string, string>): { folders: Map<string, number>; total: number } {
  const folders = new Map<string, number>();
  let total = 0;
  for (const [module, text] of texts) {
    const lines = text.split("\n").length;
    total += lines;
    const top = module.split("/")[0]!;
    if (!top.endsWith(".ts")) folders.set(top, (folders.get(top) ?? 0) + lines);
  }
  return { folders, total };
}

describe("src layout", () => {
  const texts = sources();
  const modules = graph(texts);

  it("keeps every folder of src under a quarter of its lines", () => {
    const { folders, total } = linesByFolder(texts);
    const over = [...folders].filter(([, lines]) => lines > total / 4).map(([folder, lines]) => `${folder}/: ${Math.round((100 * lines) / total)}%`);
    expect(folders.size).toBeGreaterThan(10);
    expect(over).toEqual([]);
  });

  it("has no import cycles, type imports included", () => {
    expect(modules.size).toBeGreaterThan(50);
    expect(cycles(modules)).toEqual([]);
  });

  it("keeps the transports below the turn layer: no transport imports it, nor runs tools itself", () => {
    expect(crossings(modules, "transport/", "turn/")).toEqual([]);
    expect(crossings(modules, "transport/", "tools/", false)).toEqual([]);
    expect(crossings(modules, "transport/", "thread.ts")).toEqual([]);
    expect(crossings(modules, "transport/", "codex.ts")).toEqual([]);
  });

  it("keeps the shared models free of the wire and of the turn layer", () => {
    for (const shared of ["approvals/", "tools/", "schema/", "errors/", "config/", "telemetry/", "diagnostics/"]) {
      expect(crossings(modules, shared, "transport/")).toEqual([]);
      expect(crossings(modules, shared, "turn/")).toEqual([]);
    }
  });

  it("keeps process care below its two users, the transports and MCP; MCP and files know no transport", () => {
    for (const above of ["transport/", "mcp/", "files/", "turn/", "codex.ts", "thread.ts"]) expect(crossings(modules, "process/", above)).toEqual([]);
    for (const user of ["mcp/", "files/"]) {
      expect(crossings(modules, user, "transport/")).toEqual([]);
      expect(crossings(modules, user, "turn/")).toEqual([]);
    }
    expect(crossings(modules, "files/", "mcp/")).toEqual([]);
    for (const above of ["transport/", "turn/", "mcp/"]) expect(crossings(modules, "workspace/", above)).toEqual([]);
    // The option schemas sit above MCP (they describe its servers): MCP gets its check from \`Codex\`.
    expect(crossings(modules, "mcp/", "options/", false)).toEqual([]);
    // \`codexkit/telemetry\` is a door for users only.
    expect([...modules].filter(([, edges]) => edges.some((e) => e.to === "telemetry/public.ts")).map(([m]) => m)).toEqual([]);
  });

  it("keeps telemetry and diagnostics out of the wire, and the transports out of spans (they report events; the turn layer traces them)", () => {
    expect(crossings(modules, "transport/", "telemetry/")).toEqual([]);
    expect(crossings(modules, "telemetry/", "mcp/")).toEqual([]);
    expect(crossings(modules, "diagnostics/", "codex.ts")).toEqual([]);
    // The command line sits on top: nothing imports it.
    expect([...modules].filter(([, edges]) => edges.some((e) => e.to.startsWith("cli/"))).map(([m]) => m).filter((m) => !m.startsWith("cli/"))).toEqual([]);
  });

  it("keeps the queue on top, beside the command line: only they import it, and it reaches no transport", () => {
    expect([...modules].filter(([m, edges]) => !m.startsWith("queue/") && !m.startsWith("cli/") && edges.some((e) => e.to.startsWith("queue/"))).map(([m]) => m)).toEqual([]);
    expect(crossings(modules, "queue/", "transport/")).toEqual([]);
    expect(crossings(modules, "queue/", "mcp/")).toEqual([]);
  });

  it("reaches the transports only through the Transport interface: no instanceof of a transport class outside transport/", () => {
    const offenders: string[] = [];
    for (const module of modules.keys()) {
      if (module.startsWith("transport/")) continue;
      const text = readFileSync(path.join(SRC, module), "utf8");
      for (const match of text.matchAll(/instanceof\s+(AppServerTransport|ExecTransport)\b/g)) offenders.push(`${module}: ${match[0]}`);
    }
    expect(offenders).toEqual([]);
  });

  it("gives every folder one door: other folders import its index.ts only (a types.ts may be imported for types)", () => {
    const doors = ["approvals/", "tools/", "schema/", "errors/", "config/", "jsonrpc/", "turn/", "testing/", "transport/", "mcp/", "telemetry/", "diagnostics/", "process/", "files/", "options/", "timing/", "workspace/"];
    const offenders: string[] = [];
    for (const [module, edges] of modules) {
      for (const edge of edges) {
        const folder = doors.find((door) => edge.to.startsWith(door));
        if (!folder || module.startsWith(folder) || edge.to === `${folder}index.ts`) continue;
        if (edge.typeOnly && edge.to === `${folder}types.ts`) continue;
        offenders.push(`${module} -> ${edge.to}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
