/** The cassette's own error: a replayed session that differs from its recording. */
import { TurnFailedError, type CodexErrorOptions } from "../../errors/index.js";

/** Why a replay differs from its recording. */
export type CassetteMismatchKind =
  /** A request codex sent matches no recorded one (the prompt, a tool's output or the tools offered changed). */
  | "unmatched"
  /** Recorded requests were never asked for (the session ended early, or took another path). */
  | "unused";

/**
 * A replayed session differs from its recording. For `unmatched`, the message names the request
 * (its index among the requests the replay got, from 0) and shows a short diff: `-` lines are the
 * recording, `+` lines what codex sent now. The turn that sent it fails at once with this error
 * (codex gets an HTTP 409 carrying this message; a `TurnFailedError`, so code that handles failed
 * turns handles it too); `cassette.assertDone()` throws it as well.
 */
export class CassetteMismatchError extends TurnFailedError {
  /** What differs. */
  readonly kind: CassetteMismatchKind;
  /** The cassette file. */
  readonly file: string;
  /** `unmatched`: the request's index among the requests the replay got, from 0; `unused`: null. */
  readonly index: number | null;
  /** `unmatched`: the recorded request it was compared with (its index in the file), if any was left. */
  readonly recordedIndex: number | null;
  /** `unused`: the indexes of the recorded requests never asked for; `unmatched`: empty. */
  readonly unused: number[];
  /** The short diff (`-` recorded, `+` now); "" for `unused`. */
  readonly diff: string;
  constructor(
    message: string,
    fields: { kind: CassetteMismatchKind; file: string; index?: number | null; recordedIndex?: number | null; unused?: number[]; diff?: string },
    options?: CodexErrorOptions,
  ) {
    super(message, { codexErrorInfo: null, httpStatusCode: fields.kind === "unmatched" ? 409 : null }, options, "cassette_mismatch");
    this.kind = fields.kind;
    this.file = fields.file;
    this.index = fields.index ?? null;
    this.recordedIndex = fields.recordedIndex ?? null;
    this.unused = fields.unused ?? [];
    this.diff = fields.diff ?? "";
  }
}
