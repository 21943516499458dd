import { isAsciiDigit, isAsciiLetter, type PiiSpan } from "./pii-span";

// Hand-written scanner instead of a regex: a regex like /[\w.+-]+@[\w-]+\.\w+/ restarts at every
// position of a long run of word characters and turns quadratic on hostile input. Here every
// character is visited at most twice: the left expansion from an '@' stops at the previous '@'
// (not a local-part character) and the right expansion stops at the next one.

function isLocalChar(c: number): boolean {
  return (
    isAsciiLetter(c) ||
    isAsciiDigit(c) ||
    c === 46 /* . */ ||
    c === 95 /* _ */ ||
    c === 37 /* % */ ||
    c === 43 /* + */ ||
    c === 45
  ); /* - */
}

function isDomainChar(c: number): boolean {
  return isAsciiLetter(c) || isAsciiDigit(c) || c === 46 || c === 45;
}

export function findEmails(text: string): PiiSpan[] {
  const spans: PiiSpan[] = [];
  let lastEnd = 0;
  for (let at = text.indexOf("@"); at !== -1; at = text.indexOf("@", at + 1)) {
    let l = at;
    while (l > lastEnd && isLocalChar(text.charCodeAt(l - 1))) l--;
    while (l < at && text.charCodeAt(l) === 46) l++;
    if (l === at) continue;
    let r = at + 1;
    while (r < text.length && isDomainChar(text.charCodeAt(r))) r++;
    // A sentence may end right after the address: "write to a@b.com."
    while (r > at + 1 && (text.charCodeAt(r - 1) === 46 || text.charCodeAt(r - 1) === 45)) r--;
    if (!hasValidDomain(text, at + 1, r)) continue;
    spans.push({ start: l, end: r, kind: "email" });
    lastEnd = r;
  }
  return spans;
}

/** Domain needs at least one dot, no empty labels, and a top-level label of 2+ letters. */
function hasValidDomain(text: string, start: number, end: number): boolean {
  let lastDot = -1;
  for (let i = start; i < end; i++) {
    if (text.charCodeAt(i) !== 46) continue;
    if (i === start || i - 1 === lastDot) return false;
    lastDot = i;
  }
  if (lastDot === -1 || end - lastDot - 1 < 2) return false;
  for (let i = lastDot + 1; i < end; i++) if (!isAsciiLetter(text.charCodeAt(i))) return false;
  return true;
}
