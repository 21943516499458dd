/**
 * Finds own `__proto__` keys in a parsed JSON value. JSON.parse makes them plain own properties
 * (harmless by themselves), but any later `{...spread}` or `target[key] = value` copy would turn
 * them into prototype pollution, so an event carrying one is rejected. Iterative: the value's
 * depth is already bounded, but no recursion is needed either.
 */
const KEY = "__proto__";
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function appendPath(base: string, seg: string | number): string {
  if (typeof seg === "number") return `${base}[${seg}]`;
  if (IDENTIFIER.test(seg)) return base === "" ? seg : `${base}.${seg}`;
  return `${base}[${JSON.stringify(seg)}]`;
}

/** Paths (JSON-path style, relative to `value`) of every own `__proto__` key, at most `limit`. */
export function findProtoKeys(value: unknown, limit = 10): string[] {
  const found: string[] = [];
  const stack: { v: unknown; path: string }[] = [{ v: value, path: "" }];
  while (stack.length > 0 && found.length < limit) {
    const { v, path } = stack.pop() as { v: unknown; path: string };
    if (typeof v !== "object" || v === null) continue;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) stack.push({ v: v[i], path: appendPath(path, i) });
      continue;
    }
    for (const k of Object.keys(v)) {
      if (k === KEY) found.push(appendPath(path, k));
      else stack.push({ v: (v as Record<string, unknown>)[k], path: appendPath(path, k) });
    }
  }
  return found;
}

/** Cheap pre-check on the raw text: without these, no key can decode to `__proto__`. */
export function mayContainProtoKey(text: string): boolean {
  return text.includes(KEY) || text.includes("\\u");
}
