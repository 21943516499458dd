/**
 * A sentiment lexicon is plain data so tenants or languages can be added without code.
 * words: key ending in "*" = stem (prefix match), otherwise an exact form; values −3..3.
 * phrases: two- or three-word sequences scored as one unit (checked before single words).
 */
export interface SentimentLexicon {
  readonly words: Readonly<Record<string, number>>;
  readonly phrases: Readonly<Record<string, number>>;
  /** flip the next sentiment word within a short scope ("nie polecam", "not good") */
  readonly negators: readonly string[];
  /** multiply the next sentiment word ("bardzo", "very" > 1; "trochę", "slightly" < 1) */
  readonly intensifiers: Readonly<Record<string, number>>;
  /** "ale", "but": what follows in the sentence weighs more than what came before */
  readonly contrasts: readonly string[];
  /** a prefix that negates a known word written together ("niemiły" = nie + miły), if the language has one */
  readonly joinedNegationPrefix?: string;
}
