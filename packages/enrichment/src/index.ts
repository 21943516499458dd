export {
  redactPii,
  findPiiSpans,
  PII_KINDS,
  PII_TOKENS,
  type PiiKind,
  type PiiSpan,
  type RedactionResult,
} from "./pii-redact";
export { isValidPesel, isLuhnValid, isValidIbanChecksum, IBAN_LENGTHS } from "./pii-checksums";
export { detectLanguage, detectLanguageTokens, type Lang } from "./language";
export {
  sentiment,
  sentimentTokens,
  NEUTRAL_BAND,
  type SentimentLabel,
  type SentimentResult,
} from "./sentiment";
export type { SentimentLexicon } from "./lexicon-types";
export { LEXICON_PL } from "./lexicon-pl";
export { LEXICON_EN } from "./lexicon-en";
export { topics, topicsTokens, TOPICS, type Topic } from "./topics";
export { topicForContact, DEFAULT_TOPIC, slug, type ContactTopicInput } from "./contact-topic";
export {
  compareContacts,
  compareIds,
  DEFAULT_FCR_BIN_MS,
  DEFAULT_FCR_WINDOW_MS,
  DEFAULT_PLACEHOLDER_CUSTOMERS,
  fcrDeltasForKey,
  isPlaceholderCustomer,
  placeholderSet,
  repeatBin,
  sortContacts,
  type FcrGap,
  type FcrPoint,
  type FcrRepeatDelta,
  type FcrWindow,
} from "./fcr";
export {
  CustomerProfile,
  mergeProfile,
  profileFrom,
  type EventCustomer,
  type MergedCustomer,
} from "./profile";
export { enrichText, type TextEnrichment, type EnrichTextOptions } from "./enrich-text";
export { tokenize } from "./tokenize";
