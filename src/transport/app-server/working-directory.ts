/**
 * The working directory of a thread on a remote app-server, checked on the agent's host (the
 * local check in the turn layer cannot see it): it must exist there and be a directory, or the
 * turn fails before `thread/start` with an `InvalidOptionsError` naming the path.
 */
import { InvalidOptionsError } from "../../errors/index.js";
import type { HostFileSystem } from "../../files/index.js";

/** Throws `InvalidOptionsError` unless `cwd` is a directory on the host. */
export async function checkHostWorkingDirectory(host: HostFileSystem, cwd: string): Promise<void> {
  const entry = await host.getMetadata(cwd);
  if (entry === null) throw new InvalidOptionsError(`workingDirectory ${cwd} does not exist on the agent's host`);
  if (!entry.isDirectory) throw new InvalidOptionsError(`workingDirectory ${cwd} is not a directory on the agent's host`);
}
