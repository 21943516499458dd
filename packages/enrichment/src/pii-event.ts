import { redactPii } from "./pii-redact";

/** Body fields that hold free text (survey comment, complaint text, resolution note). */
export const FREE_TEXT_FIELDS: readonly string[] = ["comment", "text", "note"];

interface EventLike {
  body?: unknown;
  attributes?: Record<string, unknown> | undefined;
}

/**
 * Redacts every free-text body field and every string attribute value with the same scanners
 * (redactPii). Returns the same object when nothing was found, else a copy; never mutates.
 * Idempotent: a redacted value ("[EMAIL]") is left as it is, so a replay redacts nothing twice.
 */
export function redactEventPii<E extends EventLike>(event: E): { event: E; found: number } {
  let found = 0;
  let body = event.body;
  if (typeof body === "object" && body !== null && !Array.isArray(body)) {
    const r = redactFields(body as Record<string, unknown>, FREE_TEXT_FIELDS);
    body = r.value;
    found += r.found;
  }
  let attributes = event.attributes;
  if (attributes) {
    // Keys are the contract's safe attribute keys (never __proto__), so plain assignment is safe.
    const r = redactFields(attributes, Object.keys(attributes));
    attributes = r.value;
    found += r.found;
  }
  if (found === 0) return { event, found };
  return { event: { ...event, body, ...(attributes ? { attributes } : {}) }, found };
}

/** Redacts the string values of `keys`: the same object when none changed, else a copy. */
function redactFields<T extends Record<string, unknown>>(
  obj: T,
  keys: readonly string[],
): { value: T; found: number } {
  let copy: Record<string, unknown> | undefined;
  let found = 0;
  for (const k of keys) {
    const v = obj[k];
    if (typeof v !== "string") continue;
    const r = redactPii(v);
    if (r.text === v) continue;
    copy ??= { ...obj };
    copy[k] = r.text;
    found += countOf(r.found);
  }
  return { value: (copy as T | undefined) ?? obj, found };
}

function countOf(found: Record<string, number>): number {
  let n = 0;
  for (const v of Object.values(found)) n += v;
  return n;
}
