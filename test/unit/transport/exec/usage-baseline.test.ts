import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Usage } from "../../../../src/events.js";
import { UsageBaselines, codexHomeFor } from "../../../../src/transport/exec/usage-baseline.js";
import { emptyUsage } from "../../../../src/usage.js";

const ID = "0199a7e2-7c1f-7e00-8000-00000000abcd";
let home: string;

beforeEach(() => {
  home = mkdtempSync(path.join(os.tmpdir(), "codexkit-home-"));
});

afterEach(() => {
  rmSync(home, { recursive: true, force: true });
  vi.unstubAllEnvs();
});

function usage(n: number): Usage {
  return { input_tokens: n, cached_input_tokens: n + 1, cache_write_input_tokens: n + 2, output_tokens: n + 3, reasoning_output_tokens: n + 4 };
}

function tokenCount(total: Usage | null): string {
  const info = total ? { total_token_usage: { ...total, total_tokens: total.input_tokens + total.output_tokens }, last_token_usage: total } : null;
  return JSON.stringify({ timestamp: "2026-01-02T00:00:00.000Z", type: "event_msg", payload: { type: "token_count", info, rate_limits: null } });
}

function otherLine(text: string): string {
  return JSON.stringify({ timestamp: "2026-01-02T00:00:00.000Z", type: "response_item", payload: { type: "message", text } });
}

function writeRollout(lines: string[], day = "2026/01/02", id = ID): string {
  const dir = path.join(home, "sessions", ...day.split("/"));
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `rollout-2026-01-02T00-00-00-${id}.jsonl`);
  writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}

describe("UsageBaselines", () => {
  it("reads the last total_token_usage from the thread's rollout file", async () => {
    writeRollout([
      JSON.stringify({ type: "session_meta", payload: { id: ID } }),
      tokenCount(usage(10)),
      otherLine("hello"),
      tokenCount(usage(20)),
      "{this is not json but mentions \"token_count\"",
      tokenCount(usage(30)),
      otherLine("mentions token_count in text only"),
      tokenCount(null),
      "garbage line",
    ]);
    const baselines = new UsageBaselines(() => home);
    expect(await baselines.get(ID)).toEqual(usage(30));
  });

  it("skips a trailing garbage token_count line and falls back to the one before", async () => {
    writeRollout([tokenCount(usage(5)), tokenCount(usage(7)), '{"payload":{"type":"token_count","info":{"total_token']);
    expect(await new UsageBaselines(() => home).get(ID)).toEqual(usage(7));
  });

  it("reads lenient totals (missing fields become 0)", async () => {
    writeRollout([JSON.stringify({ type: "event_msg", payload: { type: "token_count", info: { total_token_usage: { input_tokens: 4 } } } })]);
    expect(await new UsageBaselines(() => home).get(ID)).toEqual({ ...emptyUsage(), input_tokens: 4 });
  });

  it("finds the last token_count at the end of a large rollout", async () => {
    const filler = otherLine("x".repeat(1000));
    writeRollout([tokenCount(usage(1)), ...Array.from({ length: 800 }, () => filler), tokenCount(usage(99)), filler]);
    expect(await new UsageBaselines(() => home).get(ID)).toEqual(usage(99));
  });

  it("returns zeros for an unknown thread, a null id, and a home without sessions", async () => {
    writeRollout([tokenCount(usage(10))]);
    const baselines = new UsageBaselines(() => home);
    expect(await baselines.get("0199a7e2-0000-0000-0000-000000000000")).toEqual(emptyUsage());
    expect(await baselines.get(null)).toEqual(emptyUsage());
    expect(await new UsageBaselines(() => path.join(home, "does-not-exist")).get(ID)).toEqual(emptyUsage());
  });

  it("returns zeros when the rollout has no token_count", async () => {
    writeRollout([otherLine("a"), otherLine("b")]);
    expect(await new UsageBaselines(() => home).get(ID)).toEqual(emptyUsage());
  });

  it("prefers a total recorded with set() over the rollout file", async () => {
    writeRollout([tokenCount(usage(10))]);
    const baselines = new UsageBaselines(() => home);
    baselines.set(ID, usage(500));
    expect(await baselines.get(ID)).toEqual(usage(500));
    baselines.set(ID, usage(600));
    expect(await baselines.get(ID)).toEqual(usage(600));
  });

  it("looks in the newest date directory first", async () => {
    writeRollout([tokenCount(usage(1))], "2025/12/31");
    writeRollout([tokenCount(usage(2))], "2026/01/02");
    writeRollout([tokenCount(usage(3))], "2026/01/01");
    expect(await new UsageBaselines(() => home).get(ID)).toEqual(usage(2));
  });

  it("asks for the codex home lazily, on each lookup from disk", async () => {
    const codexHome = vi.fn(() => home);
    const baselines = new UsageBaselines(codexHome);
    expect(codexHome).not.toHaveBeenCalled();
    writeRollout([tokenCount(usage(8))]);
    expect(await baselines.get(ID)).toEqual(usage(8));
    expect(codexHome).toHaveBeenCalledTimes(1);
  });
});

describe("codexHomeFor", () => {
  it("prefers the option, then env.CODEX_HOME, then process.env.CODEX_HOME, then ~/.codex", () => {
    vi.stubEnv("CODEX_HOME", "/from/process");
    expect(codexHomeFor("/explicit", { CODEX_HOME: "/from/env" })).toBe("/explicit");
    expect(codexHomeFor(undefined, { CODEX_HOME: "/from/env" })).toBe("/from/env");
    expect(codexHomeFor(undefined, {})).toBe("/from/process");
    expect(codexHomeFor(undefined, undefined)).toBe("/from/process");
    vi.stubEnv("CODEX_HOME", undefined);
    expect(codexHomeFor(undefined, undefined)).toBe(path.join(os.homedir(), ".codex"));
  });
});

describe("UsageBaselines memory", () => {
  it("keeps the most recently used threads up to its limit; a forgotten one is read back from disk", async () => {
    const baselines = new UsageBaselines(() => home, 2);
    baselines.set("a", usage(1));
    baselines.set("b", usage(2));
    baselines.set("a", usage(3));
    baselines.set("c", usage(4));
    expect(baselines.size).toBe(2);
    expect(await baselines.get("a")).toEqual(usage(3));
    expect(await baselines.get("c")).toEqual(usage(4));
    // "b" was the oldest: forgotten, and with no rollout on disk its baseline is zero.
    expect(await baselines.get("b")).toEqual(emptyUsage());
  });
});
