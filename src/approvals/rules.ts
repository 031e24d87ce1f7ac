/**
 * `approvalRules`: a declarative `ApprovalHandler` from allow/deny patterns.
 *
 * Commands: a string pattern is a picomatch glob over the whole command text with bash semantics
 * (`*` crosses `/`, dotfiles match), a RegExp is tested against it (anchor it yourself). Both see
 * the command as codex shows it and, for `sh -c` wrappers, the script inside. Globs never match
 * across newlines, but `git *` does match `git log; rm -rf ~` — keep deny rules for the dangerous
 * parts or use anchored RegExps.
 * File changes: string patterns are ordinary globs (`*` stays within a directory, `**` crosses);
 * each path (and move destination) is tried as given and relative to the cwd when inside it.
 * Every path must be allowed; one denied path denies the whole patch. No changes → `otherwise`.
 * MCP tool calls: patterns match `server.tool` (`fx.add`, `fx.*`).
 * Deny wins over allow; nothing matched, or a kind with nothing to match → `otherwise`.
 */

import path from "node:path";
import type picomatch from "picomatch";
import { lazyModule } from "../lazy-require.js";
import { InvalidOptionsError } from "../errors/index.js";
import { commandTexts } from "./shell.js";
import type { ApprovalContext, ApprovalDecision, ApprovalHandlerSettings, ApprovalRequest, FileChange } from "./types.js";
import { isApprovalDecision } from "./types.js";

/** A rule pattern: a RegExp, or a glob string (see the module doc for per-kind semantics). */
export type ApprovalPattern = RegExp | string;

/** Options of `approvalRules`. */
export type ApprovalRulesOptions = {
  /** Requests matching any of these are accepted, unless a deny pattern matches too. */
  allow?: readonly ApprovalPattern[];
  /** Requests matching any of these are declined, whatever allow says. */
  deny?: readonly ApprovalPattern[];
  /** The decision when nothing matched, the handler failed or timed out; default "decline". */
  otherwise?: ApprovalDecision;
  /** How long the dispatcher may wait for this handler (it never waits: rules are synchronous). */
  timeoutMs?: number;
  /** Fallback directory for matching file paths relative to, when the request carries no cwd. */
  cwd?: string;
};

/** The handler `approvalRules` returns: a plain `ApprovalHandler` that carries its settings. */
export type ApprovalRulesHandler = ((request: ApprovalRequest, context?: ApprovalContext) => ApprovalDecision) &
  Required<Pick<ApprovalHandlerSettings, "otherwise">> &
  Pick<ApprovalHandlerSettings, "timeoutMs">;

type Matcher = ((text: string) => boolean) & { absolute?: boolean };

/** picomatch, loaded when the first rules are compiled. */
const glob = lazyModule<typeof picomatch>("picomatch");

const COMMAND_GLOB: picomatch.PicomatchOptions = { bash: true, dot: true, windows: false };
const PATH_GLOB: picomatch.PicomatchOptions = { dot: true, windows: false };

/** Builds an `ApprovalHandler` from allow/deny patterns; throws `InvalidOptionsError` on bad options. */
export function approvalRules(options: ApprovalRulesOptions = {}): ApprovalRulesHandler {
  const otherwise = options.otherwise ?? "decline";
  if (!isApprovalDecision(otherwise)) throw new InvalidOptionsError(`approvalRules: otherwise must be one of accept, acceptForSession, decline, cancel`);
  if (options.timeoutMs !== undefined && !(options.timeoutMs > 0)) throw new InvalidOptionsError(`approvalRules: timeoutMs must be a positive number`);
  const commands = { allow: compile(options.allow, COMMAND_GLOB), deny: compile(options.deny, COMMAND_GLOB) };
  const paths = { allow: compile(options.allow, PATH_GLOB), deny: compile(options.deny, PATH_GLOB) };

  const handler = (request: ApprovalRequest): ApprovalDecision => {
    if (request.kind === "command") {
      const texts = request.command === "" ? [] : commandTexts(request.command);
      // Globs stop at newlines; a deny rule must still see every line of a multi-line script.
      const denyTexts = texts.flatMap((t) => (t.includes("\n") ? [t, ...t.split(/\r?\n/)] : [t]));
      const denied = denyTexts.some((t) => matchesAny(commands.deny, t));
      // Extra sandbox or network grants ride along with a command; no text rule can speak for them.
      if (!denied && asksForMore(request.raw)) return otherwise;
      return decide(denied, texts.length > 0 && texts.some((t) => matchesAny(commands.allow, t)), otherwise);
    }
    if (request.kind === "file_change") {
      const cwd = request.cwd ?? options.cwd;
      const targets = request.changes.flatMap((change) => changeTargets(change));
      const forms = targets.map((target) => pathForms(target, cwd));
      const denied = forms.some((f) => f.all.some((form) => matchesAny(paths.deny, form)));
      const allowed = forms.length > 0 && forms.every((f) => isAllowedPath(paths.allow, f));
      return decide(denied, allowed, otherwise);
    }
    if (request.kind === "mcp_tool") {
      // `server.tool`, e.g. `fx.add`: globs like `fx.*`, or a RegExp.
      const name = `${request.server}.${request.tool}`;
      return decide(matchesAny(commands.deny, name), matchesAny(commands.allow, name), otherwise);
    }
    // Permissions and unknown requests have no text to match; only `otherwise` can speak for them.
    return otherwise;
  };
  return Object.assign(handler, { otherwise, ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}) });
}

