/**
 * One tokenisation shared by language detection, sentiment and topics (enrichText tokenises once).
 * Words are lower-cased runs of letters/digits with inner apostrophes ("don't" stays one token).
 * Punctuation that ends a sentence becomes ".", and a clause break ("," ";" ":" dashes) becomes ",":
 * negation and contrast do not cross them. The regex has no nested quantifiers, so it is linear.
 */
const TOKEN = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*|[.!?]+|[,;:()–—]/gu;

export const SENTENCE_BREAK = ".";
export const CLAUSE_BREAK = ",";

export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const m of text.toLowerCase().matchAll(TOKEN)) {
    const t = m[0];
    const c = t.charCodeAt(0);
    if (c === 46 || c === 33 || c === 63) out.push(SENTENCE_BREAK);
    else if (t.length === 1 && !/[\p{L}\p{N}]/u.test(t)) out.push(CLAUSE_BREAK);
    else out.push(t.replace(/’/g, "'"));
  }
  return out;
}

export function isBreak(token: string): boolean {
  return token === SENTENCE_BREAK || token === CLAUSE_BREAK;
}

/**
 * Longest-prefix lookup used for Polish inflection: "polec" matches polecam, polecić, polecany.
 * Exact words are tried first, then prefixes from longest to shortest (at least `minStem` characters),
 * so a dictionary holds stems and exceptions side by side. O(token length) map lookups.
 */
export function lookupStem<V>(
  token: string,
  exact: ReadonlyMap<string, V>,
  stems: ReadonlyMap<string, V>,
  minStem = 3,
): V | undefined {
  const hit = exact.get(token);
  if (hit !== undefined) return hit;
  for (let len = token.length; len >= minStem; len--) {
    const v = stems.get(len === token.length ? token : token.slice(0, len));
    if (v !== undefined) return v;
  }
  return undefined;
}

/**
 * Splits a word list written as data into exact words and stems: an entry ending in "*" is a stem.
 */
export function compileWordMap<V>(entries: Readonly<Record<string, V>>): {
  exact: Map<string, V>;
  stems: Map<string, V>;
} {
  const exact = new Map<string, V>();
  const stems = new Map<string, V>();
  for (const [k, v] of Object.entries(entries)) {
    if (k.endsWith("*")) stems.set(k.slice(0, -1), v);
    else exact.set(k, v);
  }
  return { exact, stems };
}
