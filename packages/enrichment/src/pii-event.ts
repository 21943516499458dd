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
    const b = body as Record<string, unknown>;
    let copy: Record<string, unknown> | undefined;
    for (const f of FREE_TEXT_FIELDS) {
      const v = b[f];
      if (typeof v !== "string") continue;
      const r = redactPii(v);
      if (r.text === v) continue;
      copy ??= { ...b };
      copy[f] = r.text;
      found += countOf(r.found);
    }
    if (copy) body = copy;
  }
  let attributes = event.attributes;
  if (attributes) {
    let copy: Record<string, unknown> | undefined;
    for (const [k, v] of Object.entries(attributes)) {
      if (typeof v !== "string") continue;
      const r = redactPii(v);
      if (r.text === v) continue;
      // Keys are the contract's safe attribute keys (never __proto__), so plain assignment is safe.
      copy ??= { ...attributes };
      copy[k] = r.text;
      found += countOf(r.found);
    }
    if (copy) attributes = copy;
  }
  if (found === 0) return { event, found };
  return { event: { ...event, body, ...(attributes ? { attributes } : {}) }, found };
}

function countOf(found: Record<string, number>): number {
  let n = 0;
  for (const v of Object.values(found)) n += v;
  return n;
}
