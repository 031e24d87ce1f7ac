/**
 * `npm run doctor` in the repository, as a newcomer runs it: no credential, an empty HOME. With
 * `--mock` everything offline works, so the verdict is "ready for offline work" (exit 0), and the
 * doctor leaves HOME as it found it (codex would create `~/.codex`).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function temp(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

describe("npm run doctor", () => {
  it("--mock without a credential: ready for offline work, exit 0, nothing written into HOME", async () => {
    const home = temp("codexkit-doctor-home-");
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, USERPROFILE: home, npm_config_cache: temp("codexkit-doctor-npm-"), npm_config_update_notifier: "false" };
    for (const name of ["OPENAI_API_KEY", "CODEX_API_KEY", "CODEX_HOME"]) delete env[name];
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile("npm", ["run", "--silent", "doctor", "--", "--mock"], { cwd: ROOT, env, timeout: 90_000, killSignal: "SIGKILL", shell: process.platform === "win32" }, (error, out, err) =>
        resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout: out, stderr: err }),
      );
    });
    expect(code, `${stdout}\n${stderr}`).toBe(0);
    expect(stdout).toMatch(/^codexkit \d+\.\d+\.\d+ on node /);
    expect(stdout).toContain("[warn] credentials: none found: fine for offline work");
    expect(stdout).toContain("[ok  ] codex app-server: started and answered");
    expect(stdout).toContain("[ok  ] a turn against the mock model: ran end to end, offline");
    expect(stdout).toContain("Verdict: ready for offline work");
    expect(readdirSync(home)).toEqual([]);
  }, 120_000);
});
