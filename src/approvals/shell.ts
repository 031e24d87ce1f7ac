/**
 * codex shows commands wrapped in a login shell (`/bin/bash -lc 'git status'`); rules written
 * against what the agent meant (`git status`) should see the script too.
 */

const SAFE_UNQUOTED = /^[A-Za-z0-9_@%+=:,./-]$/;
const WRAPPER = /^\s*(?:\S*\/)?(?:ba|z|da|k)?sh\s+-l?c\s+(.+?)\s*$/s;

/** The texts a command rule is matched against: the command as shown and, if wrapped, its script. */
export function commandTexts(command: string): string[] {
  const wrapped = WRAPPER.exec(command);
  const script = wrapped?.[1] === undefined ? undefined : unquoteWord(wrapped[1]);
  return script === undefined || script === command ? [command] : [command, script];
}

// Reads exactly one POSIX shell word as a shlex-style joiner writes it; undefined for anything else
// (several words, or an unquoted metacharacter such as `;` that the outer shell would act on).
function unquoteWord(text: string): string | undefined {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) return undefined;
      out += text.slice(i + 1, end);
      i = end;
    } else if (ch === '"') {
      let j = i + 1;
      for (; j < text.length && text[j] !== '"'; j++) {
        const next = text[j + 1];
        if (text[j] === "\\" && next !== undefined && '"\\$`\n'.includes(next)) {
          out += next;
          j++;
        } else {
          out += text[j];
        }
      }
      if (j >= text.length) return undefined;
      i = j;
    } else if (ch === "\\") {
      if (i + 1 >= text.length) return undefined;
      out += text[++i];
    } else if (SAFE_UNQUOTED.test(ch)) {
      out += ch;
    } else {
      return undefined;
    }
  }
  return out;
}
