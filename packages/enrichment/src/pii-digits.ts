import { isLuhnValid, isValidIbanChecksum, isValidPesel } from "./pii-checksums";
import { isAsciiDigit, isWordCharAt, mergeByPriority, type PiiKind, type PiiSpan } from "./pii-span";

/**
 * Phone numbers, PESEL, card numbers and Polish account numbers (NRB, an IBAN without "PL").
 *
 * The text is cut into digit groups; groups joined by exactly one separator (space, NBSP or dash)
 * form a run. Within a run we try, at each group boundary, a fixed list of formats, each of which
 * reads a bounded number of digits (≤ 26), and jump past the first match. Work per group is
 * therefore constant and the whole scan is linear, whatever the input (a megabyte of digits and
 * spaces is one long run and is still read once per format).
 */

interface Group {
  readonly digits: string;
  /** span in the text, including "(" ")" around a parenthesised group and a leading "+" */
  readonly start: number;
  readonly end: number;
  readonly paren: boolean;
  readonly plus: boolean;
  /** may a match start here / end here without gluing onto a neighbouring word */
  readonly leftOk: boolean;
  rightOk: boolean;
}

interface Match {
  readonly last: number;
  readonly kind: PiiKind;
}

const MAX_CARD = 19;

export function findDigitPii(text: string): PiiSpan[] {
  const spans: PiiSpan[] = [];
  for (const run of digitRuns(text)) {
    let i = 0;
    while (i < run.length) {
      const m = matchAt(text, run, i);
      if (m === null) {
        i++;
        continue;
      }
      spans.push({ start: (run[i] as Group).start, end: (run[m.last] as Group).end, kind: m.kind });
      i = m.last + 1;
    }
  }
  // Dotted runs are never joined above (a dot separates dates, versions and amounts), so the one
  // dotted format we redact is found on its own; its spans cannot overlap the runs' (no run crosses a dot).
  const dotted = findDottedNanp(text);
  return dotted.length === 0 ? spans : mergeByPriority(spans, dotted);
}

/**
 * North-American numbers written with dots: `212.555.0187`, `1.212.555.0187`. Fixed layout (3.3.4
 * after an optional "1."), area code and exchange starting 2–9, and nothing glued on either side:
 * no word character or "." before it (so not the tail of an IP address or an id such as
 * "ORD.212.555.0187"), no word character after it and no ".<digit>" after it (not a longer dotted
 * number). The pattern has only fixed-length pieces, so matching stays linear.
 */
const DOTTED_NANP = /(?:1\.)?[2-9][0-9]{2}\.[2-9][0-9]{2}\.[0-9]{4}/g;

function findDottedNanp(text: string): PiiSpan[] {
  const spans: PiiSpan[] = [];
  for (const m of text.matchAll(DOTTED_NANP)) {
    const start = m.index;
    const end = start + m[0].length;
    if (isWordCharAt(text, start - 1) || text.charCodeAt(start - 1) === 46) continue;
    if (isWordCharAt(text, end) || (text.charCodeAt(end) === 46 && isAsciiDigit(text.charCodeAt(end + 1)))) continue;
    spans.push({ start, end, kind: "phone" });
  }
  return spans;
}

function isSeparator(c: number): boolean {
  return c === 32 || c === 45 || c === 160;
}

function digitRuns(text: string): Group[][] {
  const runs: Group[][] = [];
  let run: Group[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    if (!isAsciiDigit(text.charCodeAt(i))) {
      i++;
      continue;
    }
    let j = i;
    while (j < n && isAsciiDigit(text.charCodeAt(j))) j++;
    const paren = text.charCodeAt(i - 1) === 40 && text.charCodeAt(j) === 41;
    let start = paren ? i - 1 : i;
    const end = paren ? j + 1 : j;
    const plus = text.charCodeAt(start - 1) === 43;
    if (plus) start--;
    const prev = run[run.length - 1];
    const joined =
      prev !== undefined &&
      !plus &&
      ((start - prev.end === 1 && isSeparator(text.charCodeAt(prev.end))) ||
        (prev.paren && start === prev.end));
    if (!joined && run.length > 0) {
      closeRun(text, run);
      runs.push(run);
      run = [];
    }
    run.push({
      digits: text.slice(i, j),
      start,
      end,
      paren,
      plus,
      leftOk: joined || !isWordCharAt(text, start - 1),
      rightOk: true,
    });
    i = end;
  }
  if (run.length > 0) {
    closeRun(text, run);
    runs.push(run);
  }
  return runs;
}

