import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { flattenConfig, isPlainObject, toTomlValue } from "../../../src/config/index.js";
import { CodexError, InvalidOptionsError } from "../../../src/errors/index.js";

function thrown(fn: () => unknown): InvalidOptionsError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOptionsError);
    expect(error).toBeInstanceOf(CodexError);
    expect((error as InvalidOptionsError).code).toBe("invalid_options");
    return error as InvalidOptionsError;
  }
  throw new Error("expected an InvalidOptionsError");
}

describe("flattenConfig", () => {
  it("turns nested objects into dotted paths, in insertion order", () => {
    expect(
      flattenConfig({
        model: "gpt-5",
        sandbox_workspace_write: { network_access: true, writable_roots: ["/a", "/b"] },
        mcp_servers: { docs: { command: "node", args: ["server.js"], env: { LEVEL: 3 } } },
        retries: 2,
        temperature: 0.5,
      }),
    ).toEqual([
      'model="gpt-5"',
      "sandbox_workspace_write.network_access=true",
      'sandbox_workspace_write.writable_roots=["/a", "/b"]',
      'mcp_servers.docs.command="node"',
      'mcp_servers.docs.args=["server.js"]',
      "mcp_servers.docs.env.LEVEL=3",
      "retries=2",
      "temperature=0.5",
    ]);
  });

  it("renders an empty nested object as {} and an empty root as nothing", () => {
    expect(flattenConfig({ features: {} })).toEqual(["features={}"]);
    expect(flattenConfig({ a: { b: {} } })).toEqual(["a.b={}"]);
    expect(flattenConfig({})).toEqual([]);
  });

  it("skips undefined values", () => {
    expect(flattenConfig({ a: undefined, b: { c: undefined, d: false } })).toEqual(["b.d=false"]);
  });

  it("renders objects inside arrays as inline tables", () => {
    expect(flattenConfig({ list: [{ name: "x", "my key": 1, "a.b": "y", skip: undefined }, []] })).toEqual([
      'list=[{name = "x", "my key" = 1, "a.b" = "y"}, []]',
    ]);
  });

  it.each([
    [null, "config must be a plain object"],
    [undefined, "config must be a plain object"],
    ["a=b", "config must be a plain object"],
    [42, "config must be a plain object"],
    [["a"], "config must be a plain object"],
  ])("rejects the root %j", (root, message) => {
    expect(thrown(() => flattenConfig(root)).message).toContain(message);
  });

  it.each([
    [{ a: { b: null } }, "a.b", "null"],
    [{ a: Number.NaN }, "a", "finite"],
    [{ deep: { x: Number.POSITIVE_INFINITY } }, "deep.x", "finite"],
    [{ a: -Infinity }, "a", "finite"],
    [{ fn: () => 1 }, "fn", "function"],
    [{ big: 10n }, "big", "bigint"],
    [{ sym: Symbol("s") }, "sym", "symbol"],
    [{ list: [1, null] }, "list[1]", "null"],
    [{ list: ["ok", undefined] }, "list[1]", "undefined"],
    [{ list: [{ inner: Number.NaN }] }, "list[0].inner", "finite"],
  ])("rejects %o naming %s", (config, at, what) => {
    const error = thrown(() => flattenConfig(config));
    expect(error.message).toContain(`at ${at} `);
    expect(error.message).toContain(what);
  });

  it("rejects empty keys", () => {
    expect(thrown(() => flattenConfig({ "": 1 })).message).toContain("non-empty");
    expect(thrown(() => flattenConfig({ a: { "": 1 } })).message).toContain("non-empty");
    expect(thrown(() => flattenConfig({ a: [{ "": 1 }] })).message).toContain("non-empty");
  });

  it("emits path=value lines whose segments are the object's keys (property)", () => {
    const key = fc.string({ unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz_-0123456789"), minLength: 1, maxLength: 8 });
    const leaf = fc.oneof(fc.string(), fc.integer(), fc.boolean());
    const tree = fc.letrec<{ node: Record<string, unknown> }>((tie) => ({
      node: fc.dictionary(key, fc.oneof({ depthSize: "small" }, leaf, tie("node")), { maxKeys: 4 }),
    })).node;

    fc.assert(
      fc.property(tree, (config) => {
        // Rebuild the expected lines independently.
        const expected: Array<[string[], unknown]> = [];
        const walk = (value: Record<string, unknown>, at: string[]): void => {
          const entries = Object.entries(value);
          if (at.length > 0 && entries.length === 0) expected.push([at, {}]);
          for (const [k, v] of entries) {
            if (isPlainObject(v)) walk(v, [...at, k]);
            else expected.push([[...at, k], v]);
          }
        };
        walk(config, []);

        const lines = flattenConfig(config);
        expect(lines).toHaveLength(expected.length);
        lines.forEach((line, i) => {
          const [segments, value] = expected[i]!;
          const eq = line.indexOf("=");
          expect(eq).toBeGreaterThan(0);
          expect(line.slice(0, eq).split(".")).toEqual(segments);
          const rendered = line.slice(eq + 1);
          if (typeof value === "string") expect(JSON.parse(rendered)).toBe(value);
          else if (typeof value === "number") expect(Number(rendered)).toBe(value === 0 ? 0 : value);
          else if (typeof value === "boolean") expect(rendered).toBe(String(value));
          else expect(rendered).toBe("{}");
        });
      }),
    );
  });
});

describe("toTomlValue", () => {
  it.each([
    ["plain", '"plain"'],
    ['quote " and \\ backslash', '"quote \\" and \\\\ backslash"'],
    ["line\nbreak\ttab", '"line\\nbreak\\ttab"'],
    ["", '""'],
    [0, "0"],
    [-12, "-12"],
    [1.5, "1.5"],
    [true, "true"],
    [false, "false"],
    [[], "[]"],
    [[1, "a", false], '[1, "a", false]'],
    [[[1], [2, 3]], "[[1], [2, 3]]"],
    [{}, "{}"],
    [{ a: 1, "needs quoting": "x", "dotted.key": true, "under_score-dash": 2 }, '{a = 1, "needs quoting" = "x", "dotted.key" = true, under_score-dash = 2}'],
    [{ nested: { inner: [1] } }, "{nested = {inner = [1]}}"],
  ])("renders %j as %s", (value, expected) => {
    expect(toTomlValue(value, "x")).toBe(expected);
  });

  it("JSON-quotes any string so it parses back", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), (s) => {
        expect(JSON.parse(toTomlValue(s, "x"))).toBe(s);
      }),
    );
  });

  it("names the path it was given in errors", () => {
    expect(thrown(() => toTomlValue(null, "model_providers.x")).message).toContain("model_providers.x");
    expect(thrown(() => toTomlValue({ a: { b: Number.NaN } }, "root")).message).toContain("root.a.b");
  });
});

describe("isPlainObject", () => {
  it("accepts objects and rejects arrays, null and primitives", () => {
    expect(isPlainObject({})).toBe(true);
    expect(isPlainObject({ a: 1 })).toBe(true);
    expect(isPlainObject([])).toBe(false);
    expect(isPlainObject(null)).toBe(false);
    expect(isPlainObject("x")).toBe(false);
    expect(isPlainObject(1)).toBe(false);
    expect(isPlainObject(undefined)).toBe(false);
  });
});
