/**
 * Secret redaction. Everything codexkit puts into an error, a log line or a span goes through
 * here first: API keys, bearer tokens, `sk-...`-shaped strings and the values of environment
 * variables whose names look secret are replaced by a fixed marker.
 */

/** The marker that replaces a secret. */
export const REDACTED = "[REDACTED]";

// A name segment (split on `_`, `-`, `.` or a camelCase boundary) that marks a secret value.
const SECRET_SEGMENT = /^(key|token|secret|secrets|password|passwd|pwd|credential|credentials|auth|authorization|cookie|bearer|private)$/i;
const MIN_SECRET_LENGTH = 6;

// Patterns that look like credentials wherever they appear, whether or not we were told about them.
const SECRET_PATTERNS: RegExp[] = [
  /\bsk-[A-Za-z0-9_-]{8,}/g, // OpenAI-style keys (sk-..., sk-proj-...)
  /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, // Authorization header values
  /\b(gh[pousr]_[A-Za-z0-9]{20,})/g, // GitHub tokens
  /((?:api[_-]?key|token|secret|password)["']?\s*[:=]\s*["']?)([^\s"',}]{6,})/gi, // key=value forms
];

// Names that match a secret segment but are well known not to hold one: the shell's working
// directories ("pwd" is also short for password) and the SSH agent's socket path.
const NOT_SECRET = new Set(["PWD", "OLDPWD", "SSH_AUTH_SOCK"]);

/** `text` with the user and password of every URL in it left out (`redis://u:p@host` → `redis://host`). */
export function withoutUrlCredentials(text: string): string {
  return text.replace(/\/\/[^@/\s]*@/g, "//");
}

/** True when an environment variable's name suggests its value is a secret. */
export function isSecretName(name: string): boolean {
  if (NOT_SECRET.has(name)) return false;
  const spaced = name.replace(/([a-z0-9])([A-Z])/g, "$1 $2").replace(/api[ _.-]?key/gi, "apikey");
  return spaced.split(/[\s_.-]+/).some((segment) => SECRET_SEGMENT.test(segment) || /^apikey$/i.test(segment));
}

/**
 * A redactor knows the exact secret values in play (the configured API key, secret env values,
 * bearer tokens codexkit minted) and also strips anything credential-shaped.
 */
export class Redactor {
  private readonly secrets = new Set<string>();
  /** Secrets that live as long as their holders (threads), with how many hold each. */
  private readonly held = new Map<string, number>();
  /** Forgets a collected holder's secrets, so a client that runs for weeks does not keep every thread's. */
  private readonly holders = new FinalizationRegistry<string[]>((values) => this.release(values));
  /** `secrets` and `held`, longest first; rebuilt after a change (redaction runs for every log line and span). */
  private sorted: string[] | null = null;

  /** How many distinct secrets are known (for tests and diagnostics). */
  get size(): number {
    return new Set([...this.secrets, ...this.held.keys()]).size;
  }

  /**
   * Hides the secret-looking values of `env` for as long as `owner` is alive (a thread and its
   * MCP servers' environment); once `owner` is garbage-collected they are forgotten, unless they
   * were also added for good.
   */
  holdEnv(owner: object, env: Record<string, string | undefined> | undefined): this {
    const values = Object.entries(env ?? {})
      .filter(([name, value]) => isSecretName(name) && typeof value === "string" && value.length >= MIN_SECRET_LENGTH)
      .map(([, value]) => value!);
    if (values.length === 0) return this;
    for (const value of values) this.held.set(value, (this.held.get(value) ?? 0) + 1);
    this.sorted = null;
    this.holders.register(owner, values);
    return this;
  }

  private release(values: string[]): void {
    for (const value of values) {
      const count = (this.held.get(value) ?? 1) - 1;
      if (count > 0) this.held.set(value, count);
      else this.held.delete(value);
    }
    this.sorted = null;
  }

  /** Registers exact values to hide; short or empty values are ignored to keep output readable. */
  add(...values: Array<string | undefined | null>): this {
    for (const value of values) {
      if (typeof value === "string" && value.length >= MIN_SECRET_LENGTH && !this.secrets.has(value)) {
        this.secrets.add(value);
        this.sorted = null;
      }
    }
    return this;
  }

  /** A copy that also hides `values`: for secrets that live only as long as one turn. */
  with(...values: Array<string | undefined | null>): Redactor {
    const copy = new Redactor();
    for (const secret of [...this.secrets, ...this.held.keys()]) copy.secrets.add(secret);
    return copy.add(...values);
  }

  /** Registers the values of every variable in `env` whose name looks secret. */
  addEnv(env: Record<string, string | undefined> | undefined): this {
    if (!env) return this;
    for (const [name, value] of Object.entries(env)) {
      if (isSecretName(name)) this.add(value);
    }
    return this;
  }

  /** Returns `text` with every known and credential-shaped secret replaced. */
  redact(text: string): string {
    let out = text;
    // Longest first, so a secret containing another is hidden whole.
    this.sorted ??= [...new Set([...this.secrets, ...this.held.keys()])].sort((a, b) => b.length - a.length);
    for (const secret of this.sorted) out = out.split(secret).join(REDACTED);
    return redactPatterns(out);
  }

  /** Deep-redacts strings inside a JSON-like value (objects, arrays); other values pass through. */
  redactValue<T>(value: T): T {
    return redactDeep(value, (s) => this.redact(s), new WeakMap()) as T;
  }
}

/** Strips credential-shaped substrings when no exact secret list is at hand. */
export function redactPatterns(text: string): string {
  let out = text;
  for (const pattern of SECRET_PATTERNS) {
    out = out.replace(pattern, (match, ...groups: unknown[]) => {
      const prefix = groups[0];
      // For key=value forms keep the key so the message stays useful.
      if (pattern.source.startsWith("((?:api") && typeof prefix === "string") return `${prefix}${REDACTED}`;
      if (/^(Bearer|Basic)\s/i.test(match)) return `${match.split(/\s+/)[0]} ${REDACTED}`;
      return REDACTED;
    });
  }
  return out;
}

function redactDeep(value: unknown, redact: (s: string) => string, seen: WeakMap<object, unknown>): unknown {
  if (typeof value === "string") return redact(value);
  if (value === null || typeof value !== "object") return value;
  // Shared and cyclic references map to the same redacted copy, never to the original.
  if (seen.has(value)) return seen.get(value);
  if (Array.isArray(value)) {
    const copy: unknown[] = [];
    seen.set(value, copy);
    for (const v of value) copy.push(redactDeep(v, redact, seen));
    return copy;
  }
  const out: Record<string, unknown> = {};
  seen.set(value, out);
  for (const [key, v] of Object.entries(value)) {
    out[key] = isSecretName(key) && typeof v === "string" && v.length > 0 ? REDACTED : redactDeep(v, redact, seen);
  }
  return out;
}
