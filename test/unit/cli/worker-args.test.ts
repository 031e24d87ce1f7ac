/**
 * `codexkit worker`'s command line: what it parses to, each mistake a `UsageError` that says what
 * is wrong (exit code 2, with the usage), and no Redis URL, password included, ever repeated.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_QUEUE, parseWorkerArgs, UsageError, WORKER_USAGE, type WorkerArgs } from "../../../src/cli/worker-args.js";
import { loadWorkerExtras, runWorker } from "../../../src/cli/worker.js";
import { InvalidOptionsError } from "../../../src/index.js";

const REDIS = "redis://127.0.0.1:6390";

function parsed(argv: string[]): WorkerArgs {
  const command = parseWorkerArgs(argv);
  if (command.help) throw new Error("expected arguments, got --help");
  return command.args;
}

function usageError(argv: string[]): string {
  try {
    parseWorkerArgs(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    expect(error).toBeInstanceOf(InvalidOptionsError);
    return (error as UsageError).message;
  }
  throw new Error(`${JSON.stringify(argv)} parsed without an error`);
}

describe("parseWorkerArgs", () => {
  it("needs only --redis: queue codexkit, one turn at a time, no overrides", () => {
    expect(parsed(["--redis", REDIS])).toEqual({ redis: REDIS, queue: DEFAULT_QUEUE, concurrency: 1, configOverrides: [] });
    expect(DEFAULT_QUEUE).toBe("codexkit");
  });

  it("reads every option, as --flag value and as --flag=value", () => {
    const all = ["--queue", "reviews", "--concurrency", "4", "--codex-home", "/srv/codex", "--tools", "./tools.js", "--lock-duration-ms", "60000", "--id", "w1"];
    const expected: WorkerArgs = { redis: REDIS, queue: "reviews", concurrency: 4, codexHome: "/srv/codex", configOverrides: [], tools: "./tools.js", lockDurationMs: 60_000, id: "w1" };
    expect(parsed(["--redis", REDIS, ...all])).toEqual(expected);
    const inline = [`--redis=${REDIS}`];
    for (let i = 0; i < all.length; i += 2) inline.push(`${all[i]}=${all[i + 1]}`);
    expect(parsed(inline)).toEqual(expected);
  });

  it("keeps every -c / --config in order, values with = and spaces intact", () => {
    const args = parsed(["-c", 'model="o4"', "--redis", REDIS, "--config", "sandbox_mode=workspace-write", "-c", "a.b=x=y z", "--config=features.x=true"]);
    expect(args.configOverrides).toEqual(['model="o4"', "sandbox_mode=workspace-write", "a.b=x=y z", "features.x=true"]);
  });

  it("takes rediss:// too", () => {
    expect(parsed(["--redis", "rediss://cache.internal:6380/2"]).redis).toBe("rediss://cache.internal:6380/2");
  });

  it("--help or -h anywhere asks for the usage", () => {
    expect(parseWorkerArgs(["--help"])).toEqual({ help: true });
    expect(parseWorkerArgs(["--redis", REDIS, "-h"])).toEqual({ help: true });
    expect(parseWorkerArgs(["--bogus", "-h"])).toEqual({ help: true });
  });

  it("requires --redis", () => {
    expect(usageError([])).toBe("--redis <url> (or REDIS_URL in the environment) is required: the Redis the queue lives in");
    expect(usageError(["--queue", "q"])).toMatch(/^--redis <url> \(or REDIS_URL in the environment\) is required/);
    // REDIS_URL stands in for --redis (a password there stays out of the process list); --redis wins.
    expect(parseWorkerArgs([], { REDIS_URL: "redis://:pw@127.0.0.1:6390" })).toMatchObject({ args: { redis: "redis://:pw@127.0.0.1:6390" } });
    expect(parseWorkerArgs(["--redis", "redis://127.0.0.1:1"], { REDIS_URL: "redis://127.0.0.1:2" })).toMatchObject({ args: { redis: "redis://127.0.0.1:1" } });
    expect(() => parseWorkerArgs([], { REDIS_URL: "" })).toThrow(/is required/);
  });

  it("refuses a --redis that is not a redis:// URL, without repeating it", () => {
    for (const url of ["http://user:s3cret@host:6379", "user:s3cret@127.0.0.1:6379", "redis://", "/tmp/redis.sock"]) {
      const message = usageError(["--redis", url]);
      expect(message).toBe("--redis must be a redis:// or rediss:// URL");
      expect(message).not.toContain("s3cret");
    }
  });

  it("says which option lacks its value: at the end, or followed by another option", () => {
    expect(usageError(["--redis"])).toBe("--redis needs a value");
    expect(usageError(["--redis", REDIS, "--queue"])).toBe("--queue needs a value");
    expect(usageError(["--redis", "--queue", "q"])).toBe("--redis needs a value");
    expect(usageError(["--redis", REDIS, "-c"])).toBe("-c needs a value");
    expect(usageError(["--redis", REDIS, "-c", "-c", "a=b"])).toBe("-c needs a value");
    expect(usageError(["--redis", REDIS, "--id", "--concurrency", "2"])).toBe("--id needs a value");
  });

  it("refuses a -c that is not key=value", () => {
    expect(usageError(["--redis", REDIS, "-c", "model"])).toBe('-c takes key=value (got "model")');
    expect(usageError(["--redis", REDIS, "-c", "=x"])).toBe('-c takes key=value (got "=x")');
    expect(usageError(["--redis", REDIS, "--config= =x"])).toBe('-c takes key=value (got " =x")');
  });

  it("refuses a concurrency that is not a whole number of at least 1, a lock duration under 1000 ms", () => {
    for (const bad of ["abc", "0", "1.5", "-1", "1e3", "", " 2", "0x10", "99999999999999999999"]) {
      expect(usageError(["--redis", REDIS, `--concurrency=${bad}`])).toBe(`--concurrency takes a whole number of at least 1 (got ${JSON.stringify(bad)})`);
    }
    expect(usageError(["--redis", REDIS, "--lock-duration-ms", "soon"])).toBe('--lock-duration-ms takes a whole number of at least 1000 (got "soon")');
    expect(usageError(["--redis", REDIS, "--lock-duration-ms", "999"])).toBe('--lock-duration-ms takes a whole number of at least 1000 (got "999")');
    expect(parsed(["--redis", REDIS, "--lock-duration-ms", "1000"]).lockDurationMs).toBe(1000);
    expect(parsed(["--redis", REDIS, "--concurrency", "007"]).concurrency).toBe(7);
  });

  it("refuses empty names and paths", () => {
    expect(usageError(["--redis", REDIS, "--id="])).toBe("--id must not be empty");
    expect(usageError(["--redis", REDIS, "--codex-home", " "])).toBe("--codex-home must not be empty");
    expect(usageError(["--redis", REDIS, "--tools="])).toBe("--tools must not be empty");
  });

  it("refuses unknown options, suggesting the one meant", () => {
    expect(usageError(["--redis", REDIS, "--concurency", "2"])).toBe("unknown option --concurency (did you mean --concurrency?)");
    expect(usageError(["--redis", REDIS, "--queu=q"])).toBe("unknown option --queu (did you mean --queue?)");
    expect(usageError(["--redis", REDIS, "--verbose"])).toBe("unknown option --verbose");
    expect(usageError(["-x", "--redis", REDIS])).toBe("unknown option -x");
  });

  it("refuses positional arguments and an option given twice (-c excepted)", () => {
    expect(usageError(["--redis", REDIS, "reviews"])).toBe('unexpected argument "reviews": codexkit worker takes only options');
    expect(usageError(["--redis", REDIS, "--queue", "a", "--queue=b"])).toBe("--queue is given twice");
    const message = usageError(["--redis", REDIS, "--redis", "redis://user:s3cret@host"]);
    expect(message).toBe("--redis is given twice");
  });
});

describe("runWorker without a queue", () => {
  function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = "";
    let stderr = "";
    return runWorker(argv, { stdout: (text) => void (stdout += text), stderr: (text) => void (stderr += text) }).then((code) => ({ code, stdout, stderr }));
  }

  it("--help prints the usage on stdout and exits 0", async () => {
    const result = await run(["--help"]);
    expect(result).toEqual({ code: 0, stdout: `${WORKER_USAGE}\n`, stderr: "" });
    expect(WORKER_USAGE).toMatch(/^usage: codexkit worker --redis <url>/);
  });

  it("a usage error prints what is wrong and the usage on stderr, exit 2, never the URL's password", async () => {
    const result = await run(["--redis", "http://user:s3cret@127.0.0.1:1", "--concurrency", "many"]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(`codexkit worker: --redis must be a redis:// or rediss:// URL\n\n${WORKER_USAGE}\n`);
    expect(result.stderr).not.toContain("s3cret");
  });

  it("a --tools module that cannot be used is exit 2, naming it", async () => {
    const result = await run(["--redis", REDIS, "--tools", "/nonexistent/tools.mjs"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^codexkit worker: --tools \/nonexistent\/tools\.mjs could not be imported: /);
  });
});

describe("loadWorkerExtras", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  function module(source: string): string {
    const dir = mkdtempSync(path.join(os.tmpdir(), "codexkit-worker-tools-"));
    dirs.push(dir);
    const file = path.join(dir, "tools.mjs");
    writeFileSync(file, source);
    return file;
  }

  it("takes `tools` and `onApproval` from a path or a file: URL", async () => {
    const file = module('export const tools = [{ name: "echo" }];\nexport const onApproval = () => "decline";\nexport const other = 1;\n');
    for (const specifier of [file, pathToFileURL(file).href, path.relative(process.cwd(), file)]) {
      const extras = await loadWorkerExtras(specifier);
      expect(Object.keys(extras).sort()).toEqual(["onApproval", "tools"]);
      expect(extras.tools).toEqual([{ name: "echo" }]);
      expect(typeof extras.onApproval).toBe("function");
    }
  });

  it("takes a module with only one of them", async () => {
    expect(await loadWorkerExtras(module("export const tools = [];\n"))).toEqual({ tools: [] });
    const approvals = await loadWorkerExtras(module('export function onApproval() { return "accept"; }\n'));
    expect(Object.keys(approvals)).toEqual(["onApproval"]);
  });

  it("refuses a module without them, or with the wrong kinds, as a UsageError", async () => {
    await expect(loadWorkerExtras(module("export const tool = [];\n"))).rejects.toThrow(/exports neither `tools` nor `onApproval`$/);
    await expect(loadWorkerExtras(module("export const tools = { echo: 1 };\n"))).rejects.toThrow("`tools` must be an array of tools (got object)");
    await expect(loadWorkerExtras(module('export const onApproval = "accept";\n'))).rejects.toThrow("`onApproval` must be a function (got string)");
    await expect(loadWorkerExtras(module("export const tools = [;\n"))).rejects.toBeInstanceOf(UsageError);
  });
});
