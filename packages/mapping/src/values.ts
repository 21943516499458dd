/** What a cell, a variable or an expression evaluates to. CSV cells are always strings. */
export type Value = string | number | boolean | null;

/** Null, or a string of only whitespace: "no answer" in a cell. */
export function isEmpty(v: Value | undefined): boolean {
  return v === undefined || v === null || (typeof v === "string" && v.trim() === "");
}

/** The text form used by templates, lookups and comparisons. */
export function asText(v: Value | undefined): string {
  return v === undefined || v === null ? "" : String(v);
}

/** Loose equality of a cell and a value written in a mapping: "0" equals 0, null equals null. */
export function sameValue(a: Value | undefined, b: Value): boolean {
  if (a === undefined || a === null || b === null) return (a ?? null) === b;
  return asText(a) === asText(b);
}

/** One problem with one row: the mapping's own codes, or the contract's ValidationIssue codes. */
export interface RowIssue {
  code: string;
  /** The event field (body.waitSeconds), or "" for the whole row. */
  path: string;
  message: string;
  /** Which event of the row, for mappings that emit several per row (fan-out). */
  event?: string;
}
