/**
 * The mock model in a process of its own, so the CPU it spends serving turns is not counted as
 * the client's (the phases measure the benchmark process's `process.cpuUsage()`). Started by
 * remote-model.ts with an IPC channel: it answers every request with say("ok"), sends
 * `{ options }` (its `codexOptions()`, keeping HOME: each client sets its own, as it sets its own
 * CODEX_HOME) once listening, answers `"count"` with `{ requests }`, and closes the
 * server and exits on `"close"` or when the parent goes away.
 */
import { MockModelServer, say, stream } from "../../src/testing/index.js";

if (!process.send) throw new Error("mock-process: run by remote-model.ts, with an IPC channel");
const model = await MockModelServer.start({ fallback: stream([say("ok")]) });
const send = (message: unknown): void => {
  process.send?.(message);
};
let closing: Promise<void> | undefined;
const shutdown = (): Promise<void> =>
  (closing ??= model.close().finally(() => {
    process.disconnect?.();
    process.exit(0);
  }));
process.on("message", (message) => {
  if (message === "count") send({ requests: model.responseRequests().length });
  else if (message === "close") void shutdown();
});
process.on("disconnect", () => void shutdown());
send({ options: model.codexOptions({ inheritHome: true }) });
