import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { REDACTED, Redactor, isSecretName, redactPatterns } from "../../../src/errors/index.js";

// Secrets as they occur in practice: no brackets (so the marker cannot combine with the text
// around it into the secret again) and not a piece of the marker itself.
const secretChars = fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_./+=!@#$%^&*~:");
const anyChar = fc
  .integer({ min: 0, max: 0x10ffff })
  .map((c) => (c >= 0xd800 && c <= 0xdfff ? String.fromCharCode(c) : String.fromCodePoint(c)));
const secret = fc.string({ unit: secretChars, minLength: 6, maxLength: 40 }).filter((s) => !REDACTED.includes(s));

describe("isSecretName", () => {
  it.each([
    ["OPENAI_API_KEY", true],
    ["CODEX_API_KEY", true],
    ["apiKey", true],
    ["api-key", true],
    ["api.key", true],
    ["GITHUB_TOKEN", true],
    ["AWS_SECRET_ACCESS_KEY", true],
    ["DB_PASSWORD", true],
    ["authToken", true],
    ["Authorization", true],
    ["SESSION_COOKIE", true],
    ["PRIVATE_KEY", true],
    ["PATH", false],
    ["HOME", false],
    ["thread_id", false],
    ["input_tokens", false],
    ["cached_input_tokens", false],
    ["keyboard", false],
    ["monkey", false],
    ["author", false],
    ["PWD", false],
    ["OLDPWD", false],
    ["SSH_AUTH_SOCK", false],
    ["DB_PWD", true],
    ["", false],
  ])("%s -> %s", (name, expected) => {
    expect(isSecretName(name)).toBe(expected);
  });
});

describe("redactPatterns", () => {
  it.each([
    ["key is sk-abcdefghijklmnop12345 ok", "sk-abcdefghijklmnop12345"],
    ["sk-proj-ABCdef_123-456789xyz", "sk-proj-ABCdef_123-456789xyz"],
    ["Authorization: Bearer abc.def-ghi_jkl~mno", "abc.def-ghi_jkl~mno"],
    ["authorization: bearer eyJhbGciOiJIUzI1NiJ9.payload.sig", "eyJhbGciOiJIUzI1NiJ9.payload.sig"],
    ["Basic dXNlcjpwYXNzd29yZA==", "dXNlcjpwYXNzd29yZA=="],
    ["push with ghp_abcdefghijklmnopqrstuvwxyz0123", "ghp_abcdefghijklmnopqrstuvwxyz0123"],
    ["api_key=abcdef123456", "abcdef123456"],
    ["API-KEY: 'hunter2hunter2'", "hunter2hunter2"],
    ['{"apiKey":"verysecretvalue"}', "verysecretvalue"],
    ["password = correcthorse", "correcthorse"],
    ["token=abcdefgh&next=1", "abcdefgh&next=1"],
    ["secret: s3cr3t-value", "s3cr3t-value"],
  ])("removes the secret from %j", (text, secretValue) => {
    const out = redactPatterns(text);
    expect(out).not.toContain(secretValue);
    expect(out).toContain(REDACTED);
  });

  it("keeps the useful part of the message", () => {
    expect(redactPatterns("Authorization: Bearer abcdefghijkl")).toBe(`Authorization: Bearer ${REDACTED}`);
    expect(redactPatterns("api_key=abcdef123456 rest")).toBe(`api_key=${REDACTED} rest`);
    expect(redactPatterns('{"api_key": "abcdef123456"}')).toBe(`{"api_key": "${REDACTED}"}`);
    expect(redactPatterns("failed: sk-abcdefghijklmnop12345.")).toBe(`failed: ${REDACTED}.`);
  });

  it.each([
    "plain message without secrets",
    "input_tokens: 123456, output_tokens: 789012",
    "max_tokens=100000",
    "thread_id=0199a7e2-7c1f-7e00-8000-000000000000",
    "sk-short",
    "Bearer abc",
    "token=abc",
    "risk-assessment-document",
  ])("leaves %j alone", (text) => {
    expect(redactPatterns(text)).toBe(text);
  });

  it("is idempotent", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme-ascii" }), (text) => {
        const once = redactPatterns(text);
        expect(redactPatterns(once)).toBe(once);
      }),
    );
  });
});

