#!/usr/bin/env node
/**
 * The `codexkit` command. `codexkit doctor [--json] [--mock] [--codex <path>] [--redis <url>]`
 * checks the setup and prints a verdict; it exits 1 when something must be fixed ("ready" and
 * "ready for offline work" exit 0). `codexkit worker --redis <url> ...` runs queued turns
 * (`codexkit/queue`) until SIGTERM or Ctrl-C. `codexkit view [source]` serves the run viewer on
 * 127.0.0.1 until SIGTERM or Ctrl-C (`codexkit view --help`). Bad arguments exit 2.
 */
import { withoutUrlCredentials } from "../errors/index.js";
import { formatDoctorReport, runDoctor } from "./doctor.js";

const USAGE = `usage: codexkit doctor [--json] [--mock] [--codex <path>] [--redis <url>]
       codexkit worker --redis <url> [--queue <name>] [options]   (codexkit worker --help)
       codexkit view [<thread id> | <events file>] [--port <n>] [--open]   (codexkit view --help)

  --json          print the report (checks and diagnostics) as JSON
  --mock          also run one turn against codexkit's built-in mock model server
                  (then no credential is needed: "ready for offline work")
  --codex <path>  check this codex binary instead of the pinned one
  --redis <url>   also check that this Redis (redis:// or rediss://) answers, for codexkit/queue`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === "worker") {
    const { runWorker } = await import("./worker.js");
    return runWorker(rest);
  }
  if (command === "view") {
    const { runView } = await import("./view.js");
    return runView(rest);
  }
  if (command !== "doctor") {
    process.stderr.write(`${USAGE}\n`);
    return command === undefined || command === "--help" || command === "-h" ? 0 : 2;
  }
  let json = false;
  let mock = false;
  let codexPathOverride: string | undefined;
  let redis: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === "--json") json = true;
    else if (arg === "--mock") mock = true;
    else if (arg === "--codex" && rest[i + 1]) codexPathOverride = rest[++i];
    else if (arg === "--redis" && rest[i + 1]) redis = rest[++i];
    else {
      // A misplaced URL may carry a password: the message keeps it out.
      process.stderr.write(`unknown argument ${withoutUrlCredentials(arg ?? "")}\n${USAGE}\n`);
      return 2;
    }
  }
  const report = await runDoctor({ mock, codex: codexPathOverride ? { codexPathOverride } : {}, ...(redis !== undefined ? { redis } : {}) });
  process.stdout.write(`${json ? JSON.stringify(report, null, 2) : formatDoctorReport(report)}\n`);
  return report.verdict === "not ready" ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`codexkit: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
