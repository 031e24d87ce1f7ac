import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Recorder } from "../../../src/diagnostics/index.js";
import { LOG_EVENTS, logEvent } from "../../../src/log-events.js";
import { silentLogger, type Logger } from "../../../src/logger.js";
import { recordingLogger } from "../../helpers/logger.js";

const source = (pid: number) => ({ pid, label: "codex", stderrTail: () => `stderr of ${pid}` });

describe("Recorder", () => {
  it("keeps every running process and only the last ten that ended, whatever the order of starts and ends", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constant("start" as const), fc.nat({ max: 50 })), { maxLength: 120 }), (ops) => {
        const recorder = new Recorder(silentLogger, (text) => text);
        const running: Array<{ pid: number; end: () => void }> = [];
        const ended: number[] = [];
        let pid = 0;
        for (const op of ops) {
          if (op === "start") {
            const mine = ++pid;
            const end = recorder.processStarted("exec", source(mine));
            running.push({ pid: mine, end: () => end({ exitCode: 0, signal: null, expected: true }) });
          } else if (running.length > 0) {
            const stopped = running.splice(op % running.length, 1)[0]!;
            stopped.end();
            ended.push(stopped.pid);
          }
        }
        const reports = recorder.processReports();
        expect(reports.filter((p) => p.running).map((p) => p.pid).sort()).toEqual(running.map((p) => p.pid).sort());
        expect(reports.filter((p) => !p.running).length).toBeLessThanOrEqual(10);
        // Exactly the last ten that ended (in the order they were started).
        expect(reports.filter((p) => !p.running).map((p) => p.pid).sort()).toEqual(ended.slice(-10).sort());
      }),
    );
  });

  it("keeps the last twenty errors, redacted and cut short, with their codes", () => {
    const recorder = new Recorder(silentLogger, (text) => text.replaceAll("hunter2", "[REDACTED]"));
    for (let i = 0; i < 25; i++) recorder.error(Object.assign(new Error(`failure ${i} hunter2`), { code: "server_error" }), "t1");
    recorder.error(new Error("x".repeat(5_000)));
    const errors = recorder.errorReports();
    expect(errors).toHaveLength(20);
    expect(errors[0]).toMatchObject({ code: "server_error", message: "failure 6 [REDACTED]", threadId: "t1" });
    expect(errors.at(-1)!.code).toBe("Error");
    expect(errors.at(-1)!.message.length).toBeLessThan(1_100);
  });

  it("tracks running turns and the newest codex process's stderr, and logs spawns, exits and restarts", () => {
    const logger = recordingLogger();
    const recorder = new Recorder(logger, (text) => text);
    const end = recorder.processStarted("app-server", source(1));
    recorder.processStarted("mcp", source(2));
    expect(recorder.lastStderr()).toBe("stderr of 1");
    end({ exitCode: null, signal: "SIGKILL", expected: false });
    recorder.processStarted("app-server", source(3));
    expect(recorder.appServerRestarts).toBe(1);
    const turn = recorder.turnStarted(null, "app-server");
    turn.setThread("t9");
    expect(recorder.runningTurns()).toEqual([expect.objectContaining({ threadId: "t9", transport: "app-server" })]);
    turn.done();
    expect(recorder.runningTurns()).toEqual([]);
    expect(logger.entries.map((e) => e.obj.event)).toEqual(["process.spawn", "process.spawn", "process.exit", "process.spawn", "process.restart"]);
  });
});

describe("lifecycle log events", () => {
  it("each have a logger level and a message", () => {
    expect(Object.keys(LOG_EVENTS).length).toBeGreaterThan(10);
    for (const [name, { level, msg }] of Object.entries(LOG_EVENTS)) {
      expect(["debug", "info", "warn", "error"], name).toContain(level);
      expect(msg.length, name).toBeGreaterThan(0);
    }
  });

  it("are logged with their name as the event field, and a throwing logger is survived", () => {
    const logger = recordingLogger();
    logEvent(logger, "turn.retry", { attempt: 1 });
    expect(logger.entries).toEqual([{ level: "info", msg: "retrying the turn", obj: { event: "turn.retry", attempt: 1 } }]);
    const broken: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
    broken.info = () => {
      throw new Error("logger down");
    };
    expect(() => logEvent(broken, "turn.start", {})).not.toThrow();
  });
});
