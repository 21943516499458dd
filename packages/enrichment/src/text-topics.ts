import type { Lang } from "./language";
import { TOPICS, TOPIC_KEYWORDS_EN, TOPIC_KEYWORDS_PL, type Topic } from "./topic-keywords";
import { compileWordMap, isBreak, lookupStem, tokenize } from "./tokenize";

export { TOPICS, type Topic } from "./topic-keywords";

interface CompiledTopics {
  readonly exact: ReadonlyMap<string, Topic[]>;
  readonly stems: ReadonlyMap<string, Topic[]>;
  readonly phrases: ReadonlyMap<string, Topic[]>;
}

function compile(keywords: Readonly<Record<Topic, readonly string[]>>): CompiledTopics {
  const words: Record<string, Topic[]> = {};
  const phrases = new Map<string, Topic[]>();
  for (const topic of TOPICS) {
    for (const k of keywords[topic]) {
      if (k.includes(" ")) phrases.set(k, [...(phrases.get(k) ?? []), topic]);
      else (words[k] ??= []).push(topic);
    }
  }
  const { exact, stems } = compileWordMap(words);
  return { exact, stems, phrases };
}

const COMPILED: Record<"pl" | "en", CompiledTopics> = {
  pl: compile(TOPIC_KEYWORDS_PL),
  en: compile(TOPIC_KEYWORDS_EN),
};
const ORDER = new Map<Topic, number>(TOPICS.map((t, i) => [t, i]));

/**
 * Rule-based topic tags, most-mentioned first (ties in TOPICS order). For "und" both keyword sets
 * are used. Phrases ("on hold", "nie działa") are matched before single words.
 */
export function topics(text: string, lang: Lang): Topic[] {
  return topicsTokens(tokenize(text), lang);
}

export function topicsTokens(tokens: readonly string[], lang: Lang): Topic[] {
  const counts = new Map<Topic, number>();
  const sets = lang === "und" ? [COMPILED.en, COMPILED.pl] : [COMPILED[lang]];
  for (const set of sets) count(tokens, set, counts);
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (ORDER.get(a[0]) ?? 0) - (ORDER.get(b[0]) ?? 0))
    .map(([t]) => t);
}

function count(tokens: readonly string[], set: CompiledTopics, counts: Map<Topic, number>): void {
  const add = (ts: readonly Topic[] | undefined): void => {
    for (const t of ts ?? []) counts.set(t, (counts.get(t) ?? 0) + 1);
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as string;
    if (isBreak(t)) continue;
    const next = tokens[i + 1];
    const next2 = tokens[i + 2];
    const tri =
      next !== undefined && next2 !== undefined
        ? set.phrases.get(`${t} ${next} ${next2}`)
        : undefined;
    if (tri) {
      add(tri);
      i += 2;
      continue;
    }
    const bi = next !== undefined ? set.phrases.get(`${t} ${next}`) : undefined;
    if (bi) {
      add(bi);
      i += 1;
      continue;
    }
    add(lookupStem(t, set.exact, set.stems));
  }
}
