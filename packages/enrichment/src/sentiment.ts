import type { Lang } from "./language";
import { LEXICON_EN } from "./lexicon-en";
import { LEXICON_PL } from "./lexicon-pl";
import type { SentimentLexicon } from "./lexicon-types";
import { CLAUSE_BREAK, SENTENCE_BREAK, compileWordMap, lookupStem, tokenize } from "./tokenize";

export type SentimentLabel = "negative" | "neutral" | "positive";

export interface SentimentResult {
  /** −1..1, the normalised sum of word scores */
  readonly score: number;
  readonly label: SentimentLabel;
  /** how many lexicon entries (words or phrases) were found */
  readonly hits: number;
}

/** Scores closer to 0 than this are "neutral". */
export const NEUTRAL_BAND = 0.05;
/** A negated word keeps most of its strength with the opposite sign ("not good" ≈ a bit bad). */
const NEGATION_FACTOR = -0.75;
/** Tokens after a negator that it can still reach ("nie jest zbyt miły"). */
const NEGATION_SCOPE = 3;
/** In a sentence with "but"/"ale", the part before counts half and the part after one and a half. */
const BEFORE_CONTRAST = 0.5;
const AFTER_CONTRAST = 1.5;
/** The first and last scored sentences of a review usually state the verdict ("Nie polecam.", "Avoid."). */
const SUMMARY_WEIGHT = 1.5;
/** Normalisation S / sqrt(S² + α), as in VADER: one strong word ≈ ±0.6, several saturate towards ±1. */
const ALPHA = 15;

interface CompiledLexicon {
  readonly exact: ReadonlyMap<string, number>;
  readonly stems: ReadonlyMap<string, number>;
  readonly phrases: ReadonlyMap<string, number>;
  readonly negators: ReadonlySet<string>;
  readonly intensifiers: ReadonlyMap<string, number>;
  readonly contrasts: ReadonlySet<string>;
  readonly joinedNegationPrefix: string | undefined;
}

function compileLexicon(lex: SentimentLexicon): CompiledLexicon {
  const { exact, stems } = compileWordMap(lex.words);
  return {
    exact,
    stems,
    phrases: new Map(Object.entries(lex.phrases)),
    negators: new Set(lex.negators),
    intensifiers: new Map(Object.entries(lex.intensifiers)),
    contrasts: new Set(lex.contrasts),
    joinedNegationPrefix: lex.joinedNegationPrefix,
  };
}

const COMPILED: Record<"pl" | "en", CompiledLexicon> = {
  pl: compileLexicon(LEXICON_PL),
  en: compileLexicon(LEXICON_EN),
};

/**
 * Lexicon sentiment with negation, intensifiers and contrast. For "und" both lexicons are tried
 * and the one that recognises more words is used.
 */
export function sentiment(text: string, lang: Lang): SentimentResult {
  return sentimentTokens(tokenize(text), lang);
}

export function sentimentTokens(tokens: readonly string[], lang: Lang): SentimentResult {
  if (lang !== "und") return scoreTokens(tokens, COMPILED[lang]);
  const pl = scoreTokens(tokens, COMPILED.pl);
  const en = scoreTokens(tokens, COMPILED.en);
  return en.hits > pl.hits
    ? en
    : pl.hits > en.hits
      ? pl
      : Math.abs(en.score) >= Math.abs(pl.score)
        ? en
        : pl;
}

function isNegator(t: string, lex: CompiledLexicon): boolean {
  return lex.negators.has(t) || t.endsWith("n't");
}

function scoreTokens(tokens: readonly string[], lex: CompiledLexicon): SentimentResult {
  let total = 0;
  let hits = 0;
  let sentence: number[] = [];
  let afterContrast = false;
  let negateLeft = 0;
  let boost = 1;

  const sentences: number[] = [];
  const endSentence = (): void => {
    if (sentence.length > 0) sentences.push(sentence.reduce((a, b) => a + b, 0));
    sentence = [];
    afterContrast = false;
  };

  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as string;
    if (t === SENTENCE_BREAK || t === CLAUSE_BREAK) {
      if (t === SENTENCE_BREAK) endSentence();
      negateLeft = 0;
      boost = 1;
      continue;
    }
    if (lex.contrasts.has(t)) {
      sentence = sentence.map((v) => v * BEFORE_CONTRAST);
      afterContrast = true;
      negateLeft = 0;
      boost = 1;
      continue;
    }
    const phrase = matchPhrase(tokens, i, lex);
    let value: number | undefined;
    let negatable = true;
    if (phrase !== undefined) {
      value = phrase.value;
      i += phrase.length - 1;
      negatable = false; // phrases already carry their own negation ("nie polecam", "not worth")
    } else {
      const intensity = lex.intensifiers.get(t);
      if (intensity !== undefined) {
        boost *= intensity;
        continue;
      }
      value = wordValue(t, lex);
      if (isNegator(t, lex)) {
        if (value !== undefined)
          sentence.push(value * boost * (afterContrast ? AFTER_CONTRAST : 1));
        if (value !== undefined) hits++;
        negateLeft = NEGATION_SCOPE;
        boost = 1;
        continue;
      }
    }
    if (value === undefined) {
      if (negateLeft > 0) negateLeft--;
      continue;
    }
    let v = value * boost;
    if (negatable && negateLeft > 0) v *= NEGATION_FACTOR;
    if (afterContrast) v *= AFTER_CONTRAST;
    sentence.push(v);
    hits++;
    negateLeft = 0;
    boost = 1;
  }
  endSentence();
  sentences.forEach((v, k) => {
    total += k === 0 || k === sentences.length - 1 ? v * SUMMARY_WEIGHT : v;
  });
  const score = total === 0 ? 0 : total / Math.sqrt(total * total + ALPHA);
  const label: SentimentLabel =
    score >= NEUTRAL_BAND ? "positive" : score <= -NEUTRAL_BAND ? "negative" : "neutral";
  return { score: round(score), label, hits };
}

function matchPhrase(
  tokens: readonly string[],
  i: number,
  lex: CompiledLexicon,
): { value: number; length: number } | undefined {
  const a = tokens[i];
  const b = tokens[i + 1];
  const c = tokens[i + 2];
  if (b === undefined) return undefined;
  if (c !== undefined) {
    const v3 = lex.phrases.get(`${a} ${b} ${c}`);
    if (v3 !== undefined) return { value: v3, length: 3 };
  }
  const v2 = lex.phrases.get(`${a} ${b}`);
  return v2 === undefined ? undefined : { value: v2, length: 2 };
}

/** Exact form, then longest stem, then the joined-negation fallback ("niemiły" → −miły). */
function wordValue(t: string, lex: CompiledLexicon): number | undefined {
  const direct = lookupStem(t, lex.exact, lex.stems);
  if (direct !== undefined) return direct;
  const prefix = lex.joinedNegationPrefix;
  if (prefix !== undefined && t.length > prefix.length + 2 && t.startsWith(prefix)) {
    const base = lookupStem(t.slice(prefix.length), lex.exact, lex.stems);
    if (base !== undefined) return base * NEGATION_FACTOR;
  }
  return undefined;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
