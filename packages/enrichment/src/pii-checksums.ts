/**
 * Checksums that separate real identifiers from random digit strings. All take the digits
 * (or the IBAN characters) with separators already removed and run in O(length).
 */

const PESEL_WEIGHTS = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3] as const;

/** PESEL: 11 digits, weighted checksum, and a real birth date (the month encodes the century). */
export function isValidPesel(digits: string): boolean {
  if (digits.length !== 11 || !isAllDigits(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 10; i++) sum += digit(digits, i) * (PESEL_WEIGHTS[i] ?? 0);
  if ((10 - (sum % 10)) % 10 !== digit(digits, 10)) return false;
  const yy = digit(digits, 0) * 10 + digit(digits, 1);
  const mmRaw = digit(digits, 2) * 10 + digit(digits, 3);
  const dd = digit(digits, 4) * 10 + digit(digits, 5);
  // Month offsets: +80 → 1800s, +0 → 1900s, +20 → 2000s, +40 → 2100s, +60 → 2200s.
  const centuryBase = [1900, 2000, 2100, 2200, 1800][Math.floor(mmRaw / 20)];
  const month = mmRaw % 20;
  if (centuryBase === undefined || month < 1 || month > 12) return false;
  return dd >= 1 && dd <= daysInMonth(centuryBase + yy, month);
}

/** Luhn (mod 10) check used by every payment card scheme. */
export function isLuhnValid(digits: string): boolean {
  if (digits.length === 0 || !isAllDigits(digits)) return false;
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digit(digits, i);
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/**
 * ISO 13616 IBAN check: move the first four characters to the end, letters → 10..35,
 * the number mod 97 must be 1. Computed piecewise so no big integers are needed.
 */
export function isValidIbanChecksum(iban: string): boolean {
  const s = iban.toUpperCase();
  if (s.length < 15 || s.length > 34) return false;
  if (!isLetter(s, 0) || !isLetter(s, 1) || !isDigitAt(s, 2) || !isDigitAt(s, 3)) return false;
  const rearranged = s.slice(4) + s.slice(0, 4);
  let rem = 0;
  for (let i = 0; i < rearranged.length; i++) {
    const c = rearranged.charCodeAt(i);
    if (c >= 48 && c <= 57) rem = (rem * 10 + (c - 48)) % 97;
    else if (c >= 65 && c <= 90) rem = (rem * 100 + (c - 55)) % 97;
    else return false;
  }
  return rem === 1;
}

/** IBAN lengths per country (ISO 13616 registry, the countries our customers and their banks use). */
// Word lists are kept compact (several entries a line): one entry per line would triple the file.
// prettier-ignore
export const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BR: 29, BY: 28, CH: 21, CR: 22,
  CY: 28, CZ: 24, DE: 22, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FO: 18, FR: 27, GB: 22, GE: 22,
  GI: 23, GL: 18, GR: 27, GT: 28, HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30,
  KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20, LU: 20, LV: 21, MC: 27, MD: 24, ME: 22, MK: 19, MR: 27, MT: 31,
  MU: 30, NL: 18, NO: 15, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, SA: 24, SC: 31, SE: 24,
  SI: 19, SK: 24, SM: 27, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26, UA: 29, VA: 22, VG: 24, XK: 20,
};

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function digit(s: string, i: number): number {
  return s.charCodeAt(i) - 48;
}

function isDigitAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57;
}

function isLetter(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 65 && c <= 90;
}

function isAllDigits(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (!isDigitAt(s, i)) return false;
  return true;
}
