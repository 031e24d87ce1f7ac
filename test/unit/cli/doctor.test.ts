/** The doctor's checks and report, in process (the command itself runs as a child in the integration tests). */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { formatDoctorReport, runDoctor, type DoctorReport } from "../../../src/cli/doctor.js";
import type { CodexOptions } from "../../../src/index.js";

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "codexkit-doctor-unit-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("runDoctor", () => {
  it("fails a missing binary, a missing CODEX_HOME and no credential, and says so in the report", async () => {
    const report = await runDoctor({ codex: { codexPathOverride: "/nonexistent/codex", env: { CODEX_HOME: "/nonexistent/codex-home", HOME: "/nonexistent" } } });
    expect(report.verdict).toBe("not ready");
    expect(report.checks.map((c) => [c.name, c.status])).toEqual([
      ["codex binary", "fail"],
      ["CODEX_HOME", "fail"],
      ["credentials", "fail"],
    ]);
    const text = formatDoctorReport(report);
    expect(text).toMatch(/\[FAIL\] codex binary: codexPathOverride points to \/nonexistent\/codex/);
    expect(text).toContain("Verdict: not ready (3 problems above).");
  });

  it("accepts a loopback model server as the credential, a codexHome it will create, and a binary that runs", async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), "codexkit-doctor-unit-"));
    dirs.push(home);
    const report = await runDoctor({
      codex: {
        codexHome: path.join(home, "not-yet"),
        env: { HOME: home, PATH: process.env.PATH ?? "" },
        config: { model_provider: "local", model_providers: { local: { name: "local", base_url: "http://127.0.0.1:9/v1", wire_api: "responses" } } },
      },
    });
    const byName = Object.fromEntries(report.checks.map((c) => [c.name, c]));
    expect(byName["codex runs"]?.status).toBe("ok");
    expect(byName["CODEX_HOME"]?.detail).toMatch(/not created yet; .* is writable/);
    expect(byName["credentials"]?.detail).toMatch(/none needed: provider local is a local server/);
    expect(byName["codex app-server"]?.status).toBe("ok");
    expect(report.verdict).toBe("ready");
    expect(formatDoctorReport(report)).toContain("Verdict: ready.");
  });

  it("with mock and no credential: ready for offline work, and nothing written into HOME (no ~/.codex)", async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), "codexkit-doctor-unit-"));
    dirs.push(home);
    const report = await runDoctor({ mock: true, codex: { env: { HOME: home, PATH: process.env.PATH ?? "" } } });
    expect(report.checks.map((c) => [c.name, c.status])).toEqual([
      ["codex binary", "ok"],
      ["codex runs", "ok"],
      ["CODEX_HOME", "ok"],
      ["credentials", "warn"],
      ["codex app-server", "ok"],
      ["a turn against the mock model", "ok"],
    ]);
    expect(report.checks[3]?.detail).toMatch(/^none found: fine for offline work against MockModelServer/);
    expect(report.verdict).toBe("ready for offline work");
    expect(formatDoctorReport(report)).toContain("Verdict: ready for offline work (the mock model runs; the real API needs a credential).");
    // codex creates a missing CODEX_HOME as it starts: the doctor's codex ran with a throwaway one.
    expect(readdirSync(home)).toEqual([]);
  });

  it("without mock, no credential is a failure that points to the mock", async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), "codexkit-doctor-unit-"));
    dirs.push(home);
    const report = await runDoctor({ codex: { env: { HOME: home, PATH: process.env.PATH ?? "" } } });
    const credentials = report.checks.find((c) => c.name === "credentials");
    expect(credentials?.status).toBe("fail");
    expect(credentials?.detail).toMatch(/MockModelServer \(codexkit\/testing\) and check with --mock$/);
    expect(report.verdict).toBe("not ready");
    expect(readdirSync(home)).toEqual([]);
  });

  it("checks the user's own config.toml (copied into its throwaway home): a broken one fails the app-server check, naming the file; nothing is written into HOME or CODEX_HOME", async () => {
    const home = tempDir();
    const codexHome = tempDir();
    const broken = "model = \n[broken\n";
    writeFileSync(path.join(codexHome, "config.toml"), broken);
    const report = await runDoctor({ codex: { env: { HOME: home, CODEX_HOME: codexHome, PATH: process.env.PATH ?? "" } } });
    const appServer = report.checks.find((c) => c.name === "codex app-server");
    expect(appServer?.status).toBe("fail");
    expect(appServer?.detail).toContain(`${path.join(codexHome, "config.toml")}:2:8: unclosed table`);
    expect(appServer?.detail).not.toContain("codexkit-doctor-home-");
    expect(report.verdict).toBe("not ready");
    expect(readdirSync(home)).toEqual([]);
    expect(readdirSync(codexHome)).toEqual(["config.toml"]);
    expect(readFileSync(path.join(codexHome, "config.toml"), "utf8")).toBe(broken);
  });

  it("a sound config.toml passes the app-server check, which says it was used; CODEX_HOME is left as it was", async () => {
    const home = tempDir();
    const codexHome = tempDir();
    writeFileSync(path.join(codexHome, "config.toml"), 'model = "gpt-5"\n');
    const report = await runDoctor({ codex: { env: { HOME: home, CODEX_HOME: codexHome, PATH: process.env.PATH ?? "" } } });
    const appServer = report.checks.find((c) => c.name === "codex app-server");
    expect(appServer?.status).toBe("ok");
    expect(appServer?.detail).toContain(`with ${path.join(codexHome, "config.toml")}`);
    expect(readdirSync(codexHome)).toEqual(["config.toml"]);
    expect(readdirSync(home)).toEqual([]);
  });

  it.each([
    ["an unknown key", { workingDir: "/repo" } as unknown as CodexOptions, /workingDir/],
    ["a bad value", { appServer: { url: "ftp://example.com" } }, /appServer\.url/],
  ])("options new Codex() refuses (%s) are a failed options check, not a throw", async (_, codex, message) => {
    const report = await runDoctor({ codex });
    expect(report.verdict).toBe("not ready");
    expect(report.checks).toHaveLength(1);
    expect(report.checks[0]).toMatchObject({ name: "options", status: "fail" });
    expect(report.checks[0]!.detail).toMatch(message);
    expect(report.diagnostics.codexkit.version).toEqual(expect.any(String));
    expect(formatDoctorReport(report)).toContain("[FAIL] options: ");
  });

  it("formats warnings and a single problem", () => {
    const report = {
      verdict: "not ready",
      checks: [
        { name: "a", status: "warn", detail: "careful" },
        { name: "b", status: "fail", detail: "broken" },
      ],
      diagnostics: { codexkit: { version: "1.2.3" }, node: { version: "v20", platform: "linux", arch: "x64" } },
    } as unknown as DoctorReport;
    expect(formatDoctorReport(report)).toBe("codexkit 1.2.3 on node v20 (linux-x64)\n\n[warn] a: careful\n[FAIL] b: broken\n\nVerdict: not ready (1 problem above).");
  });
});
