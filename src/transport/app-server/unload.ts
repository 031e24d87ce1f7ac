/**
 * Unloading one thread from an app-server now, for a caller about to replace the thread's rollout
 * with a newer one (a queue worker whose thread advanced on another machine): `thread/unsubscribe`,
 * then codex's `thread/closed` for it. The app-server codexkit spawns unloads an unsubscribed
 * thread at once (`thread_unload_delay_secs = 0`); one that keeps it longer (a remote app-server
 * with its own delay) makes the wait end in a `TimeoutError`.
 */
import { CodexExitError, ConnectionClosedError, TimeoutError } from "../../errors/index.js";
import { within } from "../../timing/index.js";
import type { OutgoingParams } from "./params.js";
import type { AppServer } from "./server.js";

/** How long codex gets to unload a thread after `thread/unsubscribe`. */
export const DEFAULT_UNLOAD_TIMEOUT_MS = 5_000;

/** `thread/unsubscribe` statuses that mean this connection held nothing to let go of. */
const NOTHING_HELD = new Set<unknown>(["notLoaded", "notSubscribed"]);

/**
 * Unsubscribes `server` from `threadId` and resolves once codex has unloaded it (`thread/closed`),
 * at once when codex says it was not loaded or not subscribed, or when the process ends (a dead
 * process holds nothing). Rejects with `TimeoutError` when codex keeps it past `timeoutMs`.
 */
export async function unloadThread(server: AppServer, threadId: string, timeoutMs: number): Promise<void> {
  let unloaded = (): void => {};
  const gone = new Promise<void>((resolve) => (unloaded = resolve));
  // Listening before asking: codex may send thread/closed before it answers.
  const stopListening = server.subscribe(threadId, {
    notify: (method) => (method === "thread/closed" || method === "thread/deleted") && unloaded(),
    closed: () => unloaded(),
  });
  const release = server.hold();
  const work = async (): Promise<void> => {
    let status: unknown;
    try {
      const params = { threadId } satisfies OutgoingParams<"thread/unsubscribe">;
      status = (await server.rpc.request<{ status?: unknown } | null>("thread/unsubscribe", params))?.status;
    } catch (error) {
      // The request failed because the process died or is dying.
      if (server.rpc.isClosed || error instanceof CodexExitError || error instanceof ConnectionClosedError) return;
      throw error;
    }
    if (!NOTHING_HELD.has(status)) await gone;
  };
  try {
    if ((await within(work(), timeoutMs)) === "timeout") {
      throw new TimeoutError(`codex kept thread ${threadId} loaded: no thread/closed within ${timeoutMs} ms of thread/unsubscribe (does the app-server set a thread_unload_delay_secs?)`, timeoutMs);
    }
  } finally {
    stopListening();
    release();
  }
}
