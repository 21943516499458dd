import { findDigitPii } from "./pii-digits";
import { findEmails } from "./pii-email";
import { findIbans } from "./pii-iban";
import { mergeByPriority, type PiiKind, type PiiSpan } from "./pii-span";

export type { PiiKind } from "./pii-span";

export const PII_KINDS: readonly PiiKind[] = ["email", "phone", "pesel", "card", "iban"];

export const PII_TOKENS: Readonly<Record<PiiKind, string>> = {
  email: "[EMAIL]",
  phone: "[PHONE]",
  pesel: "[PESEL]",
  card: "[CARD]",
  iban: "[IBAN]",
};

export interface RedactionResult {
  readonly text: string;
  /** every kind is present, 0 when none was found */
  readonly found: Record<PiiKind, number>;
}

/**
 * Replaces e-mail addresses, phone numbers, PESEL numbers, payment card numbers and IBANs with
 * tokens. Linear in the length of the text (no backtracking regexes). When two detectors claim
 * overlapping text, e-mail wins over IBAN, which wins over the digit formats.
 * Text already masked upstream (the CFPB's "XXXX") is left as it is.
 */
export function redactPii(text: string): RedactionResult {
  const found: Record<PiiKind, number> = { email: 0, phone: 0, pesel: 0, card: 0, iban: 0 };
  const spans = findPiiSpans(text);
  if (spans.length === 0) return { text, found };
  const parts: string[] = [];
  let at = 0;
  for (const s of spans) {
    parts.push(text.slice(at, s.start), PII_TOKENS[s.kind]);
    found[s.kind]++;
    at = s.end;
  }
  parts.push(text.slice(at));
  return { text: parts.join(""), found };
}

/** The spans redactPii would replace, sorted and non-overlapping (useful for highlighting). */
export function findPiiSpans(text: string): PiiSpan[] {
  return mergeByPriority(mergeByPriority(findEmails(text), findIbans(text)), findDigitPii(text));
}

export type { PiiSpan } from "./pii-span";