describe("Redactor", () => {
  it("removes every registered secret embedded anywhere in random text", () => {
    fc.assert(
      fc.property(
        fc.array(secret, { minLength: 1, maxLength: 4 }),
        fc.array(fc.string({ unit: anyChar, maxLength: 30 }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (secrets, texts, picks) => {
          const redactor = new Redactor().add(...secrets);
          // Interleave the texts with secrets, possibly repeated or adjacent.
          let text = "";
          texts.forEach((t, i) => {
            text += t;
            const pick = picks[i];
            if (pick !== undefined) text += secrets[pick % secrets.length]!;
          });
          text += secrets.join("");
          const out = redactor.redact(text);
          for (const s of secrets) expect(out).not.toContain(s);
          expect(out).toContain(REDACTED);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("hides a longer secret whole when it contains a shorter one", () => {
    const redactor = new Redactor().add("abcdef", "xxabcdefyy");
    expect(redactor.redact("1 xxabcdefyy 2 abcdef 3")).toBe(`1 ${REDACTED} 2 ${REDACTED} 3`);
  });

  it("ignores short, empty and missing values", () => {
    const redactor = new Redactor().add("", "abc", "abcde", undefined, null);
    expect(redactor.redact("abc abcde")).toBe("abc abcde");
  });

  it("registers values of secret-looking environment variables only", () => {
    const redactor = new Redactor().addEnv({
      OPENAI_API_KEY: "value-of-openai-key",
      GITHUB_TOKEN: "value-of-github",
      HOME: "/home/someone",
      PATH: "/usr/bin:/bin",
      EMPTY_SECRET: undefined,
    });
    expect(redactor.redact("a value-of-openai-key b value-of-github c")).toBe(`a ${REDACTED} b ${REDACTED} c`);
    expect(redactor.redact("/home/someone and /usr/bin:/bin")).toBe("/home/someone and /usr/bin:/bin");
    expect(new Redactor().addEnv(undefined).redact("x")).toBe("x");
  });

  it("also applies the credential patterns", () => {
    expect(new Redactor().redact("use sk-abcdefghijklmnop12345")).toBe(`use ${REDACTED}`);
  });

  describe("redactValue", () => {
    const redactor = new Redactor().add("exact-secret-value");

    it("deep-redacts strings in nested objects and arrays", () => {
      const input = {
        message: "failed with exact-secret-value",
        nested: { list: ["ok", "Bearer abcdefghijkl", { deeper: "sk-abcdefghijklmnop12345" }] },
        input_tokens: 12,
        thread_id: "thread-1",
        flag: true,
        nothing: null,
      };
      const out = redactor.redactValue(input);
      expect(out).toEqual({
        message: `failed with ${REDACTED}`,
        nested: { list: ["ok", `Bearer ${REDACTED}`, { deeper: REDACTED }] },
        input_tokens: 12,
        thread_id: "thread-1",
        flag: true,
        nothing: null,
      });
      // The input is not modified.
      expect(input.message).toBe("failed with exact-secret-value");
    });

    it("redacts whole values under secret-looking keys", () => {
      const out = redactor.redactValue({
        apiKey: "anything",
        headers: { Authorization: "x", cookie: "session=1" },
        GITHUB_TOKEN: "abc",
        password: "",
        cached_input_tokens: 5,
        keyboard: "qwerty",
      });
      expect(out).toEqual({
        apiKey: REDACTED,
        headers: { Authorization: REDACTED, cookie: REDACTED },
        GITHUB_TOKEN: REDACTED,
        password: "",
        cached_input_tokens: 5,
        keyboard: "qwerty",
      });
    });

    it("passes primitives through", () => {
      expect(redactor.redactValue(42)).toBe(42);
      expect(redactor.redactValue(null)).toBeNull();
      expect(redactor.redactValue(undefined)).toBeUndefined();
      expect(redactor.redactValue("exact-secret-value")).toBe(REDACTED);
    });

    it("terminates on cyclic values", () => {
      const cyclic: Record<string, unknown> = { message: "plain" };
      cyclic.self = cyclic;
      const out = redactor.redactValue(cyclic);
      expect(out.message).toBe("plain");
    });

    it("redacts an object that is referenced twice", () => {
      const shared = { message: "with exact-secret-value" };
      const out = redactor.redactValue({ first: shared, second: shared });
      expect(JSON.stringify(out)).not.toContain("exact-secret-value");
    });

    it("does not leak secrets through a cycle's back-reference", () => {
      const cyclic: Record<string, unknown> = { message: "with exact-secret-value" };
      cyclic.self = cyclic;
      const out = redactor.redactValue(cyclic) as { self: { message: string } };
      expect(out.self.message).not.toContain("exact-secret-value");
    });
  });
});

describe("Redactor.with", () => {
  it("hides the extra values in the copy only", () => {
    const base = new Redactor().add("client-secret-123");
    const turn = base.with("turn-token-abcdef");
    expect(turn.redact("client-secret-123 turn-token-abcdef")).not.toMatch(/client-secret-123|turn-token-abcdef/);
    expect(base.redact("turn-token-abcdef")).toBe("turn-token-abcdef");
  });
});