function closeRun(text: string, run: Group[]): void {
  const last = run[run.length - 1];
  if (last) last.rightOk = !isWordCharAt(text, last.end);
}

function matchAt(text: string, run: readonly Group[], i: number): Match | null {
  const g = run[i] as Group;
  if (!g.leftOk) return null;
  if (g.plus) return internationalPhone(run, i);
  // A phone without "+" never starts inside a longer digit sequence or right after a code such as
  // "DE00 " or "AA1 ": those are the tail of an account, IBAN-like or tracking number.
  const phoneOk = i === 0 && !afterCodeToken(text, g.start);
  if (g.digits.startsWith("00") && g.digits.length >= 3) return phoneOk ? internationalPhone(run, i) : null;
  if (g.paren) return parenPhone(run, i);
  if (g.digits.length === 11 && g.rightOk && isValidPesel(g.digits))
    return { last: i, kind: "pesel" };
  return polishAccount(run, i) ?? card(run, i) ?? (phoneOk ? (polishPhone(run, i) ?? nationalPhone(run, i) ?? nanpPhone(text, run, i)) : null);
}

/** Is the text before `start` a separator after a token mixing letters and digits (read ≤ 34 characters back)? */
function afterCodeToken(text: string, start: number): boolean {
  if (start < 2 || !isSeparator(text.charCodeAt(start - 1))) return false;
  let letters = false;
  let digits = false;
  for (let k = start - 2; k >= 0 && k >= start - 36 && isWordCharAt(text, k); k--) {
    if (isAsciiDigit(text.charCodeAt(k))) digits = true;
    else letters = true;
  }
  return letters && digits;
}

/** Plain groups (no "+" or parentheses) from i on, while the digit total stays ≤ max: [lastIndex, digitsSoFar][]. */
function plainPrefixes(run: readonly Group[], i: number, max: number): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  let digits = "";
  for (let j = i; j < run.length; j++) {
    const g = run[j] as Group;
    if (j > i && (g.plus || g.paren)) break;
    digits += g.digits;
    if (digits.length > max) break;
    out.push([j, digits]);
  }
  return out;
}

function lengths(run: readonly Group[], i: number, last: number): number[] {
  const out: number[] = [];
  for (let j = i; j <= last; j++) out.push((run[j] as Group).digits.length);
  return out;
}

/** "+48 601 234 567", "0048601234567", "+44 20 7946 0958": +48 needs 9 more digits, +1 needs 10, others 8–15 in total. */
function internationalPhone(run: readonly Group[], i: number): Match | null {
  const first = run[i] as Group;
  const strip = first.plus ? 0 : 2;
  let best: Match | null = null;
  let digits = "";
  for (let j = i; j < run.length; j++) {
    const g = run[j] as Group;
    if (j > i && g.plus) break;
    digits += j === i ? g.digits.slice(strip) : g.digits;
    if (digits.length > 15 || digits.startsWith("0")) break; // country codes never start with 0
    if (!g.rightOk) continue;
    const n = digits.length;
    const ok = digits.startsWith("48") ? n === 11 : digits.startsWith("1") ? n === 11 : n >= 8;
    if (ok) best = { last: j, kind: "phone" };
  }
  return best;
}

/** "(22) 123 45 67", "(555) 123-4567": an area code of 2–4 digits in parentheses, 9–11 digits in all. */
function parenPhone(run: readonly Group[], i: number): Match | null {
  const area = (run[i] as Group).digits;
  if (area.length < 2 || area.length > 4) return null;
  let best: Match | null = null;
  for (const [j, digits] of plainPrefixes(run, i, 11)) {
    if (j > i && digits.length >= 9 && (run[j] as Group).rightOk) best = { last: j, kind: "phone" };
  }
  return best;
}

/** Polish NRB: 26 digits, contiguous or grouped 2-4-4-4-4-4-4; checked as the IBAN "PL" + digits. */
function polishAccount(run: readonly Group[], i: number): Match | null {
  const len = (run[i] as Group).digits.length;
  if (len !== 2 && len !== 26) return null;
  for (const [j, digits] of plainPrefixes(run, i, 26)) {
    if (digits.length !== 26 || !(run[j] as Group).rightOk) continue;
    const lens = lengths(run, i, j).join("-");
    if ((lens === "26" || lens === "2-4-4-4-4-4-4") && isValidIbanChecksum(`PL${digits}`))
      return { last: j, kind: "iban" };
  }
  return null;
}

/**
 * Payment cards: 13–19 digits, Luhn-valid, first digit 2–6 (Mir, Visa, Mastercard, Amex, Diners,
 * JCB, Discover, UnionPay, Maestro). Either one group, groups of four with a shorter tail, or the
 * Amex/Diners 4-6-5 / 4-6-4 layout. The longest valid layout wins.
 */
