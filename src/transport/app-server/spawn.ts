/** The production `ConnectServer`: a `codex app-server` child process, JSON-RPC over its stdio. */
import { mkdir } from "node:fs/promises";
import type { ResolvedBinary } from "../binary.js";
import { codexEnv } from "../env.js";
import { ManagedProcess } from "../../process/index.js";
import type { ClientContext } from "../types.js";
import { buildAppServerArgs } from "./params.js";
import type { ConnectServer } from "./server.js";
import { StdioMessageTransport } from "./stdio.js";

/** Spawns app-servers from `binary` with the client's options. */
export function spawnAppServer(ctx: ClientContext, binary: () => ResolvedBinary): ConnectServer {
  return async () => {
    const { options, logger } = ctx;
    if (options.codexHome) await mkdir(options.codexHome, { recursive: true });
    const { executable, pathDirs } = binary();
    const proc = ManagedProcess.spawn({
      executable,
      args: buildAppServerArgs(options),
      env: codexEnv(options, pathDirs),
      redactor: ctx.redactor,
      killGraceMs: options.killGraceMs,
      maxLineBytes: options.maxLineBytes,
      kind: "app-server",
      recorder: ctx.recorder,
    });
    return { transport: new StdioMessageTransport(proc, logger, options.killGraceMs), process: proc };
  };
}
