/**
 * A single pass over JSON text, before JSON.parse, that needs no stack: it measures nesting depth
 * (so a hostile `[[[[…` is refused before anything recursive sees it) and counts the elements of
 * a top-level array (so an oversized batch is refused before it is materialised). It does not
 * validate syntax: JSON.parse does that afterwards.
 */
export interface ScanResult {
  /** True as soon as nesting exceeds maxDepth (the scan stops there). */
  tooDeep: boolean;
  /** Elements of a top-level array (an upper bound for invalid JSON); undefined if the top level is not an array. */
  arrayItems: number | undefined;
}

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_BRACE = 123;
const OPEN_BRACKET = 91;
const CLOSE_BRACE = 125;
const CLOSE_BRACKET = 93;
const COMMA = 44;

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

export function scanJson(text: string, maxDepth: number, start = 0, end = text.length): ScanResult {
  let depth = 0;
  let inString = false;
  let topIsArray: boolean | undefined;
  let commas = 0;
  let nonEmpty = false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
      continue;
    }
    if (topIsArray === undefined && !isSpace(c)) topIsArray = c === OPEN_BRACKET;
    if (depth === 1 && !isSpace(c) && c !== COMMA && c !== CLOSE_BRACKET && c !== CLOSE_BRACE) nonEmpty = true;
    switch (c) {
      case QUOTE:
        inString = true;
        break;
      case OPEN_BRACE:
      case OPEN_BRACKET:
        depth++;
        if (depth > maxDepth) return { tooDeep: true, arrayItems: undefined };
        break;
      case CLOSE_BRACE:
      case CLOSE_BRACKET:
        if (depth > 0) depth--;
        break;
      case COMMA:
        if (depth === 1) commas++;
        break;
    }
  }
  return { tooDeep: false, arrayItems: topIsArray ? (nonEmpty ? commas + 1 : 0) : undefined };
}
