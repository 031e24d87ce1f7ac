/**
 * What happens to codex when the Node program that started it ends.
 *
 * - Ctrl-C, SIGTERM and the like: codex runs in a process group of its own (so a kill reaches
 *   what it started), which also means a terminal's Ctrl-C never reaches it. `signal-exit` (the
 *   library execa uses) runs our hook when the program is about to die of a signal, or exits:
 *   every live codex and the processes it started are killed there, synchronously. It only acts
 *   when nobody else handles the signal, so a program's own SIGINT handler keeps full control and
 *   its exit behaviour is unchanged; if that handler then exits, the hook still runs.
 * - A program that simply runs out of work: idle codex processes do not keep Node alive (see
 *   `ManagedProcess.setActive`); on `beforeExit` they are asked to stop (stdin closed, which lets
 *   codex app-server shut its threads down cleanly), and the hook above is the last resort.
 * - Temp files a turn holds (output schemas, spilled events) are removed in the same hook.
 */
import { rmSync } from "node:fs";
import type { onExit } from "signal-exit";
import { lazyModule } from "../lazy-require.js";

/** Something to stop when the program ends. */
export interface ExitParticipant {
  /** Synchronous last resort: the program is exiting now. */
  killNow(): void;
  /** Called on `beforeExit` (Node has nothing left to do); may start an asynchronous stop. */
  onIdleExit?(): void;
}

/** signal-exit, loaded when the first process or temp file is registered. */
const signalExit = lazyModule<{ onExit: typeof onExit }>("signal-exit");

const participants = new Set<ExitParticipant>();
const tempPaths = new Set<string>();
let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  signalExit().onExit(
    () => {
      for (const participant of participants) {
        try {
          participant.killNow();
        } catch {
          // Exiting: nothing useful can be done with a failure here.
        }
      }
      for (const target of tempPaths) rmSync(target, { recursive: true, force: true });
    },
    { alwaysLast: true },
  );
  process.on("beforeExit", () => {
    for (const participant of participants) participant.onIdleExit?.();
  });
}

/** Registers `participant` until the returned function is called. */
export function registerForExit(participant: ExitParticipant): () => void {
  install();
  participants.add(participant);
  return () => participants.delete(participant);
}

/** Removes `target` (a temp file or dir) if the program exits before the returned function is called. */
export function removeOnExit(target: string): () => void {
  install();
  tempPaths.add(target);
  return () => tempPaths.delete(target);
}
