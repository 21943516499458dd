/** A found identifier: [start, end) in the original text. Detectors return spans sorted and non-overlapping. */
export type PiiKind = "email" | "phone" | "pesel" | "card" | "iban";

export interface PiiSpan {
  readonly start: number;
  readonly end: number;
  readonly kind: PiiKind;
}

export function isAsciiDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

export function isAsciiLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

const UNICODE_LETTER = /\p{L}/u;

/** True when the character at i would glue onto an identifier (letter, digit, underscore). Outside the text → false. */
export function isWordCharAt(text: string, i: number): boolean {
  if (i < 0 || i >= text.length) return false;
  const c = text.charCodeAt(i);
  if (isAsciiDigit(c) || isAsciiLetter(c) || c === 95) return true;
  return c > 127 && UNICODE_LETTER.test(text.charAt(i));
}

/**
 * Merges lower-priority spans into higher-priority ones, dropping any that overlap an accepted span.
 * Both inputs are sorted by start and internally non-overlapping; runs in O(a + b).
 */
export function mergeByPriority(
  accepted: readonly PiiSpan[],
  candidates: readonly PiiSpan[],
): PiiSpan[] {
  const out: PiiSpan[] = [];
  let i = 0;
  for (const c of candidates) {
    while (i < accepted.length && (accepted[i]?.end ?? 0) <= c.start)
      out.push(accepted[i++] as PiiSpan);
    const next = accepted[i];
    const prev = out[out.length - 1];
    const overlapsNext = next !== undefined && next.start < c.end;
    const overlapsPrev = prev !== undefined && prev.end > c.start;
    if (!overlapsNext && !overlapsPrev) out.push(c);
  }
  while (i < accepted.length) out.push(accepted[i++] as PiiSpan);
  return out;
}
