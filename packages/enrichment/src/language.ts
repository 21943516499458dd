import { isBreak, tokenize } from "./tokenize";

export type Lang = "pl" | "en" | "und";

// Words that are common in one language and not words (or rare) in the other. Shared spellings
// (a, i, to, no, on, do, go, by, my, we, ten, co) are left out of both lists on purpose.
const PL_STOP = new Set(
  (
    "nie się jest że w z na jak ale po od za dla tak już czy był była było były są tylko bardzo mnie mi " +
    "jej jego ich ta tego tej tym te który która które którzy przez przy bez pod nad o u ze sobie też także " +
    "jeszcze wszystko może można bo gdy jeśli kiedy oraz lub albo więc jednak tu tam ja ty ona oni pan pani " +
    "mam ma miał miała będzie być został została nic coś kto gdzie dlaczego żeby aby mój moja moje nas was " +
    "jestem jesteś bym się jako tylko więcej mniej dobrze bardziej po prostu nawet zawsze nigdy"
  ).split(" "),
);

const EN_STOP = new Set(
  (
    "the and of is was were are it that this with for not have has had they you be been at from but very " +
    "their there what which would could should will an as if or so our your just about all when them than then " +
    "she he his her did does don't didn't can't i'm it's isn't wasn't into out up who because after before only " +
    "also get got me us its were being any some more most other such these those here how why again"
  ).split(" "),
);

const PL_LETTERS = /[ąćęłńóśźż]/;
// Letters of other Latin-script languages; evidence that the text is neither Polish nor English.
const OTHER_LETTERS = /[àâäçéèêëîïôöùûüÿñãõåæøßáíúýčďěňřšťůžőű]/;

export interface LanguageEvidence {
  readonly pl: number;
  readonly en: number;
  readonly other: number;
}

function languageEvidence(tokens: readonly string[]): LanguageEvidence {
  let pl = 0;
  let en = 0;
  let other = 0;
  for (const t of tokens) {
    if (isBreak(t)) continue;
    if (PL_STOP.has(t)) pl++;
    else if (PL_LETTERS.test(t)) pl++;
    if (EN_STOP.has(t)) en++;
    if (OTHER_LETTERS.test(t) && !PL_LETTERS.test(t)) other++;
  }
  return { pl, en, other };
}

/** Decision from counts: the larger side wins; a tie, no evidence, or more foreign letters → "und". */
function decideLanguage(e: LanguageEvidence): Lang {
  if (e.pl === e.en) return "und";
  if (e.other > Math.max(e.pl, e.en)) return "und";
  return e.pl > e.en ? "pl" : "en";
}

export function detectLanguageTokens(tokens: readonly string[]): Lang {
  return decideLanguage(languageEvidence(tokens));
}

/** "pl" | "en" | "und" from stop-word counts and Polish diacritics. Texts without evidence are "und". */
export function detectLanguage(text: string): Lang {
  return detectLanguageTokens(tokenize(text));
}