function card(run: readonly Group[], i: number): Match | null {
  const firstDigit = (run[i] as Group).digits.charCodeAt(0) - 48;
  const len = (run[i] as Group).digits.length;
  if (firstDigit < 2 || firstDigit > 6 || (len !== 4 && (len < 13 || len > MAX_CARD))) return null;
  let best: Match | null = null;
  for (const [j, digits] of plainPrefixes(run, i, MAX_CARD)) {
    if (digits.length < 13 || !(run[j] as Group).rightOk) continue;
    const lens = lengths(run, i, j);
    const tail = lens[lens.length - 1] ?? 0;
    const layoutOk =
      lens.length === 1 ||
      (lens.slice(0, -1).every((l) => l === 4) && tail >= 1 && tail <= 4) ||
      lens.join("-") === "4-6-5" ||
      lens.join("-") === "4-6-4";
    if (layoutOk && isLuhnValid(digits)) best = { last: j, kind: "card" };
  }
  return best;
}

const PL_PHONE_LAYOUTS = new Set(["3-3-3", "2-3-2-2", "3-2-2-2", "2-3-4"]);

/**
 * Polish 9-digit numbers written as 601 234 567, 601-234-567, 22 123 45 67, or run together when
 * they start like a mobile number (4–8). Bare nine-digit numbers starting with 1–3 or 9 are more
 * often order or case numbers and are left alone.
 */
function polishPhone(run: readonly Group[], i: number): Match | null {
  const len = (run[i] as Group).digits.length;
  if (len !== 2 && len !== 3 && len !== 9) return null;
  for (const [j, digits] of plainPrefixes(run, i, 9)) {
    if (digits.length !== 9 || !(run[j] as Group).rightOk || digits.startsWith("0")) continue;
    const lens = lengths(run, i, j).join("-");
    if (PL_PHONE_LAYOUTS.has(lens)) return { last: j, kind: "phone" };
    if (lens === "9" && digits.charCodeAt(0) >= 52 && digits.charCodeAt(0) <= 56)
      return { last: j, kind: "phone" };
  }
  return null;
}

/** National numbers with a trunk 0 (UK and others): "020 7946 0958", "07700 900123": 10–11 digits in 2–4 groups. */
function nationalPhone(run: readonly Group[], i: number): Match | null {
  const first = (run[i] as Group).digits;
  if (!first.startsWith("0") || first.length < 2 || first.length > 6) return null;
  let best: Match | null = null;
  for (const [j, digits] of plainPrefixes(run, i, 11)) {
    const groups = j - i + 1;
    if (groups >= 2 && groups <= 4 && digits.length >= 10 && (run[j] as Group).rightOk) {
      if (lengths(run, i, j).every((l) => l >= 2)) best = { last: j, kind: "phone" };
    }
  }
  return best;
}

/**
 * North-American numbers without "+1" (the NANP): `212-555-0187`, `212 555 0187`, `1-212-555-0187`.
 * Exactly the layout 3-3-4 (optionally after a lone "1"), area code and exchange starting 2–9,
 * and the whole run (nothing glued before or after in the same run), so longer digit sequences
 * such as account or tracking numbers are not cut into a phone. A run directly after
 * "<letter or digit>-" ("ORD-212-555-0187") is an identifier, not a phone.
 * ("(212) 555-0187" is parenPhone's, "+1 212 555 0187" internationalPhone's.)
 */
function nanpPhone(text: string, run: readonly Group[], i: number): Match | null {
  // Only a whole run of 3 or 4 groups: checked before reading the lengths, so a long run costs O(1) here.
  if (i !== 0 || run.length > 4) return null;
  const lens = lengths(run, 0, run.length - 1).join("-");
  if (lens !== "3-3-4" && !(lens === "1-3-3-4" && (run[0] as Group).digits === "1")) return null;
  const start = lens === "3-3-4" ? 0 : 1;
  const area = (run[start] as Group).digits;
  const exchange = (run[start + 1])?.digits ?? "";
  if (area.charCodeAt(0) < 50 || exchange.charCodeAt(0) < 50) return null;
  const last = run.length - 1;
  if (!(run[last] as Group).rightOk || (run[i] as Group).plus || (run[i] as Group).paren) return null;
  const before = (run[i] as Group).start - 1;
  if (before >= 1 && "-/.".includes(text.charAt(before)) && isWordCharAt(text, before - 1)) return null;
  return { last, kind: "phone" };
}
