/**
 * Leaf schemas shared by the envelope and the bodies. Every leaf carries its own rule phrase as
 * the zod error message ("must be ..."), so a rejected value can be reported as
 * "<path> <rule>" without knowing which schema produced it (see issues.ts).
 *
 * Schemas are built once at module load: validation on the collector's hot path never constructs
 * a schema per call.
 */
import { z } from "zod";
import { contractRegistry } from "./registry";

/** Characters an identifier may hold: no spaces, slashes, '@' or '+', so e-mail addresses and
 * formatted phone numbers cannot pass as pseudonymous ids. */
const ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
const ID_RULE = "must be 1–128 characters of A–Z, a–z, 0–9, '.', '_', ':' or '-'";

/** Lower-case slug for dimensions we group by (touchpoint, segment, topic, ...). */
const SLUG_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const SLUG_RULE =
  "must be 1–64 characters of a–z, 0–9, '.', '_' or '-', starting with a letter or digit";

/** Short free-form label (a source system's name): printable ASCII. ASCII-only on purpose, so the
 * pattern means the same in JSON Schema validators that match with the Unicode flag. */
const LABEL_PATTERN = /^[\x20-\x7e]{1,128}$/;
const LABEL_RULE = "must be 1–128 printable ASCII characters (no control characters)";

/** ISO-8601 / RFC 3339 date-time that must carry its offset ('Z' or ±hh:mm). */
export const DATETIME_RULE =
  "must be an ISO-8601 date-time with a UTC offset, e.g. 2025-03-01T12:00:00+01:00";

export function idString(description?: string) {
  const s = z.string({ error: ID_RULE }).regex(ID_PATTERN, { error: ID_RULE });
  return description === undefined ? s : s.register(contractRegistry, { description });
}

export function slug(description?: string) {
  const s = z.string({ error: SLUG_RULE }).regex(SLUG_PATTERN, { error: SLUG_RULE });
  return description === undefined ? s : s.register(contractRegistry, { description });
}

export function label(description?: string) {
  const s = z.string({ error: LABEL_RULE }).regex(LABEL_PATTERN, { error: LABEL_RULE });
  return description === undefined ? s : s.register(contractRegistry, { description });
}

/** A string of `min`..`max` Unicode code points (what zod 4 and JSON Schema's maxLength count). */
export function text(min: number, max: number) {
  const rule =
    min === 0
      ? `must be a string of at most ${max} characters`
      : `must be a string of ${min}–${max} characters`;
  const s = z.string({ error: rule }).max(max, { error: rule });
  return min === 0 ? s : s.min(min, { error: rule });
}

/** An integer in [min, max]. */
export function intRange(min: number, max: number) {
  const rule = `must be an integer between ${min} and ${max}`;
  return z.int({ error: rule }).min(min, { error: rule }).max(max, { error: rule });
}

/** A non-negative duration in seconds (fractions allowed), at most `max`. */
export function seconds(max: number) {
  const rule = `must be a number of seconds between 0 and ${max}`;
  return z.number({ error: rule }).min(0, { error: rule }).max(max, { error: rule });
}

export function bool() {
  return z.boolean({ error: "must be true or false" });
}

export function oneOf<const T extends readonly [string, ...string[]]>(values: T, suffix = "") {
  return z.enum(values, { error: `must be one of ${values.join(", ")}${suffix}` });
}

export function dateTimeWithOffset() {
  return z.iso.datetime({ offset: true, error: DATETIME_RULE });
}

export { ID_PATTERN, SLUG_PATTERN };
