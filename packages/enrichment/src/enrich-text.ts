import { detectLanguageTokens, type Lang } from "./language";
import { redactPii, type PiiKind } from "./pii-redact";
import { sentimentTokens, type SentimentResult } from "./sentiment";
import { tokenize } from "./tokenize";
import { topicsTokens, type Topic } from "./text-topics";

export interface TextEnrichment {
  readonly lang: Lang;
  readonly sentiment: SentimentResult;
  readonly topics: Topic[];
  /** the text with PII replaced by tokens: the only form of the text that should be stored */
  readonly redacted: string;
  readonly piiFound: Record<PiiKind, number>;
}

export interface EnrichTextOptions {
  /** a language the source already knows; detection is skipped */
  readonly lang?: Lang | undefined;
}

/**
 * Redaction first, then one tokenisation of the redacted text shared by language detection,
 * sentiment and topics (the [EMAIL]-style tokens carry no sentiment or topic).
 */
export function enrichText(text: string, options: EnrichTextOptions = {}): TextEnrichment {
  const { text: redacted, found } = redactPii(text);
  const tokens = tokenize(redacted);
  const lang = options.lang ?? detectLanguageTokens(tokens);
  return {
    lang,
    sentiment: sentimentTokens(tokens, lang),
    topics: topicsTokens(tokens, lang),
    redacted,
    piiFound: found,
  };
}
