/**
 * `codexkit worker` run in this process (its worker processes are tested in test/integration/queue):
 * help, usage errors and an unreachable Redis each end with their exit code and a clear line on
 * stderr, with no password in it, and leave nothing running.
 */
import { expect, it } from "vitest";
import { runWorker, type WorkerIo } from "../../../src/cli/worker.js";
import { freePort } from "../../helpers/redis.js";

function io(): WorkerIo & { out: string; err: string } {
  const captured = { out: "", err: "" };
  return Object.assign(captured, { stdout: (text: string) => void (captured.out += text), stderr: (text: string) => void (captured.err += text) });
}

it("--help prints the usage and exits 0; a usage error exits 2 with the usage", async () => {
  const help = io();
  expect(await runWorker(["--help"], help)).toBe(0);
  expect(help.out).toMatch(/^usage: codexkit worker --redis <url>/);
  const bad = io();
  expect(await runWorker(["--redis", "redis://127.0.0.1:1", "--concurrency", "zero"], bad)).toBe(2);
  expect(bad.err).toMatch(/^codexkit worker: .*concurrency/);
  expect(bad.err).toContain("usage: codexkit worker");
});

it("a Redis where nothing listens: exit code 1 with the reason, and no password on stderr", async () => {
  const port = await freePort();
  const out = io();
  expect(await runWorker(["--redis", `redis://user:s3cret@127.0.0.1:${port}`, "--id", "w-test", "--codex-home", "/nonexistent/codex-home"], out)).toBe(1);
  expect(out.err).toContain(`codexkit worker w-test: cannot reach Redis at redis://127.0.0.1:${port}`);
  expect(out.err).not.toContain("s3cret");
  expect(out.err).not.toContain("ready on queue");
}, 30_000);
