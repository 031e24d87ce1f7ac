/**
 * Replay matching: which recorded exchange answers a request. `sequence` takes the recordings in
 * order (the n-th request must match the n-th recording); `content` takes the first unused
 * recording whose request is the same, wherever it is (for threads that run side by side). A
 * request that matches nothing gives a `CassetteMismatchError` with a short diff against the
 * recording it should have matched (`sequence`) or the closest unused one (`content`).
 */
import { canonicalJson } from "./canonical.js";
import { shortDiff, viewLines } from "./diff.js";
import { CassetteMismatchError } from "./errors.js";
import type { CassetteData, Interaction } from "./format.js";
import type { RequestView, ViewTool } from "./normalize.js";

/** How replay pairs requests with recordings. */
export type CassetteMatchMode = "sequence" | "content";

/** A request as the replay server got it. */
export interface LiveRequest {
  /** HTTP method. */
  method: string;
  /** Path under the API base URL. */
  path: string;
  /** The model request's view (null for other requests). */
  view: RequestView | null;
  /** The tools its view's hash stands for. */
  tools: ViewTool[];
}

/** The recording that answers a request, or why none does. */
export type MatchResult = { ok: true; interaction: Interaction } | { ok: false; error: CassetteMismatchError };

/** The recordings of one replay, and which have been used. */
export class ReplayBook {
  readonly #data: CassetteData;
  readonly #mode: CassetteMatchMode;
  readonly #file: string;
  readonly #note: () => string;
  readonly #used = new Set<number>();
  #seen = 0;

  /** `note` adds a sentence to mismatch messages (e.g. that another codex version is replaying). */
  constructor(data: CassetteData, mode: CassetteMatchMode, file: string, note: () => string = () => "") {
    this.#data = data;
    this.#mode = mode;
    this.#file = file;
    this.#note = note;
  }

  /** How many requests were matched or refused so far. */
  get seen(): number {
    return this.#seen;
  }

  /** The recording for the next request, marking it used; or the mismatch. */
  match(live: LiveRequest): MatchResult {
    const index = this.#seen++;
    const interactions = this.#data.interactions;
    const key = requestKey(live.method, live.path, live.view);
    if (this.#mode === "sequence") {
      const recorded = interactions[index];
      if (recorded !== undefined && requestKey(recorded.request.method, recorded.request.path, recorded.request.view) === key) {
        this.#used.add(index);
        return { ok: true, interaction: recorded };
      }
      return { ok: false, error: this.#mismatch(index, live, recorded) };
    }
    const candidates = interactions.map((interaction, position) => ({ interaction, position })).filter(({ position }) => !this.#used.has(position));
    const hit = candidates.find(({ interaction: { request } }) => requestKey(request.method, request.path, request.view) === key);
    if (hit) {
      this.#used.add(hit.position);
      return { ok: true, interaction: hit.interaction };
    }
    const closest = candidates
      .filter(({ interaction: { request } }) => request.method === live.method && request.path === live.path)
      .map(({ interaction }) => ({ interaction, size: this.#diff(interaction, live).split("\n").length }))
      .sort((a, b) => a.size - b.size)[0];
    return { ok: false, error: this.#mismatch(index, live, closest?.interaction) };
  }

  /** The file indexes of the recordings never used. */
  unused(): number[] {
    return this.#data.interactions.flatMap((interaction, position) => (this.#used.has(position) ? [] : [interaction.request.index]));
  }

  #diff(recorded: Interaction, live: LiveRequest): string {
    return shortDiff(this.#lines(recorded.request.method, recorded.request.path, recorded.request.view, undefined), this.#lines(live.method, live.path, live.view, live.tools));
  }

  #lines(method: string, path: string, view: RequestView | null, tools: ViewTool[] | undefined): string[] {
    const head = `${method} ${path}`;
    if (view === null) return [head];
    return [head, ...viewLines(view, tools ?? this.#data.tools.get(view.tools))];
  }

  #mismatch(index: number, live: LiveRequest, recorded: Interaction | undefined): CassetteMismatchError {
    const note = this.#note();
    const tail = `${note === "" ? "" : ` ${note}`} If the change is intended, record again: delete the file or set CODEXKIT_CASSETTE=record.`;
    if (recorded === undefined) {
      const total = this.#data.interactions.length;
      const left = this.#mode === "sequence" ? `the recording has only ${total} request${total === 1 ? "" : "s"}` : `all ${total} recorded requests were used`;
      const diff = shortDiff([], this.#lines(live.method, live.path, live.view, live.tools));
      return new CassetteMismatchError(`request ${index} matches no recording in ${this.#file} (match: ${this.#mode}): ${left}. The request (+):\n${diff}\n${tail.trim()}`, {
        kind: "unmatched",
        file: this.#file,
        index,
        diff,
      });
    }
    const diff = this.#diff(recorded, live);
    const which = this.#mode === "sequence" ? `recorded request ${recorded.request.index}` : `the closest unused recording, request ${recorded.request.index}`;
    return new CassetteMismatchError(`request ${index} matches no recording in ${this.#file} (match: ${this.#mode}); against ${which} (- recorded, + now):\n${diff}\n${tail.trim()}`, {
      kind: "unmatched",
      file: this.#file,
      index,
      recordedIndex: recorded.request.index,
      diff,
    });
  }
}

/** What two requests must share to match: method, path, and the view (canonical JSON). */
function requestKey(method: string, path: string, view: RequestView | null): string {
  return `${method} ${path} ${view === null ? "" : canonicalJson(view)}`;
}
