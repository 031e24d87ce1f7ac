/**
 * The working directory of a thread on a remote app-server, checked on the agent's host (the
 * local check in the turn layer cannot see it): it must exist there and be a directory, or the
 * turn fails before `thread/start` with an `InvalidOptionsError` naming the path. Only the host's
 * "no such path" means it does not exist: an older codex without `fs/*` (method not found) skips
 * the check, and any other error the host gives (permission denied, invalid params) is its own.
 */
import { InvalidOptionsError, RpcError } from "../../errors/index.js";
import { METHOD_NOT_FOUND } from "../../jsonrpc/index.js";
import type { HostFileSystem } from "../../files/index.js";
import type { Logger } from "../../logger.js";

/** Throws `InvalidOptionsError` unless `cwd` is a directory on the host (a host that cannot tell: logged, not checked). */
export async function checkHostWorkingDirectory(host: HostFileSystem, cwd: string, logger: Logger): Promise<void> {
  let entry;
  try {
    entry = await host.getMetadata(cwd);
  } catch (error) {
    if (error instanceof RpcError && error.rpcCode === METHOD_NOT_FOUND) {
      logger.debug({ cwd, method: error.method }, "the agent's host has no fs/getMetadata (an older codex): the working directory is not checked there");
      return;
    }
    throw error;
  }
  if (entry === null) throw new InvalidOptionsError(`workingDirectory ${cwd} does not exist on the agent's host`);
  if (!entry.isDirectory) throw new InvalidOptionsError(`workingDirectory ${cwd} is not a directory on the agent's host`);
}