function decide(denied: boolean, allowed: boolean, otherwise: ApprovalDecision): ApprovalDecision {
  if (denied) return "decline";
  return allowed ? "accept" : otherwise;
}

function compile(patterns: readonly ApprovalPattern[] | undefined, globOptions: picomatch.PicomatchOptions): Matcher[] {
  if (patterns === undefined) return [];
  if (!Array.isArray(patterns)) throw new InvalidOptionsError("approvalRules: allow and deny must be arrays");
  return patterns.map((pattern: unknown): Matcher => {
    if (pattern instanceof RegExp) {
      // A copy without g/y: `test` on those is stateful and would alternate between results.
      const regex = new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ""));
      return (text) => regex.test(text);
    }
    if (typeof pattern === "string" && pattern.length > 0) {
      const isMatch = glob()(pattern, globOptions);
      return Object.assign((text: string) => text.length > 0 && isMatch(text), { absolute: pattern.startsWith("/") });
    }
    throw new InvalidOptionsError("approvalRules: patterns must be RegExps or non-empty glob strings");
  });
}

function matchesAny(matchers: readonly Matcher[], text: string): boolean {
  return matchers.some((match) => match(text));
}

function changeTargets(change: FileChange): string[] {
  return change.movePath === undefined ? [change.path] : [change.path, change.movePath];
}

/** The ways a changed path may be written: as given, and relative to the cwd when inside it. */
interface PathForms {
  /** Every form (deny rules see them all). */
  all: string[];
  /** The path as an absolute one, when it is. */
  absolute: string | null;
  /** The path relative to the cwd, only when it lies inside it (or was given relative). */
  relative: string | null;
}

// Normalised so `src/../etc/passwd` cannot pass for `src/**`; an empty path has no forms and matches nothing.
function pathForms(target: string, cwd: string | undefined | null): PathForms {
  if (target === "") return { all: [], absolute: null, relative: null };
  const given = toSlashes(path.normalize(target));
  if (!path.isAbsolute(target)) return { all: [given], absolute: null, relative: given.startsWith("..") ? null : given };
  if (!cwd) return { all: [given], absolute: given, relative: null };
  const relative = path.relative(cwd, target);
  const inside = relative !== "" && !relative.startsWith("..") && !path.isAbsolute(relative);
  return inside ? { all: [given, toSlashes(relative)], absolute: given, relative: toSlashes(relative) } : { all: [given], absolute: given, relative: null };
}

/**
 * Allow rules are strict about where a path is: a relative glob (`src/**`) only allows paths inside
 * the working directory, an absolute glob (`/tmp/**`) absolute paths, a RegExp the cwd-relative
 * form inside the cwd and the absolute form outside it.
 */
function isAllowedPath(matchers: readonly Matcher[], forms: PathForms): boolean {
  return matchers.some((match) => {
    if (match.absolute === true) return forms.absolute !== null && match(forms.absolute);
    if (match.absolute === false) return forms.relative !== null && match(forms.relative);
    const canonical = forms.relative ?? forms.absolute;
    return canonical !== null && match(canonical);
  });
}

/** True when a command approval also asks for extra sandbox permissions or network access. */
function asksForMore(raw: unknown): boolean {
  if (raw === null || typeof raw !== "object") return false;
  const r = raw as Record<string, unknown>;
  const present = (value: unknown): boolean => value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0);
  // Proposed policy amendments only apply with decisions codexkit never sends, so they grant nothing here.
  return present(r.additionalPermissions) || present(r.networkApprovalContext);
}

function toSlashes(p: string): string {
  return p.replace(/\\/g, "/");
}
