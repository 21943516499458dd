import { IBAN_LENGTHS, isValidIbanChecksum } from "./pii-checksums";
import { isAsciiDigit, isAsciiLetter, isWordCharAt, type PiiSpan } from "./pii-span";

/**
 * IBANs with a country prefix ("PL61 1090 1014 0000 0712 1981 2874" or run together), for countries
 * in the ISO registry table. The exact national length is required, separators are single spaces,
 * and the mod-97 check must hold. Each candidate reads at most 34 characters plus spaces, so the
 * scan is linear. Polish account numbers written without "PL" are handled by the digit scanner.
 */
export function findIbans(text: string): PiiSpan[] {
  const spans: PiiSpan[] = [];
  const n = text.length;
  let i = 0;
  while (i + 4 <= n) {
    if (!isCandidateStart(text, i)) {
      i++;
      continue;
    }
    const cc = text.slice(i, i + 2).toUpperCase();
    const want = IBAN_LENGTHS[cc];
    const end = want === undefined ? -1 : readIban(text, i, want);
    if (end === -1) {
      i++;
      continue;
    }
    spans.push({ start: i, end, kind: "iban" });
    i = end;
  }
  return spans;
}

function isCandidateStart(text: string, i: number): boolean {
  return (
    isAsciiLetter(text.charCodeAt(i)) &&
    isAsciiLetter(text.charCodeAt(i + 1)) &&
    isAsciiDigit(text.charCodeAt(i + 2)) &&
    isAsciiDigit(text.charCodeAt(i + 3)) &&
    !isWordCharAt(text, i - 1)
  );
}

/** Returns the end index of a valid IBAN of exactly `want` characters starting at i, or -1. */
function readIban(text: string, start: number, want: number): number {
  let chars = "";
  let j = start;
  while (j < text.length && chars.length < want) {
    const c = text.charCodeAt(j);
    if (isAsciiDigit(c) || isAsciiLetter(c)) {
      chars += text.charAt(j);
      j++;
    } else if (
      c === 32 &&
      chars.length >= 4 &&
      j + 1 < text.length &&
      isAlnum(text.charCodeAt(j + 1))
    ) {
      j++;
    } else break;
  }
  if (chars.length !== want || isWordCharAt(text, j)) return -1;
  return isValidIbanChecksum(chars) ? j : -1;
}

function isAlnum(c: number): boolean {
  return isAsciiDigit(c) || isAsciiLetter(c);
}
