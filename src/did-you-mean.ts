/**
 * "Did you mean ...?" for a mistyped option key or JSON Schema keyword: a hint only when one known
 * name is clearly what was meant (a case or `_`/`-` slip, a typo or two, a shortened name), never a guess at random.
 */

/** Names people carry over from other tools, and the key codexkit calls them. */
const ALIASES: Readonly<Record<string, string>> = { cwd: "workingDirectory" };

/**
 * The optimal-string-alignment distance (Damerau-Levenshtein without repeated edits of one
 * substring): insertions, deletions, substitutions and swaps of two neighbours each cost one.
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** Case and word separators do not count: `working_directory` is `workingDirectory`. */
function normalize(key: string): string {
  return key.toLowerCase().replace(/[_-]/g, "");
}

/** How many edits still read as a typo of a word this long. */
function typoBudget(length: number): number {
  return length <= 4 ? 1 : length <= 8 ? 2 : length <= 11 ? 3 : 4;
}

/**
 * The known key `key` was most likely meant to be, or undefined when none is close: the same
 * key but for case and separators, then the nearest within a few edits, then a known key the
 * given one shortens (or lengthens) by at least four letters' worth of prefix.
 */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  const alias = ALIASES[key];
  if (alias !== undefined && known.includes(alias)) return alias;
  const word = normalize(key);
  if (word.length === 0) return undefined;
  let best: { key: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(word, normalize(candidate));
    if (distance <= typoBudget(Math.min(word.length, candidate.length)) && (best === undefined || distance < best.distance)) best = { key: candidate, distance };
  }
  if (best) return best.key;
  const prefixed = known.filter((candidate) => {
    const other = normalize(candidate);
    const [short, long] = word.length <= other.length ? [word, other] : [other, word];
    return short.length >= 4 && long.startsWith(short);
  });
  return prefixed.sort((a, b) => a.length - b.length)[0];
}
